/**
 * The transfers the checked rows record that the day's listing does not hold, read by id: a split row's earlier part
 * made on an earlier day, a clawed-back row's transfer and its re-payments. Without them a row would look as if Stripe
 * had no such transfer (MISSING_TRANSFER), and its net could not be checked.
 *
 * Cost: one Stripe request per transfer (transfers.retrieve), one after the other so reconcile keeps to the share of
 * the account's rate limit left to it (lib/stripe-budget.ts), at most MAX_TRANSFERS_READ_BY_ID per run: about 200 ms
 * each, under two minutes at the bound. A day normally needs a few (its refunded and split rows). Past the bound the
 * rest are unread: the match neither calls them missing nor compares them (the report counts them).
 */
import type { ReconcileStripeSource } from './sources.js';
import { type LedgerRow, ledgerTransferIds, type StripeTransfer } from './three-way-match.js';

export const MAX_TRANSFERS_READ_BY_ID = 500;

export interface UnlistedTransfers {
  /** Read by id; an id Stripe does not have is not among them (the match reports it missing). */
  found: StripeTransfer[];
  /** Past the bound: not read. */
  unread: string[];
  /** Requests made. */
  readById: number;
}

/** `rows` in the order their transfers should be read first when the bound cuts the list. */
export async function readUnlistedTransfers(
  stripe: Pick<ReconcileStripeSource, 'retrieveTransfers'>,
  listed: readonly StripeTransfer[],
  rows: readonly LedgerRow[],
): Promise<UnlistedTransfers> {
  // A source that cannot read by id judges the rows by the listing alone.
  if (!stripe.retrieveTransfers) return { found: [], unread: [], readById: 0 };
  const have = new Set(listed.map((t) => t.id));
  const wanted = [...new Set(rows.flatMap(ledgerTransferIds))].filter((id) => !have.has(id));
  const read = wanted.slice(0, MAX_TRANSFERS_READ_BY_ID);
  const found = read.length > 0 ? await stripe.retrieveTransfers(read) : [];
  return { found, unread: wanted.slice(MAX_TRANSFERS_READ_BY_ID), readById: read.length };
}
