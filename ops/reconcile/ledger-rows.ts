/**
 * The CLI's ledger for reconcile: the platform API behind the ReconcileLedger port, so the CLI gathers rows with the
 * same code as the scheduled function (domain/reconcile/ledger-rows.ts).
 */
import type { RevenueShare } from '../../domain/model.js';
import type { ReconcileLedger } from '../../domain/reconcile/sources.js';
import { MAX_LIST_LIMIT, PlatformApiError, type PlatformClient } from '../platform-client.js';

/** The API lists the newest rows (it has no `since`): the newest MAX_LIST_LIMIT, a superset of the day's or not. */
export function platformApiLedger(client: PlatformClient): ReconcileLedger {
  return {
    recentRows: () => client.listRevenueShares({ limit: MAX_LIST_LIMIT }),
    row: (revenueShareId) => rowOrNothing(client, revenueShareId),
  };
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
