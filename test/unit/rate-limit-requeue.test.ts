/**
 * A record Stripe keeps rate limiting goes back on its queue for an hour from its first requeue, whatever the
 * count, and then fails (to the DLQ, which pages). The stamp of the first requeue travels with every copy.
 */
import type { SendMessageCommand, SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_RATE_LIMITED_MS,
  DEFAULT_MAX_REQUEUES,
  RATE_LIMITED_SINCE_ATTRIBUTE,
  REQUEUE_COUNT_ATTRIBUTE,
  sqsRequeuer,
} from '../../functions/commons/requeue.js';
import {
  DEFAULT_RATE_LIMIT_WAIT_MS,
  RATE_LIMIT_BACKOFF_CAP_MS,
  waitOutRateLimits,
} from '../../functions/commons/stripe-rate-limit.js';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/test-transfer.fifo';
const MINUTE = 60_000;
const T = Date.UTC(2025, 5, 1, 0, 0, 0);

/** An SQS client that keeps what was sent. */
function fakeSqs() {
  const sent: SendMessageCommandInput[] = [];
  const sqs = {
    send: async (command: SendMessageCommand) => {
      sent.push(command.input);
      return {};
    },
  } as unknown as SQSClient;
  return { sqs, sent };
}

/** A received record; `attributes` are its message attributes (count, stamp). */
function record(attributes: Record<string, number> = {}, deduplicationId = 'dedup-original'): SQSRecord {
  return {
    messageId: 'm-1',
    receiptHandle: 'r-1',
    body: '{"revenueShareId":"rs_1","transferAttempt":1}',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(T),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(T),
      MessageGroupId: 'rs_1',
      MessageDeduplicationId: deduplicationId,
    },
    messageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [
        name,
        { dataType: 'Number', stringValue: String(value), stringListValues: [], binaryListValues: [] },
      ]),
    ),
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test-transfer.fifo',
    awsRegion: 'us-east-1',
  };
}

/** The sent copy as the worker receives it next. */
function received(message: SendMessageCommandInput): SQSRecord {
  const attributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, Number(value.StringValue)]),
  );
  return record(attributes, message.MessageDeduplicationId);
}

const attributesOf = (message: SendMessageCommandInput | undefined) => ({
  count: message?.MessageAttributes?.[REQUEUE_COUNT_ATTRIBUTE]?.StringValue,
  since: message?.MessageAttributes?.[RATE_LIMITED_SINCE_ATTRIBUTE]?.StringValue,
});

