/** The ledger side of reconcile: every row the day's invoices and transfers point at. */
import { REVENUE_SHARE_ID_PATTERN } from '../platform/validate.js';
import { deriveRevenueShareId } from '../revenue-share/revenue-share-id.js';
import type { ReconcileLedger } from './sources.js';
import { type LedgerRow, type PaidInvoice, type StripeTransfer, TRANSFER_ROW_METADATA_KEY } from './three-way-match.js';

const CONCURRENT_LOOKUPS = 8;

/**
 * The listing (rows created since `since`) first; then, for an invoice the listing does not cover, its row (ledger
 * row ids are derived from the invoice), and every row a transfer names. So a listing that stops at a bound cannot
 * make a row look missing.
 */
export async function gatherLedgerRows(
  ledger: ReconcileLedger,
  invoices: readonly PaidInvoice[],
  transfers: readonly StripeTransfer[],
  since: Date,
): Promise<LedgerRow[]> {
  const rows = new Map((await ledger.recentRows(since)).map((row) => [row.revenueShareId, row]));
  const coveredInvoices = new Set([...rows.values()].map((row) => row.invoiceId));

  const wanted = new Set<string>();
  for (const invoice of invoices) {
    if (!coveredInvoices.has(invoice.id)) wanted.add(deriveRevenueShareId(invoice.id));
  }
  for (const transfer of transfers) {
    const named = transfer.metadata?.[TRANSFER_ROW_METADATA_KEY];
    // A transfer's metadata can hold anything: an id no row can have is not looked up (its transfer is an orphan).
    if (named && REVENUE_SHARE_ID_PATTERN.test(named)) wanted.add(named);
  }

  const lookups = [...wanted].filter((id) => !rows.has(id));
  for (let start = 0; start < lookups.length; start += CONCURRENT_LOOKUPS) {
    const found = await Promise.all(lookups.slice(start, start + CONCURRENT_LOOKUPS).map((id) => ledger.row(id)));
    for (const row of found) if (row) rows.set(row.revenueShareId, row);
  }
  return [...rows.values()];
}
