import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsMessageBody } from '#contracts/sqs-message-body.js';
import type { MessageQueue, Queues, SendOptions } from '../../domain/ports.js';

/** A queue carrying JSON messages. On a FIFO queue (URL ends in `.fifo`) dedup and group ids are set. */
export class SqsMessageQueue<T> implements MessageQueue<T> {
  private readonly fifo: boolean;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {
    this.fifo = queueUrl.endsWith('.fifo');
  }

  async send(message: T, options: SendOptions): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: sqsMessageBody(message),
        ...(this.fifo ? { MessageDeduplicationId: options.deduplicationId, MessageGroupId: options.groupId } : {}),
      }),
    );
  }
}

export interface QueueUrlsByPort {
  processEvent: string;
  transfer: string;
  markPaid: string;
}

export const sqsQueues = (sqs: SQSClient, urls: QueueUrlsByPort): Queues => ({
  processEvent: new SqsMessageQueue(sqs, urls.processEvent),
  transfer: new SqsMessageQueue(sqs, urls.transfer),
  markPaid: new SqsMessageQueue(sqs, urls.markPaid),
});
