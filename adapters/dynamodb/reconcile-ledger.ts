/**
 * The scheduled reconcile's ledger: the tables behind the ReconcileLedger port. Rows created since a time come from
 * the byPayoutStatusCreatedAt index, one Query per status (never a Scan of the whole ledger); the rest by key.
 */
import { PAYOUT_STATUSES } from '../../domain/model.js';
import type { LedgerStore } from '../../domain/ports.js';
import type { ReconcileLedger } from '../../domain/reconcile/sources.js';

/** Rows per status the listing reads at most; beyond it the day's rows are looked up by their derived ids. */
export const RECENT_ROWS_PER_STATUS = 5_000;

export function tableReconcileLedger(ledger: Pick<LedgerStore, 'get' | 'list'>): ReconcileLedger {
  return {
    async recentRows(since) {
      const byStatus = await Promise.all(
        PAYOUT_STATUSES.map((payoutStatus) => ledger.list({ payoutStatus, since, limit: RECENT_ROWS_PER_STATUS })),
      );
      return byStatus.flat();
    },
    row: (revenueShareId) => ledger.get(revenueShareId),
  };
}
