import type { RevenueShare } from '../model.js';

/** mark-paid needs a transfer to verify; a row without one is refused (the API answers 400 for it). */
export class MissingTransferIdError extends Error {
  constructor(readonly revenueShareId: string) {
    super(`ledger row ${revenueShareId} has no stripeTransferId: there is no transfer to verify`);
    this.name = 'MissingTransferIdError';
  }
}

export function assertHasTransferId(row: RevenueShare): asserts row is RevenueShare & { stripeTransferId: string } {
  if (!row.stripeTransferId) throw new MissingTransferIdError(row.revenueShareId);
}

/**
 * A clawback is in flight on the row (its intent is written: a reversal may exist at Stripe that the row does not
 * record yet): the transfer cannot be judged now. Thrown, so the message comes back once the intent is completed.
 */
export class ClawbackInFlightError extends Error {
  constructor(readonly revenueShareId: string) {
    super(`ledger row ${revenueShareId} has a clawback in flight: it is verified once that is recorded`);
    this.name = 'ClawbackInFlightError';
  }
}

/**
 * Stripe shows a transfer of the row reversed beyond what the row records, and nothing else differs: a reversal made
 * outside the stack whose transfer.reversed event is not processed yet. Judged now it would be a false mismatch and,
 * acknowledged, nothing would queue the row again. Thrown, so the message comes back once that event records it (an
 * event that never comes ends in the DLQ alarm).
 */
export class UnrecordedReversalError extends Error {
  constructor(
    readonly revenueShareId: string,
    readonly reasons: readonly string[],
  ) {
    super(`ledger row ${revenueShareId} is verified once its transfer.reversed is recorded: ${reasons.join('; ')}`);
    this.name = 'UnrecordedReversalError';
  }
}

/**
 * A part of the row was held back to 0 (its charge refunded) before its transfer was recorded, and the row's transfer
 * group at Stripe holds a transfer made for it before the hold-back: the transfer worker's retry records that transfer
 * and reverses it. Judged now, the row would be marked paid while the district keeps that transfer. Thrown, so the
 * message comes back once the worker has recorded it (a worker that never does ends in the DLQ alarm).
 */
export class HeldBackPartTransferredError extends Error {
  constructor(
    readonly revenueShareId: string,
    readonly transferIds: readonly string[],
  ) {
    super(
      `ledger row ${revenueShareId} is verified once its transfer worker records ${transferIds.join(', ')}, made ` +
        'for a part held back since',
    );
    this.name = 'HeldBackPartTransferredError';
  }
}
