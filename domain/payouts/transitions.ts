/**
 * The payout state machine. A row is created PENDING (a share to pay) or NO_PAYOUT (a zero share, terminal).
 *
 *   PENDING          -> PAID             mark-paid verified the transfer at the provider
 *   PENDING          -> TRANSFER_FAILED  the provider refused the transfer (permanent error)
 *   PENDING          -> REVERSED         the transfer was reversed before it was verified
 *   TRANSFER_FAILED  -> PENDING          a new transfer attempt (retry), or a transfer recorded for the row
 *   PAID             -> REVERSED         the only way out of PAID
 *   REVERSED, NO_PAYOUT                  terminal
 */
import type { PayoutStatus } from '../model.js';

const ALLOWED: Readonly<Record<PayoutStatus, readonly PayoutStatus[]>> = {
  PENDING: ['PAID', 'TRANSFER_FAILED', 'REVERSED'],
  TRANSFER_FAILED: ['PENDING'],
  PAID: ['REVERSED'],
  REVERSED: [],
  NO_PAYOUT: [],
};

export class InvalidPayoutTransitionError extends Error {
  constructor(
    readonly from: PayoutStatus,
    readonly to: PayoutStatus,
  ) {
    super(`payout status cannot change from ${from} to ${to}`);
    this.name = 'InvalidPayoutTransitionError';
  }
}

export const allowedTransitions = (from: PayoutStatus): readonly PayoutStatus[] => ALLOWED[from];

/** True when `from -> to` is a transition of the state machine (staying in one status is not a transition). */
export const canTransition = (from: PayoutStatus, to: PayoutStatus): boolean => ALLOWED[from].includes(to);

export function assertTransition(from: PayoutStatus, to: PayoutStatus): void {
  if (!canTransition(from, to)) throw new InvalidPayoutTransitionError(from, to);
}
