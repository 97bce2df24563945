/** The ledger side of reconcile: every row the day's invoices and transfers point at, via the platform API. */
import type { RevenueShare } from '../../domain/model.js';
import { type StripeTransfer, TRANSFER_ROW_METADATA_KEY } from '../../domain/reconcile/three-way-match.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { MAX_LIST_LIMIT, PlatformApiError, type PlatformClient } from '../platform-client.js';
import type { SourcedInvoice } from './stripe-source.js';

const CONCURRENT_LOOKUPS = 8;

/**
 * The listing first; then, for an invoice the listing does not cover, the row of each district it could
 * belong to (ledger row ids are derived from district and invoice), and every row a transfer names. So a
 * listing that stops at a page limit cannot make a row look missing.
 */
export async function gatherLedgerRows(
  client: PlatformClient,
  invoices: readonly SourcedInvoice[],
  transfers: readonly StripeTransfer[],
): Promise<RevenueShare[]> {
  const rows = new Map(
    (await client.listRevenueShares({ limit: MAX_LIST_LIMIT })).map((row) => [row.revenueShareId, row]),
  );
  const coveredInvoices = new Set([...rows.values()].map((row) => row.invoiceId));

  const wanted = new Set<string>();
  const uncovered = invoices.filter((invoice) => !coveredInvoices.has(invoice.id));
  if (uncovered.length > 0) {
    const districts = await client.listDistricts();
    for (const invoice of uncovered) {
      const candidates = invoice.namedDistrictId
        ? [invoice.namedDistrictId]
        : districts
            .filter((d) => invoice.customer && d.stripeCustomerIds.includes(invoice.customer))
            .map((d) => d.districtId);
      for (const districtId of candidates) wanted.add(deriveRevenueShareId(districtId, invoice.id));
    }
  }
  for (const transfer of transfers) {
    const named = transfer.metadata?.[TRANSFER_ROW_METADATA_KEY];
    if (named) wanted.add(named);
  }

  const lookups = [...wanted].filter((id) => !rows.has(id));
  for (let start = 0; start < lookups.length; start += CONCURRENT_LOOKUPS) {
    const found = await Promise.all(
      lookups.slice(start, start + CONCURRENT_LOOKUPS).map((id) => rowOrNothing(client, id)),
    );
    for (const row of found) if (row) rows.set(row.revenueShareId, row);
  }
  return [...rows.values()];
}

async function rowOrNothing(client: PlatformClient, revenueShareId: string): Promise<RevenueShare | undefined> {
  try {
    return await client.getRevenueShare(revenueShareId);
  } catch (error) {
    // 400: the API refuses the id's form (a transfer's metadata can hold anything), so no row can have it.
    if (error instanceof PlatformApiError && (error.status === 404 || error.status === 400)) return undefined;
    throw error;
  }
}
