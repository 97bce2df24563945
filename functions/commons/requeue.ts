/**
 * Rate limits are weather, not failures: a record that is still rate limited after the Stripe client waited
 * (stripe-rate-limit.ts) goes back to its own queue as a fresh message instead of failing, so it does not use up
 * its receives toward the DLQ (SQS counts every receive of a message; a new message starts at 0). A FIFO queue
 * takes no per-message delay: the wait already spent inside the invocation is the delay.
 *
 * The first requeue stamps when the record was first put back; every later copy carries that stamp unchanged,
 * with its count of requeues. Once the record has been rate limited for longer than `maxRateLimitedMs` (a Stripe
 * that refuses for an hour is not weather) it fails as any transient error does, and so reaches the DLQ and
 * pages. The count ceiling is only a safety net for a clock that is wrong (a stamp from the future): it must not
 * bind first, and cannot, as one requeue takes over 2.4 s (the Stripe client waits at least
 * DEFAULT_RATE_LIMIT_WAIT_MS - RATE_LIMIT_BACKOFF_CAP_MS before it gives up), so an hour holds fewer than 1,500.
 */
import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { PaymentProviderError } from '../../domain/ports.js';

export const REQUEUE_COUNT_ATTRIBUTE = 'rateLimitRequeues';
/** Epoch milliseconds of the record's first requeue. */
export const RATE_LIMITED_SINCE_ATTRIBUTE = 'rateLimitedSince';
export const DEFAULT_MAX_RATE_LIMITED_MS = 60 * 60_000;
export const DEFAULT_MAX_REQUEUES = 2_000;

export interface RequeuePolicy {
  /** How long a record may stay rate limited before it fails (default 60 minutes). */
  maxRateLimitedMs?: number;
  /** Most requeues of one record whatever the clock says (default 2,000). */
  maxRequeues?: number;
  /** Epoch milliseconds (default Date.now). */
  now?: () => number;
}

export interface Requeuer {
  /** Puts the record back on its queue; false when it was rate limited for too long already (then it must fail). */
  requeue(record: SQSRecord): Promise<boolean>;
}

/** Stripe's 429s: `rate_limit` (over the request rate) and `lock_timeout` (concurrent writes to one object). */
export const isRateLimited = (error: unknown): boolean =>
  error instanceof PaymentProviderError &&
  (error.statusCode === 429 || error.code === 'rate_limit' || error.code === 'lock_timeout');

const positiveIntegerAttribute = (record: SQSRecord, name: string): number | undefined => {
  const value = Number(record.messageAttributes?.[name]?.stringValue);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
};

export const requeueCount = (record: SQSRecord): number =>
  positiveIntegerAttribute(record, REQUEUE_COUNT_ATTRIBUTE) ?? 0;

/** When the record was first put back (epoch ms), or undefined before its first requeue. */
export const rateLimitedSince = (record: SQSRecord): number | undefined =>
  positiveIntegerAttribute(record, RATE_LIMITED_SINCE_ATTRIBUTE);

export function sqsRequeuer(sqs: SQSClient, queueUrl: string, policy: RequeuePolicy = {}): Requeuer {
  const maxRateLimitedMs = policy.maxRateLimitedMs ?? DEFAULT_MAX_RATE_LIMITED_MS;
  const maxRequeues = policy.maxRequeues ?? DEFAULT_MAX_REQUEUES;
  const now = policy.now ?? Date.now;
  const fifo = queueUrl.endsWith('.fifo');
  return {
    async requeue(record) {
      const count = requeueCount(record) + 1;
      // A copy queued before the stamp existed (or with a damaged one) starts its time now.
      const at = now();
      const since = rateLimitedSince(record) ?? at;
      if (at - since > maxRateLimitedMs || count > maxRequeues) return false;
      const original = record.attributes.MessageDeduplicationId ?? record.messageId;
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: record.body,
          MessageAttributes: {
            [REQUEUE_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: String(count) },
            [RATE_LIMITED_SINCE_ATTRIBUTE]: { DataType: 'Number', StringValue: String(since) },
          },
          ...(fifo
            ? {
                MessageGroupId: record.attributes.MessageGroupId,
                // A new id: the same one inside SQS's 5-minute window would be dropped as a duplicate.
                MessageDeduplicationId: createHash('sha256').update(`${original}#requeue-${count}`).digest('hex'),
              }
            : {}),
        }),
      );
      return true;
    },
  };
}
