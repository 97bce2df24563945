/**
 * The payout workers on the real local services, for integration tests: tables and queues of their own
 * (DynamoDB Local, the SQS server), a Stripe emulator in-process, the real adapters, and helpers to put an
 * event where the webhook would have put it, to run a queue through its worker the way Lambda's event source
 * mapping does, and to read what came out (ledger rows, alerts, transfers at the emulator).
 */
import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '#contracts/environment.js';
import type { QueueKey } from '#contracts/resources.js';
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { StripePaymentProvider } from '../../adapters/stripe/payments.js';
import type {
  District,
  FinancialAlert,
  MarkPaidMessage,
  ProcessEventMessage,
  RevenueShare,
  TransferMessage,
} from '../../domain/model.js';
import { createObservability } from '../../functions/commons/observability.js';
import { stripePaymentsFromContext } from '../../functions/commons/stripe-payments.js';
import { createMarkPaidHandler, type MarkPaidHandlerDeps } from '../../functions/mark-paid/mark-paid-worker.js';
import {
  createRevenueShareHandler,
  type RevenueShareHandlerDeps,
} from '../../functions/revenue-share/revenue-share-worker.js';
import { createTransferHandler, type TransferHandlerDeps } from '../../functions/transfer/transfer-worker.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import { provisionTestResources, type TestResources } from './local-stack.js';

type SqsHandler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;

export interface QueueRun {
  /** Handler invocations made. */
  invocations: number;
  /** Message ids reported in batchItemFailures, over all invocations. */
  failedMessageIds: string[];
}

export class PayoutHarness {
  readonly clock = { now: () => new Date() };
  readonly documents: DynamoDBDocumentClient;
  readonly auditLog: DynamoDbAuditLog;
  readonly ledger: DynamoDbLedgerStore;
  readonly districts: DynamoDbDistrictStore;
  /** Talks to the emulator with SDK retries off, so a fault reaches the worker. */
  readonly stripe: Stripe;
  readonly observability = createObservability('payout-test');
  private readonly silentLog = { error: () => {} };

  private constructor(
    readonly resources: TestResources,
    readonly emulator: StripeEmulator,
  ) {
    this.documents = DynamoDBDocumentClient.from(resources.dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.auditLog = new DynamoDbAuditLog(this.documents, resources.tables.webhookAuditLog);
    this.ledger = new DynamoDbLedgerStore(this.documents, resources.tables.revenueShares);
    this.districts = new DynamoDbDistrictStore(this.documents, resources.tables.districts);
    this.stripe = new Stripe(emulator.apiKey, {
      host: '127.0.0.1',
      port: emulator.port,
      protocol: 'http',
      apiVersion: STRIPE_API_VERSION,
      maxNetworkRetries: 0,
    });
  }

  static async start(label: string): Promise<PayoutHarness> {
    const [resources, emulator] = await Promise.all([provisionTestResources(label), startStripeEmulator()]);
    return new PayoutHarness(resources, emulator);
  }

  async stop(): Promise<void> {
    await this.emulator.stop();
  }

  queue<T>(key: QueueKey): SqsMessageQueue<T> {
    return new SqsMessageQueue<T>(this.resources.sqs, this.resources.queues.queues[key]);
  }

  get alertSink(): SqsAlertSink {
    return new SqsAlertSink(this.resources.sqs, this.resources.queues.queues.alerts, this.silentLog);
  }

  /** A provider on the harness client (no SDK retries). */
  get payments(): StripePaymentProvider {
    return new StripePaymentProvider(this.stripe);
  }

  revenueShareHandler(overrides: Partial<RevenueShareHandlerDeps> = {}) {
    return createRevenueShareHandler({
      observability: this.observability,
      auditLog: this.auditLog,
      ledger: this.ledger,
      districts: this.districts,
      transferQueue: this.queue<TransferMessage>('transfer'),
      alerts: this.alertSink,
      clock: this.clock,
      ...overrides,
    });
  }

  /** By default the production path: API key from the (static) secret on the context, SDK with its retries. */
  transferHandler(overrides: Partial<TransferHandlerDeps> = {}) {
    return createTransferHandler({
      observability: this.observability,
      stripeApiKey: { kind: 'static', values: [this.emulator.apiKey] },
      payments: stripePaymentsFromContext(this.emulator.url),
      ledger: this.ledger,
      districts: this.districts,
      markPaidQueue: this.queue<MarkPaidMessage>('markPaid'),
      alerts: this.alertSink,
      clock: this.clock,
      ...overrides,
    });
  }

  markPaidHandler(overrides: Partial<MarkPaidHandlerDeps> = {}) {
    return createMarkPaidHandler({
      observability: this.observability,
      stripeApiKey: { kind: 'static', values: [this.emulator.apiKey] },
      payments: stripePaymentsFromContext(this.emulator.url),
      ledger: this.ledger,
      districts: this.districts,
      alerts: this.alertSink,
      clock: this.clock,
      ...overrides,
    });
  }

  /** A district with a fresh Connect account at the emulator. */
  async addDistrict(overrides: Partial<District> = {}): Promise<District> {
    const districtId = overrides.districtId ?? `district-${randomUUID().slice(0, 8)}`;
    const stripeAccountId =
      overrides.stripeAccountId ?? (await this.stripe.accounts.create({ type: 'express', country: 'US' })).id;
    const now = new Date().toISOString();
    const district: District = {
      districtId,
      stripeAccountId,
      shareBps: 1_500,
      currency: 'usd',
      autoTransfer: true,
      stripeCustomerIds: [],
      createdAt: now,
      updatedAt: now,
      ...overrides,
    };
    await this.districts.put(district);
    return district;
  }

  /**
   * Where the webhook leaves a verified event: an audit row claimed with the raw event, marked enqueued.
   * Returns the queue message the webhook sends.
   */
  async receivedEvent(type: string, object: Record<string, unknown>): Promise<ProcessEventMessage> {
    const event = this.emulator.createEvent(type, object);
    await this.auditLog.claim({
      stripeEventId: event.id,
      eventType: type,
      rawEvent: JSON.stringify(event),
      now: new Date(),
      leaseSeconds: 60,
    });
    await this.auditLog.markEnqueued(event.id, new Date());
    return { stripeEventId: event.id, eventType: type };
  }

  /** An invoice.paid event for a fixture invoice with `overrides` deep-merged. */
  async invoicePaid(overrides: Record<string, unknown>): Promise<ProcessEventMessage & { invoiceId: string }> {
    const invoice = this.emulator.buildInvoice(overrides);
    const message = await this.receivedEvent('invoice.paid', invoice);
    return { ...message, invoiceId: String(invoice.id) };
  }

  /** An SQS event with one record per body, as the event source mapping delivers a FIFO batch. */
  sqsEvent(messages: Array<{ body: unknown; groupId: string }>): SQSEvent {
    return {
      Records: messages.map(({ body, groupId }): SQSRecord => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        return {
          messageId: randomUUID(),
          receiptHandle: randomUUID(),
          body: text,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: 'test',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
            MessageGroupId: groupId,
            MessageDeduplicationId: randomUUID(),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test.fifo',
          awsRegion: 'us-east-1',
        };
      }),
    };
  }

