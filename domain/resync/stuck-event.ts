/**
 * Which RECEIVED audit rows are stuck: nothing will move them on any more, so re-sync takes them like FAILED ones.
 * One rule for the resync function and the operator CLI (which applies it to GET /platform/webhook-events rows).
 * A RECEIVED row whose claim is older than the threshold was either abandoned (the delivery that claimed it died
 * before enqueueing, and a concurrent delivery was answered 200 duplicate, so Stripe will not retry it) or its
 * message was lost (SQS gave up on it: the DLQ). The row cannot tell which: the webhook writes nothing after the
 * enqueue (the ack path's one write), so re-sync treats both alike, claim and enqueue again; if the first message
 * is in fact still queued, the worker skips whichever of the two comes second.
 */
import type { AuditRecord } from '../model.js';

/**
 * A RECEIVED row whose lease ended this long ago is stuck. Longer than SQS keeps retrying a message (maxReceiveCount
 * x the visibility timeout, 5 x 180 s deployed), so a message still being worked on is left alone; Stripe's own retry
 * takes over a crashed delivery's claim as soon as the lease ends, much sooner.
 */
export const STUCK_AFTER_MS = 60 * 60 * 1000;

/** Why a RECEIVED row is re-synced (FAILED rows need no reason). */
export type StuckReason = 'not_processed';

/** What the rule reads of an audit row (the platform API's webhook-event view carries these too). */
export type StuckEventFields = Pick<AuditRecord, 'status' | 'leaseExpiresAt'>;

/** A RECEIVED row that nothing will move on any more, or undefined (FAILED, done, or still in flight). */
export function stuckReason(
  record: StuckEventFields,
  now: Date,
  stuckAfterMs: number = STUCK_AFTER_MS,
): StuckReason | undefined {
  if (record.status !== 'RECEIVED' || record.leaseExpiresAt === undefined) return undefined;
  return Date.parse(record.leaseExpiresAt) <= now.getTime() - stuckAfterMs ? 'not_processed' : undefined;
}
