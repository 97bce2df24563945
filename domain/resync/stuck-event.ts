/**
 * Which RECEIVED audit rows are stuck: nothing will move them on any more, so re-sync takes them like FAILED ones.
 * One rule for the resync function and the operator CLI (which applies it to GET /platform/webhook-events rows).
 *   - an abandoned claim: never enqueued and its lease has expired. The delivery that claimed it died before
 *     enqueueing, and a concurrent delivery was answered 200 duplicate, so Stripe will not retry it.
 *   - a lost message: enqueued more than STUCK_MESSAGE_AFTER_MS ago and still not processed, so SQS gave up on its
 *     message (the DLQ).
 */
import type { AuditRecord } from '../model.js';

/**
 * An enqueued event still RECEIVED after this long has lost its message: SQS gives up on it (to the DLQ) after
 * maxReceiveCount x the visibility timeout, 5 x 180 s deployed.
 */
export const STUCK_MESSAGE_AFTER_MS = 60 * 60 * 1000;

/** Why a RECEIVED row is re-synced (FAILED rows need no reason). */
export type StuckReason = 'abandoned_claim' | 'message_lost';

/** What the rule reads of an audit row (the platform API's webhook-event view carries these too). */
export type StuckEventFields = Pick<AuditRecord, 'status' | 'leaseExpiresAt' | 'enqueuedAt'>;

/** A RECEIVED row that nothing will move on any more, or undefined (FAILED, done, or still in flight). */
export function stuckReason(record: StuckEventFields, now: Date): StuckReason | undefined {
  if (record.status !== 'RECEIVED') return undefined;
  if (record.enqueuedAt === undefined) {
    const leaseExpired = record.leaseExpiresAt !== undefined && record.leaseExpiresAt < now.toISOString();
    return leaseExpired ? 'abandoned_claim' : undefined;
  }
  return Date.parse(record.enqueuedAt) <= now.getTime() - STUCK_MESSAGE_AFTER_MS ? 'message_lost' : undefined;
}
