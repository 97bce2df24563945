/**
 * One day's reconcile, as the CLI (`npm run ops -- reconcile`) and the scheduled function both run it: the day's paid
 * invoices and the transfers from its start (plus a look-ahead) at Stripe, the ledger rows they point at, the
 * three-way match and the out-of-band amounts; and the charges the day's money events name, each row they paid
 * against its clawback target and, once its money came back, its net at Stripe (when the sources can read them).
 */

import { canCheckClawbacks, gatherClawbackChecks } from './clawback-charges.js';
import { clawbackMatch } from './clawback-match.js';
import { gatherLedgerRows } from './ledger-rows.js';
import type { ReconcileDay } from './reconcile-day.js';
import type { ReconcileDistricts, ReconcileLedger, ReconcileStripeSource } from './sources.js';
import {
  checkedRows,
  hasClawback,
  type LedgerRow,
  type Mismatch,
  type OutOfBandAmount,
  outOfBandAmounts,
  threeWayMatch,
} from './three-way-match.js';
import { MAX_TRANSFERS_READ_BY_ID, notFullyChecked, readUnlistedTransfers } from './unlisted-transfers.js';

/** A share is usually transferred minutes after its invoice is paid; look this far past the day for it. */
export const TRANSFER_LOOKAHEAD_SECONDS = 7 * 86_400;

/**
 * The ledger listing starts this long before the day: a row is written when its invoice.paid is processed (on the
 * paid day, or just after); a row written earlier, or missed by the listing's bound, is looked up by its id.
 */
export const LEDGER_LISTING_MARGIN_SECONDS = 86_400;

export interface ReconcileSources {
  stripe: ReconcileStripeSource;
  ledger: ReconcileLedger;
  /** Without it (or without the Stripe source's money-event reads) the clawback check is skipped. */
  districts?: ReconcileDistricts;
}

export interface ReconcileReport {
  date: string;
  paidInvoices: number;
  /** Ledger rows of the day's invoices. */
  ledgerRows: number;
  /** Transfers created that day. */
  transfers: number;
  /** Transfers the checked rows record that the listing does not hold, read by id (one Stripe request each). */
  transfersReadById: number;
  /** Such transfers left unread past the bound (unit: transfers; their rows are not fully checked); unset: none. */
  transfersUnread?: number;
  /** Charges the day's money events name, each checked against its clawback target; unset: not checked. */
  moneyEventCharges?: number;
  mismatches: Mismatch[];
  outOfBand: OutOfBandAmount[];
}

export interface ReconcileOptions {
  /**
   * Transfers read by id at most (unlisted-transfers.ts); past it the run reports NOT_FULLY_CHECKED. The scheduled
   * function keeps MAX_TRANSFERS_READ_BY_ID (its Lambda's time), the CLI reads MAX_TRANSFERS_READ_BY_ID_BY_HAND.
   */
  maxTransfersReadById?: number;
}

export async function reconcileOneDay(
  day: ReconcileDay,
  now: Date,
  sources: ReconcileSources,
  { maxTransfersReadById = MAX_TRANSFERS_READ_BY_ID }: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const transfersUntil = Math.max(day.lt, Math.min(nowSeconds + 1, day.lt + TRANSFER_LOOKAHEAD_SECONDS));
  const [invoices, transfers] = await Promise.all([
    sources.stripe.paidInvoices({ gte: day.gte, lt: day.lt }),
    sources.stripe.transfers({ gte: day.gte, lt: transfersUntil }),
  ]);
  const since = new Date((day.gte - LEDGER_LISTING_MARGIN_SECONDS) * 1000);
  const ledgerRows = await gatherLedgerRows(sources.ledger, invoices, transfers, since);
  const dayRange = { gte: day.gte, lt: day.lt };
  const { stripe, ledger, districts } = sources;
  const clawbacks =
    canCheckClawbacks(stripe) && districts
      ? await gatherClawbackChecks({ stripe, ledger, districts }, dayRange)
      : undefined;
  const checked = checkedRows({ invoices, ledgerRows, transfers, day: dayRange });
  // The rows the day's money events name whose money came back are checked for their net too, on the day of the
  // refund or dispute: a reversal the ledger records and Stripe never made shows only there.
  const netChecked = distinctRows((clawbacks ?? []).flatMap((check) => check.rows)).filter(hasClawback);
  // A checked row's transfers outside the listing (an earlier part, a clawed-back row's) are read by id; the day's
  // rows first, should the bound cut the list.
  const readFor = [...checked, ...netChecked];
  const unlisted = await readUnlistedTransfers(sources.stripe, transfers, readFor, maxTransfersReadById);
  transfers.push(...unlisted.found);
  const unchecked = notFullyChecked(unlisted.unread, readFor, maxTransfersReadById, day.date);
  const invoiceIds = new Set(invoices.map((invoice) => invoice.id));
  return {
    date: day.date,
    paidInvoices: invoices.length,
    ledgerRows: ledgerRows.filter((row) => invoiceIds.has(row.invoiceId)).length,
    transfers: transfers.filter((t) => t.created >= day.gte && t.created < day.lt).length,
    transfersReadById: unlisted.readById,
    ...(unlisted.unread.length > 0 ? { transfersUnread: unlisted.unread.length } : {}),
    ...(clawbacks ? { moneyEventCharges: clawbacks.length } : {}),
    mismatches: [
      ...threeWayMatch({
        invoices,
        ledgerRows,
        transfers,
        day: dayRange,
        unread: new Set(unlisted.unread),
        netChecked,
      }),
      ...clawbackMatch(clawbacks ?? []),
      ...(unchecked ? [unchecked] : []),
    ],
    outOfBand: outOfBandAmounts(invoices, ledgerRows),
  };
}

function distinctRows<T extends LedgerRow>(rows: readonly T[]): T[] {
  return [...new Map(rows.map((row) => [row.revenueShareId, row])).values()];
}
