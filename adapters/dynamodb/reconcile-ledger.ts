/**
 * The scheduled reconcile's ledger: the tables behind the ScheduledReconcileLedger port. Its one listing is of the
 * rows waiting for a person, from the sparse byAttentionStatusCreatedAt index, one Query per status (never a Scan of
 * the whole ledger), newest first: a run takes the day's rows (those created since the day before) and the reminders
 * from it. Every other row reconcile checks is read by key: the row of each paid invoice (its id derives from the
 * invoice) and the row each transfer names (domain/reconcile/ledger-rows.ts).
 */
import { ATTENTION_STATUSES } from '../../domain/model.js';
import type { LedgerStore } from '../../domain/ports.js';
import type { ScheduledReconcileLedger } from '../../domain/reconcile/sources.js';

/**
 * Rows per status the listing reads at most; beyond it the day's rows are looked up by their derived ids, and a
 * reminder counts this many. Each listed row is read by key (BatchGetItem) after its index entry.
 */
export const RECENT_ROWS_PER_STATUS = 5_000;

export function tableReconcileLedger(ledger: Pick<LedgerStore, 'get' | 'list'>): ScheduledReconcileLedger {
  return {
    waitingRows: async () => {
      const byStatus = await Promise.all(
        ATTENTION_STATUSES.map((payoutStatus) => ledger.list({ payoutStatus, limit: RECENT_ROWS_PER_STATUS })),
      );
      return byStatus.flat();
    },
    row: (revenueShareId) => ledger.get(revenueShareId),
  };
}
