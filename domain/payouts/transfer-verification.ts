import type { District, RevenueShare, TransferPart } from '../model.js';
import type { ProviderTransfer } from '../ports.js';
import { partsOf } from './transfer-plan.js';

/**
 * Why a transfer does not prove that (a part of) a ledger row was paid; empty when it does. The transfer must be the
 * row's, for exactly the part's amount (shareCents for a row without parts) in the row's currency, to the row's
 * destination, which must still be the district's account, funded by the part's charge (`source_transaction`; none
 * for a part paid from the platform balance), and reversed by exactly what the row records (reversalCheck).
 */
export function transferMismatches(
  row: RevenueShare,
  district: District | undefined,
  transfer: ProviderTransfer,
  part?: TransferPart,
): string[] {
  return [...transferFieldMismatches(row, district, transfer, part), ...reversalCheck(row, transfer).reasons];
}

/** transferMismatches without the reversals: the transfer's id, amount, currency, destination, source and owner. */
export function transferFieldMismatches(
  row: RevenueShare,
  district: District | undefined,
  transfer: ProviderTransfer,
  part?: TransferPart,
): string[] {
  const reasons: string[] = [];
  const expectedId = part ? part.stripeTransferId : row.stripeTransferId;
  if (transfer.id !== expectedId) {
    reasons.push(`transfer id ${transfer.id} is not the row's ${expectedId ?? '(none)'}`);
  }
  const expectedAmount = part ? part.amountCents : row.shareCents;
  if (transfer.amountCents !== expectedAmount) {
    reasons.push(
      part && partsOf(row).length > 1
        ? `amount ${transfer.amountCents} differs from part ${part.index}'s ${expectedAmount}`
        : `amount ${transfer.amountCents} differs from shareCents ${expectedAmount}`,
    );
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
  if (part && transfer.sourceTransaction !== part.sourceChargeId) {
    reasons.push(
      `source_transaction ${transfer.sourceTransaction ?? '(none)'} is not the part's ` +
        `${part.sourceChargeId ?? '(none: platform balance)'}`,
    );
  }
  if (transfer.metadata.revenueShareId !== row.revenueShareId) {
    reasons.push(`metadata.revenueShareId ${transfer.metadata.revenueShareId ?? '(missing)'} is not this row`);
  }
  return reasons;
}

export interface ReversalCheck {
  /** Why what Stripe shows reversed is not what the row records; empty when it is. */
  reasons: string[];
  /**
   * How much more Stripe shows reversed than the row records: a reversal whose transfer.reversed event is not
   * processed yet (made from the dashboard), which will record it. 0 when Stripe shows no more.
   */
  unrecordedCents: number;
}

/**
 * The transfer's reversals against the row's. The clawback may reverse a transfer before it is verified (a refund
 * came first), and transfer.reversed records a reversal made outside the stack: what the row records as reversed from
 * this transfer is expected; anything else is not.
 */
export function reversalCheck(row: RevenueShare, transfer: ProviderTransfer): ReversalCheck {
  const reasons: string[] = [];
  const recordedReversed = (row.moneyHistory ?? [])
    .filter((m) => m.kind === 'REVERSAL' && m.transferId === transfer.id)
    .reduce((sum, m) => sum + m.amountCents, 0);
  if (transfer.amountReversedCents !== recordedReversed) {
    reasons.push(
      recordedReversed === 0
        ? `amount_reversed is ${transfer.amountReversedCents}`
        : `amount_reversed is ${transfer.amountReversedCents}, the row records ${recordedReversed} reversed`,
    );
  }
  if (transfer.reversed && recordedReversed < transfer.amountCents) reasons.push('transfer is reversed');
  return { reasons, unrecordedCents: Math.max(0, transfer.amountReversedCents - recordedReversed) };
}

/** Why a row's plan does not add up: parts must exist, be recorded, and sum to shareCents. */
export function planMismatches(row: RevenueShare): string[] {
  const parts = partsOf(row);
  if (parts.length === 0) return [];
  const reasons: string[] = [];
  const sum = parts.reduce((total, part) => total + (part.plannedCents ?? part.amountCents), 0);
  if (sum !== row.shareCents) reasons.push(`transfer parts add up to ${sum}, not shareCents ${row.shareCents}`);
  // The first part recorded names the row (adapters' recordTransfer): the row's id must be one of its parts'.
  if (!parts.some((part) => part.stripeTransferId !== undefined && part.stripeTransferId === row.stripeTransferId)) {
    reasons.push(`stripeTransferId ${row.stripeTransferId ?? '(none)'} is none of its parts' transfers`);
  }
  return reasons;
}
