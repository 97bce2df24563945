/**
 * The scheduled reconcile's ledger: the tables behind the ReconcileLedger port. The listing is of the rows waiting for
 * a person, from the sparse byAttentionStatusCreatedAt index, one Query per status (never a Scan of the whole
 * ledger). Every other row reconcile checks is read by key: the row of each paid invoice (its id derives from the
 * invoice) and the row each transfer names (domain/reconcile/ledger-rows.ts).
 */
import { ATTENTION_STATUSES } from '../../domain/model.js';
import type { LedgerStore } from '../../domain/ports.js';
import type { ReconcileLedger } from '../../domain/reconcile/sources.js';

/** Rows per status the listing reads at most; beyond it the day's rows are looked up by their derived ids. */
export const RECENT_ROWS_PER_STATUS = 5_000;

export function tableReconcileLedger(ledger: Pick<LedgerStore, 'get' | 'list'>): ReconcileLedger {
  return {
    async recentRows(since) {
      const byStatus = await Promise.all(
        ATTENTION_STATUSES.map((payoutStatus) => ledger.list({ payoutStatus, since, limit: RECENT_ROWS_PER_STATUS })),
      );
      return byStatus.flat();
    },
    row: (revenueShareId) => ledger.get(revenueShareId),
  };
}
