import type { ListedAuditStatus } from '../model.js';

/**
 * Counts open audit rows older than an instant, for the catch-up: those its re-sync no longer looks at. Read from the
 * status index re-sync lists from (it holds only open rows; a count returns none of them).
 */
export interface OpenEventCounter {
  /** Rows with `status` created before `createdBefore`; with `leaseEndedBefore`, only those whose lease ended then. */
  countOpenCreatedBefore(status: ListedAuditStatus, createdBefore: Date, leaseEndedBefore?: Date): Promise<number>;
}