  invoke(handler: SqsHandler, event: SQSEvent, functionName = 'worker'): Promise<SQSBatchResponse> {
    return handler(event, lambdaContext(functionName, 30));
  }

  /**
   * Lambda's event source mapping for one queue: receive a batch, invoke, delete what succeeded, make the
   * failures visible again at once (so a retry comes now, not after the visibility timeout). Repeats until the
   * queue is empty or `maxInvocations` is reached.
   */
  async runQueue(key: QueueKey, handler: SqsHandler, maxInvocations = 20): Promise<QueueRun> {
    const queueUrl = this.resources.queues.queues[key];
    const run: QueueRun = { invocations: 0, failedMessageIds: [] };
    while (run.invocations < maxInvocations) {
      const { Messages = [] } = await this.resources.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return run;
      const event = this.sqsEvent(
        Messages.map((m) => ({ body: m.Body ?? '', groupId: m.Attributes?.MessageGroupId ?? 'none' })),
      );
      event.Records.forEach((record, i) => {
        record.messageId = Messages[i]?.MessageId ?? record.messageId;
      });
      run.invocations++;
      const response = await this.invoke(handler, event, key);
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      run.failedMessageIds.push(...failed);
      const done = Messages.filter((m) => !failed.has(m.MessageId ?? ''));
      const retry = Messages.filter((m) => failed.has(m.MessageId ?? ''));
      if (done.length > 0) {
        await this.resources.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
      if (retry.length > 0) {
        await this.resources.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: retry.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
          }),
        );
      }
    }
    return run;
  }

  /** Messages waiting on a queue (or its DLQ). */
  async depth(key: QueueKey, deadLetter = false): Promise<number> {
    const urls = deadLetter ? this.resources.queues.deadLetterQueues : this.resources.queues.queues;
    const { Attributes } = await this.resources.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: urls[key],
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  /** Takes every message off a queue and returns the parsed bodies. */
  async drain<T>(key: QueueKey): Promise<T[]> {
    const queueUrl = this.resources.queues.queues[key];
    const bodies: T[] = [];
    for (;;) {
      const { Messages = [] } = await this.resources.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return bodies;
      bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? 'null') as T));
      await this.resources.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }

  /** The alerts raised since the last call. */
  alerts(): Promise<FinancialAlert[]> {
    return this.drain<FinancialAlert>('alerts');
  }

  /** Ledger rows as stored (read with a Scan, not through the adapter under test); guard items excluded. */
  async ledgerItems(): Promise<Array<Record<string, unknown>>> {
    const { Items = [] } = await this.documents.send(
      new ScanCommand({ TableName: this.resources.tables.revenueShares, ConsistentRead: true }),
    );
    return Items.filter((item) => !String(item.pk).startsWith('transfer#'));
  }

  async guardItems(): Promise<Array<Record<string, unknown>>> {
    const { Items = [] } = await this.documents.send(
      new ScanCommand({ TableName: this.resources.tables.revenueShares, ConsistentRead: true }),
    );
    return Items.filter((item) => String(item.pk).startsWith('transfer#'));
  }

  /** Transfers the emulator holds for one destination account. */
  transfersTo(accountId: string): Array<Record<string, unknown>> {
    return this.emulator.transfers().filter((t) => t.destination === accountId);
  }

  /** A PENDING ledger row for a district, as the revenue-share worker would have written it. */
  async pendingRow(district: District, overrides: Partial<RevenueShare> = {}): Promise<RevenueShare> {
    const now = new Date().toISOString();
    const row: RevenueShare = {
      revenueShareId: `rs_${randomUUID().replaceAll('-', '').slice(0, 26)}`,
      districtId: district.districtId,
      invoiceId: `in_${randomUUID().slice(0, 12)}`,
      stripeEventId: `evt_${randomUUID().slice(0, 12)}`,
      amountCents: 10_000,
      currency: district.currency,
      shareBps: district.shareBps,
      shareCents: Math.floor((10_000 * district.shareBps) / 10_000),
      payoutStatus: 'PENDING',
      destinationAccountId: district.stripeAccountId,
      version: 1,
      transferAttempt: 1,
      createdAt: now,
      updatedAt: now,
      ...overrides,
    };
    const created = await this.ledger.create(row);
    if (!created.created) throw new Error('test row already exists');
    return row;
  }
}