describe('putting a rate-limited record back on its queue', () => {
  it('stamps the first requeue with its time and carries the stamp unchanged through later hops, each its own dedup id', async () => {
    // Prepare
    const { sqs, sent } = fakeSqs();
    let now = T;
    const requeuer = sqsRequeuer(sqs, QUEUE_URL, { now: () => now });
    // Act: three hops, 10 and 30 minutes apart
    await requeuer.requeue(record());
    now += 10 * MINUTE;
    await requeuer.requeue(received(sent[0] as SendMessageCommandInput));
    now += 30 * MINUTE;
    await requeuer.requeue(received(sent[1] as SendMessageCommandInput));
    // Assess
    expect(sent.map(attributesOf)).toEqual([
      { count: '1', since: String(T) },
      { count: '2', since: String(T) },
      { count: '3', since: String(T) },
    ]);
    expect(new Set(sent.map((m) => m.MessageDeduplicationId)).size).toBe(3);
    expect(sent.map((m) => m.MessageGroupId)).toEqual(['rs_1', 'rs_1', 'rs_1']);
  });

  it('puts back a record rate limited for 59 minutes even past 50 requeues', async () => {
    // Prepare
    const { sqs, sent } = fakeSqs();
    const requeuer = sqsRequeuer(sqs, QUEUE_URL, { now: () => T + 59 * MINUTE });
    // Act
    const requeued = await requeuer.requeue(
      record({ [REQUEUE_COUNT_ATTRIBUTE]: 120, [RATE_LIMITED_SINCE_ATTRIBUTE]: T }),
    );
    // Assess
    expect(requeued).toBe(true);
    expect(sent.map(attributesOf)).toEqual([{ count: '121', since: String(T) }]);
  });

  it('still puts it back at exactly 60 minutes, and fails it (sends nothing) once it is rate limited for longer', async () => {
    // Prepare
    const { sqs, sent } = fakeSqs();
    let now = T + DEFAULT_MAX_RATE_LIMITED_MS;
    const requeuer = sqsRequeuer(sqs, QUEUE_URL, { now: () => now });
    const threeHopsIn = record({ [REQUEUE_COUNT_ATTRIBUTE]: 3, [RATE_LIMITED_SINCE_ATTRIBUTE]: T });
    // Act
    const atTheHour = await requeuer.requeue(threeHopsIn);
    now += 1;
    const pastTheHour = await requeuer.requeue(threeHopsIn);
    // Assess
    expect(DEFAULT_MAX_RATE_LIMITED_MS).toBe(60 * MINUTE);
    expect([atTheHour, pastTheHour]).toEqual([true, false]);
    expect(sent).toHaveLength(1);
  });

  it('fails at the count ceiling when the clock is wrong (a stamp from the future)', async () => {
    // Prepare
    const { sqs, sent } = fakeSqs();
    const requeuer = sqsRequeuer(sqs, QUEUE_URL, { now: () => T });
    const since = T + 24 * 60 * MINUTE;
    // Act
    const belowCeiling = await requeuer.requeue(
      record({ [REQUEUE_COUNT_ATTRIBUTE]: DEFAULT_MAX_REQUEUES - 1, [RATE_LIMITED_SINCE_ATTRIBUTE]: since }),
    );
    const atCeiling = await requeuer.requeue(
      record({ [REQUEUE_COUNT_ATTRIBUTE]: DEFAULT_MAX_REQUEUES, [RATE_LIMITED_SINCE_ATTRIBUTE]: since }),
    );
    // Assess
    expect([belowCeiling, atCeiling]).toEqual([true, false]);
    expect(sent.map(attributesOf)).toEqual([{ count: String(DEFAULT_MAX_REQUEUES), since: String(since) }]);
  });

  it('starts the hour of a copy queued before the stamp existed at its next requeue', async () => {
    // Prepare
    const { sqs, sent } = fakeSqs();
    const requeuer = sqsRequeuer(sqs, QUEUE_URL, { now: () => T });
    // Act
    const requeued = await requeuer.requeue(record({ [REQUEUE_COUNT_ATTRIBUTE]: 49 }));
    // Assess
    expect(requeued).toBe(true);
    expect(sent.map(attributesOf)).toEqual([{ count: '50', since: String(T) }]);
  });

  it('cannot reach the count ceiling within the hour: each requeue follows more than 2.4 s of Stripe client waits', async () => {
    // The client gives up only when the next backoff (at most the cap) would pass its wait budget.
    const minimumWaitMs = DEFAULT_RATE_LIMIT_WAIT_MS - RATE_LIMIT_BACKOFF_CAP_MS;
    expect(DEFAULT_MAX_REQUEUES * minimumWaitMs).toBeGreaterThan(DEFAULT_MAX_RATE_LIMITED_MS);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }),
        async (draws) => {
          // Prepare: a Stripe that answers every request with a 429
          let waited = 0;
          let call = 0;
          const always429 = async () => ({ statusCode: 429 });
          // Act
          await waitOutRateLimits(
            always429,
            { isRateLimited: (answer) => answer.statusCode === 429, discard: async () => undefined },
            {
              random: () => draws[call++ % draws.length] as number,
              sleep: async (ms) => {
                waited += ms;
              },
            },
          );
          // Assess
          expect(waited).toBeGreaterThan(minimumWaitMs);
          expect(waited).toBeLessThanOrEqual(DEFAULT_RATE_LIMIT_WAIT_MS);
        },
      ),
    );
  });
});
