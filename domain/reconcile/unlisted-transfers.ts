/**
 * The transfers the checked rows record that the day's listing does not hold, read by id: a split row's earlier part
 * made on an earlier day, a clawed-back row's transfer and its re-payments. Without them a row would look as if Stripe
 * had no such transfer (MISSING_TRANSFER), and its net could not be checked.
 *
 * Cost: one Stripe request per transfer (transfers.retrieve), one after the other so reconcile keeps to the share of
 * the account's rate limit left to it (lib/stripe-budget.ts), at most MAX_TRANSFERS_READ_BY_ID per run: about 200 ms
 * each, under two minutes at the scheduled function's bound. A day normally needs a few (its refunded and split rows).
 * Past the bound the rest are unread: the match neither calls them missing nor compares them, and the run reports one
 * NOT_FULLY_CHECKED (notFullyChecked), which pages, so a person runs the CLI for that day (its bound is far larger).
 */
import type { ReconcileStripeSource } from './sources.js';
import { type LedgerRow, ledgerTransferIds, type Mismatch, type StripeTransfer } from './three-way-match.js';

/** The scheduled function's bound: its Lambda's time (10 minutes, shared with the day's listings). */
export const MAX_TRANSFERS_READ_BY_ID = 500;

/** The CLI's bound (`npm run ops -- reconcile`): no Lambda limit, so it can finish a day the schedule could not. */
export const MAX_TRANSFERS_READ_BY_ID_BY_HAND = 10_000;

/** Rows named in a NOT_FULLY_CHECKED detail at most. */
const ROWS_NAMED = 5;

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
  bound: number = MAX_TRANSFERS_READ_BY_ID,
): Promise<UnlistedTransfers> {
  // A source that cannot read by id judges the rows by the listing alone.
  if (!stripe.retrieveTransfers) return { found: [], unread: [], readById: 0 };
  const have = new Set(listed.map((t) => t.id));
  const wanted = [...new Set(rows.flatMap(ledgerTransferIds))].filter((id) => !have.has(id));
  const read = wanted.slice(0, bound);
  const found = read.length > 0 ? await stripe.retrieveTransfers(read) : [];
  return { found, unread: wanted.slice(bound), readById: read.length };
}

/**
 * The one mismatch that says the bound left transfers unread (none when it did not): the rows recording them were
 * not fully checked, so a mismatch among them would otherwise go unseen. It says how to check them.
 */
export function notFullyChecked(
  unread: readonly string[],
  rows: readonly LedgerRow[],
  bound: number,
  date: string,
): Mismatch | undefined {
  if (unread.length === 0) return undefined;
  const left = new Set(unread);
  const rowIds = [
    ...new Set(rows.filter((row) => ledgerTransferIds(row).some((id) => left.has(id))).map((r) => r.revenueShareId)),
  ];
  const named =
    rowIds.slice(0, ROWS_NAMED).join(', ') +
    (rowIds.length > ROWS_NAMED ? ` and ${rowIds.length - ROWS_NAMED} more` : '');
  const howToCheck =
    bound < MAX_TRANSFERS_READ_BY_ID_BY_HAND
      ? `run \`npm run ops -- reconcile --date ${date}\` (it reads up to ${MAX_TRANSFERS_READ_BY_ID_BY_HAND} by id)`
      : 'check each of those rows by hand (`npm run ops -- payouts show <id>`, and its transfers at Stripe)';
  return {
    kind: 'NOT_FULLY_CHECKED',
    detail:
      `${unread.length} transfer(s) recorded by ${rowIds.length} checked row(s) (${named}) were not read by id, past ` +
      `this run's bound of ${bound}: they were neither compared nor checked as missing, nor those rows' net. To ` +
      `check them, ${howToCheck}`,
  };
}
