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
