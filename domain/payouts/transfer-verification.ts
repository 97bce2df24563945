import type { District, RevenueShare } from '../model.js';
import type { ProviderTransfer } from '../ports.js';

/**
 * Why a transfer does not prove that a ledger row was paid; empty when it does. The transfer must be the row's,
 * for exactly shareCents in the row's currency, to the row's destination, which must still be the district's
 * account, and must not be reversed in whole or in part.
 */
export function transferMismatches(
  row: RevenueShare,
  district: District | undefined,
  transfer: ProviderTransfer,
): string[] {
  const reasons: string[] = [];
  if (transfer.id !== row.stripeTransferId) {
    reasons.push(`transfer id ${transfer.id} is not the row's ${row.stripeTransferId ?? '(none)'}`);
  }
  if (transfer.amountCents !== row.shareCents) {
    reasons.push(`amount ${transfer.amountCents} differs from shareCents ${row.shareCents}`);
  }
  if (transfer.currency.toLowerCase() !== row.currency.toLowerCase()) {
    reasons.push(`currency ${transfer.currency} differs from ${row.currency}`);
  }
  if (transfer.destinationAccountId !== row.destinationAccountId) {
    reasons.push(`destination ${transfer.destinationAccountId} differs from ${row.destinationAccountId}`);
  }
  if (!district) {
    reasons.push(`district ${row.districtId} is not configured`);
  } else if (district.stripeAccountId !== row.destinationAccountId) {
    reasons.push(`district account ${district.stripeAccountId} differs from the row's ${row.destinationAccountId}`);
  }
  if (transfer.reversed) reasons.push('transfer is reversed');
  if (transfer.amountReversedCents !== 0) reasons.push(`amount_reversed is ${transfer.amountReversedCents}`);
  if (transfer.metadata.revenueShareId !== row.revenueShareId) {
    reasons.push(`metadata.revenueShareId ${transfer.metadata.revenueShareId ?? '(missing)'} is not this row`);
  }
  return reasons;
}
