/**
 * The payout state machine. A row is created PENDING (a share to pay), NO_PAYOUT (a zero share, terminal) or
 * NEEDS_REVIEW (money that did not come through a Stripe charge: a person decides).
 *
 *   PENDING          -> PAID             mark-paid verified the transfer at the provider
 *   PENDING          -> TRANSFER_FAILED  the provider refused the transfer (permanent error)
 *   PENDING          -> REVERSED         the transfer was reversed before it was verified
 *   TRANSFER_FAILED  -> PENDING          a new transfer attempt (retry), or a transfer recorded for the row
 *   PAID             -> PARTIALLY_REVERSED, REVERSED   money came back (refund, dispute): the share is clawed back
 *   PARTIALLY_REVERSED -> REVERSED, PAID             more came back; or it was given back (refund failed, dispute won)
 *   REVERSED         -> PARTIALLY_REVERSED, PAID     given back (a refund failed, a dispute was won)
 *   PENDING          -> PARTIALLY_REVERSED           a transfer was partly reversed before it was verified
 *   NEEDS_REVIEW     -> PENDING          a person approved paying it (recorded with who and why)
 *   NEEDS_REVIEW     -> NO_PAYOUT        approved, but its share is 0: nothing to transfer
 *   NEEDS_REVIEW     -> CLOSED           a person closed it, with a reason: it is never paid
 *   REVERSED         -> PENDING          guarded (canRestoreToPending): a row never transferred, cancelled because its
 *                                        money went back before the transfer, gets it back (a refund failed, a
 *                                        dispute was won): its transfer is to be made after all
 *   NO_PAYOUT, CLOSED                    terminal (REVERSED is left only when money is given back)
 */
import type { PayoutStatus, RevenueShare } from '../model.js';

const ALLOWED: Readonly<Record<PayoutStatus, readonly PayoutStatus[]>> = {
  PENDING: ['PAID', 'TRANSFER_FAILED', 'REVERSED', 'PARTIALLY_REVERSED'],
  TRANSFER_FAILED: ['PENDING'],
  PAID: ['REVERSED', 'PARTIALLY_REVERSED'],
  PARTIALLY_REVERSED: ['REVERSED', 'PAID'],
  REVERSED: ['PARTIALLY_REVERSED', 'PAID'],
  NO_PAYOUT: [],
  NEEDS_REVIEW: ['PENDING', 'NO_PAYOUT', 'CLOSED'],
  CLOSED: [],
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

type RestoredRow = Pick<RevenueShare, 'payoutStatus' | 'paidAt' | 'stripeTransferId' | 'transferParts'>;

/**
 * REVERSED -> PENDING, the one transition that depends on more than the two statuses, so it is not in the table
 * (canTransition stays false for it): only a row that was never paid in any way (no paidAt: not PAID by netting either,
 * no transfer recorded on it or any part), which a refund or dispute cancelled before its transfer, and which now
 * has money to transfer again. A row that was transferred keeps its transfer: money given back to it is a re-payment.
 */
export const canRestoreToPending = (row: RestoredRow): boolean =>
  row.payoutStatus === 'REVERSED' &&
  row.paidAt === undefined &&
  row.stripeTransferId === undefined &&
  (row.transferParts ?? []).every((part) => part.stripeTransferId === undefined) &&
  (row.transferParts ?? []).some((part) => part.amountCents > 0);
