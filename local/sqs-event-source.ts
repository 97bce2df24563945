/**
 * Lambda's SQS event source mapping, one batch at a time: receive up to `batchSize` messages, invoke the
 * handler with them as an SQSEvent, delete what succeeded and make the batch item failures visible again after
 * `retryDelaySeconds`. The SQS server itself moves a message to the DLQ after maxReceiveCount receives, as SQS
 * does. The local poller (queue-poller.ts) and the test harness both deliver through this.
 */
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

export interface SqsEventSource {
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

export interface BatchDelivery {
  /** Messages received (0: the queue had none within the wait). */
  received: number;
  /** Message ids the handler failed (reported, or all when it threw). */
  failedMessageIds: string[];
}

export async function deliverBatch(
  source: SqsEventSource,
  options: { waitSeconds: number; signal?: AbortSignal },
): Promise<BatchDelivery> {
  const { Messages = [] } = await source.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: source.queueUrl,
      MaxNumberOfMessages: source.batchSize,
      WaitTimeSeconds: options.waitSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
    options.signal ? { abortSignal: options.signal } : {},
  );
  if (Messages.length === 0) return { received: 0, failedMessageIds: [] };
  const event: SQSEvent = { Records: Messages.map((m) => toSqsRecord(m, source.queueUrl)) };
  const failedIds = await invoke(source, event);
  const succeeded = Messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
  const failed = Messages.filter((m) => failedIds.has(m.MessageId ?? ''));
  if (succeeded.length > 0) {
    await source.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: source.queueUrl,
        Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  if (failed.length > 0) {
    await source.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: source.queueUrl,
        Entries: failed.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: source.retryDelaySeconds,
        })),
      }),
    );
  }
  return { received: Messages.length, failedMessageIds: [...failedIds] };
}

/** Returns the message ids to retry: the reported batch item failures, or all when the handler threw. */
async function invoke(source: SqsEventSource, event: SQSEvent): Promise<Set<string>> {
  try {
    const response = await source.handler(event, lambdaContext(source.functionName, source.timeoutSeconds));
    return new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (error) {
    source.onError?.(error);
    return new Set(event.Records.map((r) => r.messageId));
  }
}

/** A received message as Lambda hands it to the handler. */
export function toSqsRecord(message: Message, queueUrl: string): SQSRecord {
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
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
    awsRegion: 'us-east-1',
  };
}
