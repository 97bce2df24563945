import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queues } from '#contracts/resources.js';
import { type QueuePoller, startQueuePoller } from '../../local/queue-poller.js';
import { provisionTestResources, type TestResources } from '../support/local-stack.js';

const visibleMessages = async (resources: TestResources, queueUrl: string): Promise<number> => {
  const { Attributes } = await resources.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
};

const waitFor = async (check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('local SQS event source (npm start)', () => {
  let resources: TestResources;
  let poller: QueuePoller | undefined;
  beforeEach(async () => {
    resources = await provisionTestResources('poller');
  });
  afterEach(async () => {
    await poller?.stop();
  });

  it('deletes the messages the worker handled and returns reported failures until the DLQ takes them', async () => {
    // Prepare
    const seen: Record<string, number> = {};
    const queueUrl = resources.queues.queues.alerts;
    for (const body of ['ok-1', 'poison', 'ok-2']) {
      await resources.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    }
    // Act
    poller = startQueuePoller({
      sqs: resources.sqs,
      queueUrl,
      functionName: 'test-worker',
      batchSize: 10,
      timeoutSeconds: 5,
      retryDelaySeconds: 0,
      handler: async (event: SQSEvent) => {
        for (const record of event.Records) seen[record.body] = (seen[record.body] ?? 0) + 1;
        return {
          batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });
    const dlqUrl = resources.queues.deadLetterQueues.alerts;
    await waitFor(async () => (await visibleMessages(resources, dlqUrl)) === 1);
    // Assess
    expect(seen['ok-1']).toBe(1);
    expect(seen['ok-2']).toBe(1);
    expect(seen.poison).toBe(queues.alerts.maxReceiveCount);
    expect(await visibleMessages(resources, queueUrl)).toBe(0);
  });
});
