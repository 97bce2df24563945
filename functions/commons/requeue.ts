/**
 * Rate limits are weather, not failures: a record that is still rate limited after the Stripe client waited
 * (stripe-rate-limit.ts) goes back to its own queue as a fresh message instead of failing, so it does not use up
 * its receives toward the DLQ (SQS counts every receive of a message; a new message starts at 0). A FIFO queue
 * takes no per-message delay: the wait already spent inside the invocation is the delay. Each copy carries how
 * many times it was put back; past `maxRequeues` (a Stripe that refuses for hours is not weather) the record fails
 * as any transient error does, and so reaches the DLQ and pages.
 */
import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { PaymentProviderError } from '../../domain/ports.js';

export const REQUEUE_COUNT_ATTRIBUTE = 'rateLimitRequeues';
export const DEFAULT_MAX_REQUEUES = 50;

export interface Requeuer {
  /** Puts the record back on its queue; false when it was put back too often already (then it must fail). */
  requeue(record: SQSRecord): Promise<boolean>;
}

/** Stripe's 429s: `rate_limit` (over the request rate) and `lock_timeout` (concurrent writes to one object). */
export const isRateLimited = (error: unknown): boolean =>
  error instanceof PaymentProviderError &&
  (error.statusCode === 429 || error.code === 'rate_limit' || error.code === 'lock_timeout');

export const requeueCount = (record: SQSRecord): number => {
  const value = Number(record.messageAttributes?.[REQUEUE_COUNT_ATTRIBUTE]?.stringValue ?? 0);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
};

export function sqsRequeuer(sqs: SQSClient, queueUrl: string, maxRequeues = DEFAULT_MAX_REQUEUES): Requeuer {
  const fifo = queueUrl.endsWith('.fifo');
  return {
    async requeue(record) {
      const count = requeueCount(record) + 1;
      if (count > maxRequeues) return false;
      const original = record.attributes.MessageDeduplicationId ?? record.messageId;
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: record.body,
          MessageAttributes: { [REQUEUE_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: String(count) } },
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
