import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type LambdaHandler, lambdaContext } from './lambda-context.js';

export type SqsHandler = LambdaHandler<SQSEvent, SQSBatchResponse | undefined>;

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  functionName: string;
  handler: SqsHandler;
  batchSize: number;
  timeoutSeconds: number;
  /**
   * Seconds before a failed message is visible again. Deployed, that is the queue's visibility timeout;
   * locally it is shortened so retries (and the move to the DLQ after maxReceiveCount) happen in seconds.
   */
  retryDelaySeconds: number;
  onError?: (error: unknown) => void;
}

export interface QueuePoller {
  stop(): Promise<void>;
}

/**
 * Lambda's SQS event source mapping, in-process: long-polls the queue, invokes the handler with a batch,
 * deletes what succeeded and returns the batch item failures to the queue. The SQS server itself moves a
 * message to the DLQ after maxReceiveCount receives, as SQS does.
 */
export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  let running = true;
  const abort = new AbortController();
  const loop = (async () => {
    while (running) {
      try {
        await pollOnce(options, abort.signal);
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await sleep(500);
      }
    }
  })();
  return {
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}

async function pollOnce(options: QueuePollerOptions, signal: AbortSignal): Promise<void> {
  const { Messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
    { abortSignal: signal },
  );
  if (Messages.length === 0) return;
  const event: SQSEvent = { Records: Messages.map((m) => toRecord(m, options.queueUrl)) };
  const failedIds = await invoke(options, event);
  const succeeded = Messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
  const failed = Messages.filter((m) => failedIds.has(m.MessageId ?? ''));
  if (succeeded.length > 0) {
    await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  if (failed.length > 0) {
    await options.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: failed.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: options.retryDelaySeconds,
        })),
      }),
    );
  }
}

/** Returns the message ids to retry: the reported batch item failures, or all when the handler threw. */
async function invoke(options: QueuePollerOptions, event: SQSEvent): Promise<Set<string>> {
  try {
    const response = await options.handler(event, lambdaContext(options.functionName, options.timeoutSeconds));
    return new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (error) {
    options.onError?.(error);
    return new Set(event.Records.map((r) => r.messageId));
  }
}

function toRecord(message: Message, queueUrl: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const queueName = queueUrl.split('/').pop() ?? 'queue';
  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.MessageDeduplicationId ? { MessageDeduplicationId: attributes.MessageDeduplicationId } : {}),
      ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
    awsRegion: 'us-east-1',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
