/**
 * The payout workers on the real local services, for integration tests: tables and queues of their own
 * (DynamoDB Local, the SQS server), a Stripe emulator in-process, the real adapters, and helpers to put an
 * event where the webhook would have put it, to run a queue through its worker the way Lambda's event source
 * mapping does, and to read what came out (ledger rows, alerts, transfers at the emulator).
 */
import { randomUUID } from 'node:crypto';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type Stripe from 'stripe';
import { apiRoutes, type FunctionName, queueConsumers } from '#contracts/api-routes.js';
import { type QueueKey, queues } from '#contracts/resources.js';
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { CATCH_UP_STATE_KEY } from '../../adapters/dynamodb/catch-up-state.js';
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { StripePaymentProvider } from '../../adapters/stripe/payments.js';
import type { District, FinancialAlert, ProcessEventMessage, RevenueShare } from '../../domain/model.js';
import { planTransferParts } from '../../domain/payouts/transfer-plan.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { processEventDeduplicationId } from '../../domain/webhook/receive-event.js';
import { composeCatchUp } from '../../functions/catch-up/compose.js';
import { type CatchUpConfig, catchUpConfig } from '../../functions/catch-up/config.js';
import { createDocumentClient } from '../../functions/commons/clients.js';
import { type Environment, webhookConfig } from '../../functions/commons/config.js';
import { createObservability } from '../../functions/commons/observability.js';
import { type FunctionRuntime, functionRuntime } from '../../functions/commons/runtime.js';
import { stripeClients } from '../../functions/commons/stripe-api-client.js';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import {
  markPaidWorkerConfig,
  revenueShareWorkerConfig,
  transferWorkerConfig,
} from '../../functions/commons/worker-config.js';
import { composeMarkPaid } from '../../functions/mark-paid/compose.js';
import { composePlatformApi } from '../../functions/platform-api/compose.js';
import { platformApiConfig } from '../../functions/platform-api/config.js';
import { composeReconcile } from '../../functions/reconcile/compose.js';
import { reconcileConfig } from '../../functions/reconcile/config.js';
import { composeResync } from '../../functions/resync/compose.js';
import { resyncConfig } from '../../functions/resync/config.js';
import { composeRevenueShare } from '../../functions/revenue-share/compose.js';
import { composeWebhook } from '../../functions/stripe-webhook/compose.js';
import { composeTransfer } from '../../functions/transfer/compose.js';
import { type LocalApiGateway, startLocalApiGateway } from '../../local/api-gateway.js';
import { localFunctionEnvironment } from '../../local/function-environment.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { deliverBatch, type SqsHandler } from '../../local/sqs-event-source.js';
import {
  type InvoicePaymentSpec,
  type StripeEmulator,
  type StripeEventLike,
  startStripeEmulator,
} from '../../local/stripe-emulator/index.js';
import { provisionTestResources, type TestResources } from './local-stack.js';
import { testDistrict } from './test-district.js';

/** The signing secret the harness's webhook accepts unless a test hands in its own. */
export const HARNESS_WEBHOOK_SECRET = 'whsec_harness_0123456789abcdef';

export interface QueueRun {
  /** Handler invocations made. */
  invocations: number;
  /** Message ids reported in batchItemFailures, over all invocations. */
  failedMessageIds: string[];
}

/**
 * Every function is built by its own composition root (functions/<name>/compose.ts) on the harness's runtime and
 * the config its deployed twin would read; a test passes overrides only for what it replaces.
 */
export class PayoutHarness {
  readonly clock = { now: () => new Date() };
  readonly documents: DynamoDBDocumentClient;
  readonly auditLog: DynamoDbAuditLog;
  readonly ledger: DynamoDbLedgerStore;
  readonly districts: DynamoDbDistrictStore;
  /** Talks to the emulator with SDK retries off, so a fault reaches the worker. */
  readonly stripe: Stripe;
  readonly observability = createObservability('payout-test');
  /** What a deployment would put in the functions' environment, for these tables and queues. */
  readonly environment: Environment;
  private readonly silentLog = { error: () => {} };
  private readonly runtimes = new Map<string, FunctionRuntime>();

  private constructor(
    readonly resources: TestResources,
    readonly emulator: StripeEmulator,
  ) {
    this.documents = createDocumentClient(resources.dynamodb);
    this.auditLog = new DynamoDbAuditLog(this.documents, resources.tables.webhookAuditLog);
    this.ledger = new DynamoDbLedgerStore(this.documents, resources.tables.revenueShares);
    this.districts = new DynamoDbDistrictStore(this.documents, resources.tables.districts);
    this.stripe = createStripeClient(emulator.apiKey, { baseUrl: emulator.url, maxNetworkRetries: 0 });
    this.environment = localFunctionEnvironment({
      tables: resources.tables,
      queueUrls: resources.queues,
      webhookSecrets: [HARNESS_WEBHOOK_SECRET],
      stripeApiKey: emulator.apiKey,
      onCallTopicArn: resources.onCallTopicArn,
    });
  }

  static async start(label: string): Promise<PayoutHarness> {
    const [resources, emulator] = await Promise.all([provisionTestResources(label), startStripeEmulator()]);
    return new PayoutHarness(resources, emulator);
  }

  async stop(): Promise<void> {
    await this.emulator.stop();
  }

  /** What a function runs on here: the harness's clients, the SDK (with its retries) pointed at the emulator. */
  runtime(functionName: FunctionName): FunctionRuntime {
    let runtime = this.runtimes.get(functionName);
    if (!runtime) {
      runtime = functionRuntime(functionName, {
        dynamodb: () => this.resources.dynamodb,
        sqs: () => this.resources.sqs,
        sns: () => this.resources.sns,
        stripe: stripeClients({ baseUrl: this.emulator.url }),
        observability: this.observability,
        clock: this.clock,
      });
      this.runtimes.set(functionName, runtime);
    }
    return runtime;
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

  webhookHandler(overrides: Parameters<typeof composeWebhook>[2] = {}) {
    return composeWebhook(this.runtime('stripe-webhook'), webhookConfig(this.environment), overrides);
  }

  revenueShareHandler(overrides: Parameters<typeof composeRevenueShare>[2] = {}) {
    return composeRevenueShare(this.runtime('revenue-share'), revenueShareWorkerConfig(this.environment), overrides);
  }

  /** By default the production path: API key from the (static) secret on the context, SDK with its retries. */
  transferHandler(overrides: Parameters<typeof composeTransfer>[2] = {}) {
    return composeTransfer(this.runtime('transfer'), transferWorkerConfig(this.environment), overrides);
  }

  markPaidHandler(overrides: Parameters<typeof composeMarkPaid>[2] = {}) {
    return composeMarkPaid(this.runtime('mark-paid'), markPaidWorkerConfig(this.environment), overrides);
  }

  platformApiHandler(overrides: Parameters<typeof composePlatformApi>[2] = {}) {
    return composePlatformApi(this.runtime('platform-api'), platformApiConfig(this.environment), overrides);
  }

  resyncHandler(overrides: Parameters<typeof composeResync>[2] = {}) {
    return composeResync(this.runtime('resync'), resyncConfig(this.environment), overrides);
  }

  /** `settings` replace the catch-up's configured ones (e.g. no settle time, so a just-made event counts). */
  catchUpHandler(
    settings: Partial<CatchUpConfig['settings']> = {},
    overrides: Parameters<typeof composeCatchUp>[2] = {},
  ) {
    const config = catchUpConfig(this.environment);
    return composeCatchUp(
      this.runtime('catch-up'),
      { ...config, settings: { ...config.settings, ...settings } },
      overrides,
    );
  }

  /** Forgets where the last catch-up run stopped, so the next one starts afresh (each test its own runs). */
  async clearCatchUpState(): Promise<void> {
    await this.documents.send(
      new DeleteCommand({
        TableName: this.resources.tables.webhookAuditLog,
        Key: { stripeEventId: CATCH_UP_STATE_KEY },
      }),
    );
  }

  /** The daily reconcile (a test passes `clock` to say when it runs: it reconciles the UTC day before). */
  reconcileHandler(overrides: Parameters<typeof composeReconcile>[2] = {}) {
    return composeReconcile(this.runtime('reconcile'), reconcileConfig(this.environment), overrides);
  }

  /** A district with a fresh Connect account at the emulator. */
  async addDistrict(overrides: Partial<District> = {}): Promise<District> {
    const districtId = overrides.districtId ?? `district-${randomUUID().slice(0, 8)}`;
    const stripeAccountId =
      overrides.stripeAccountId ?? (await this.stripe.accounts.create({ type: 'express', country: 'US' })).id;
    const district = testDistrict(stripeAccountId, { districtId, ...overrides });
    await this.districts.put(district);
    return district;
  }

  /**
   * Where the webhook leaves a verified event: an audit row claimed with the raw event.
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
    return { stripeEventId: event.id, eventType: type };
  }

  /**
   * An invoice.paid event for a fixture invoice with `overrides` deep-merged, paid at the emulator by real card
   * charges: by default one `pm_card_visa` charge (funds pending) for all of `amount_paid` when that is a positive
   * integer (a hostile amount gets no charge: it fails before any is read). `payments: []` makes an invoice paid
   * with no charge at all (out of band, or $0); several make a partly paid one (what they leave was out of band).
   */
  async invoicePaid(
    overrides: Record<string, unknown>,
    payments: readonly InvoicePaymentSpec[] = defaultPayments(overrides),
  ): Promise<ProcessEventMessage & { invoiceId: string }> {
    const invoice = this.emulator.buildInvoice(overrides, { payments });
    const message = await this.receivedEvent('invoice.paid', invoice);
    return { ...message, invoiceId: String(invoice.id) };
  }

  /** Refunds a charge at the emulator (all of it, or `amount`) and returns the charge.refunded event it raised. */
  async refundCharge(chargeId: string, amount?: number): Promise<StripeEventLike> {
    return (await this.refund(chargeId, amount)).event;
  }

  /** refundCharge, with the refund's id too (a test fails the refund later: emulator.failRefund). */
  async refund(chargeId: string, amount?: number): Promise<{ event: StripeEventLike; refundId: string }> {
    const seen = this.emulator.events().length;
    const refund = await this.stripe.refunds.create({ charge: chargeId, ...(amount === undefined ? {} : { amount }) });
    const event = this.emulator
      .events()
      .slice(seen)
      .find((e) => e.type === 'charge.refunded');
    if (!event) throw new Error(`refunding ${chargeId} raised no charge.refunded`);
    return { event, refundId: refund.id };
  }

  /**
   * Where the webhook leaves one of the emulator's own events: claimed and on the revenue-share
   * queue. A delivery that loses the claim queues nothing (the webhook answers duplicate); `delivery` tells
   * deliveries of one event apart for the queue's deduplication.
   */
  async deliverToRevenueShare(event: StripeEventLike, delivery = 0): Promise<ProcessEventMessage> {
    const claim = await this.auditLog.claim({
      stripeEventId: event.id,
      eventType: event.type,
      rawEvent: JSON.stringify(event),
      now: new Date(),
      leaseSeconds: 60,
    });
    const message = { stripeEventId: event.id, eventType: event.type };
    if (!claim.claimed) return message;
    await this.queue<ProcessEventMessage>('revenueShare').send(message, {
      groupId: event.id,
      deduplicationId: `${event.id}#${delivery}`,
    });
    return message;
  }

  /** A paid invoice's ledger row as the revenue-share worker writes it (its transfer queued, not yet made). */
  async writtenRow(
    district: District,
    amountCents: number,
    payments: readonly InvoicePaymentSpec[] = [{ paymentMethod: 'pm_card_bypassPending' }],
  ): Promise<RevenueShare> {
    const message = await this.invoicePaid(
      { amount_paid: amountCents, currency: 'usd', metadata: { districtId: district.districtId } },
      payments,
    );
    await this.queueForRevenueShare(message);
    await this.runQueue('revenueShare', this.revenueShareHandler());
    const row = await this.ledger.get(deriveRevenueShareId(message.invoiceId));
    if (!row) throw new Error(`no ledger row for invoice ${message.invoiceId}`);
    return row;
  }

  /** A paid invoice's ledger row after its transfer was made and verified, as it is then. */
  async paidRow(
    district: District,
    amountCents: number,
    payments: readonly InvoicePaymentSpec[] = [{ paymentMethod: 'pm_card_bypassPending' }],
  ): Promise<RevenueShare> {
    const written = await this.writtenRow(district, amountCents, payments);
    await this.runQueue('transfer', this.transferHandler());
    await this.runQueue('markPaid', this.markPaidHandler());
    const row = await this.ledger.get(written.revenueShareId);
    if (!row) throw new Error(`no ledger row ${written.revenueShareId}`);
    return row;
  }

  /** The platform API behind a local API Gateway on a free port, for the operator CLI to call over HTTP. */
  startPlatformGateway(): Promise<LocalApiGateway> {
    const handler = this.platformApiHandler();
    return startLocalApiGateway({
      port: 0,
      targets: apiRoutes
        .filter((route) => route.functionName === 'platform-api')
        .map((route) => ({ route, handler, timeoutSeconds: 20 })),
    });
  }

  /** Empties every queue (alerts included), so a test starts from nothing in flight. */
  async drainAll(): Promise<void> {
    await Promise.all([this.alerts(), this.drain('transfer'), this.drain('markPaid'), this.drain('revenueShare')]);
  }

  /** Puts an event's message on the revenue-share queue, as the webhook does after its first claim. */
  async queueForRevenueShare(message: ProcessEventMessage): Promise<void> {
    await this.queue<ProcessEventMessage>('revenueShare').send(message, {
      deduplicationId: processEventDeduplicationId(message.stripeEventId, 1),
      groupId: message.stripeEventId,
    });
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

  async invoke(handler: SqsHandler, event: SQSEvent, functionName = 'worker'): Promise<SQSBatchResponse> {
    return (await handler(event, lambdaContext(functionName, 30))) ?? { batchItemFailures: [] };
  }

  /**
   * Lambda's event source mapping for one queue (local/sqs-event-source.ts), with failures visible again at once
   * (so a retry comes now, not after the visibility timeout). Repeats until the queue is empty or
   * `maxInvocations` is reached.
   */
  async runQueue(key: QueueKey, handler: SqsHandler, maxInvocations = 20): Promise<QueueRun> {
    const source = {
      sqs: this.resources.sqs,
      queueUrl: this.resources.queues.queues[key],
      functionName: queueConsumers[key],
      handler,
      batchSize: 10,
      timeoutSeconds: queues[key].consumerTimeoutSeconds,
      retryDelaySeconds: 0,
    };
    const run: QueueRun = { invocations: 0, failedMessageIds: [] };
    while (run.invocations < maxInvocations) {
      const batch = await deliverBatch(source, { waitSeconds: 0 });
      if (batch.received === 0) return run;
      run.invocations++;
      run.failedMessageIds.push(...batch.failedMessageIds);
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

  /** Ledger rows as stored (read with a Scan, not through the adapter under test); guard and pointer items excluded. */
  async ledgerItems(): Promise<Array<Record<string, unknown>>> {
    const { Items = [] } = await this.documents.send(
      new ScanCommand({ TableName: this.resources.tables.revenueShares, ConsistentRead: true }),
    );
    return Items.filter((item) => !/^(transfer|charge)#/.test(String(item.pk)));
  }

  /** The `charge#` pointer items (rows funded by charges made without a payment intent), as stored. */
  async chargePointerItems(): Promise<Array<Record<string, unknown>>> {
    const { Items = [] } = await this.documents.send(
      new ScanCommand({ TableName: this.resources.tables.revenueShares, ConsistentRead: true }),
    );
    return Items.filter((item) => String(item.pk).startsWith('charge#'));
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

  /**
   * A PENDING ledger row for a district, as the revenue-share worker would have written it: its invoice paid at the
   * emulator by one real `pm_card_visa` charge of amountCents (funds pending), the share planned as one transfer
   * part funded by that charge (unless `overrides` plan the parts themselves).
   */
  async pendingRow(district: District, overrides: Partial<RevenueShare> = {}): Promise<RevenueShare> {
    const now = new Date().toISOString();
    const amountCents = overrides.amountCents ?? 10_000;
    const currency = overrides.currency ?? district.currency;
    const invoice = this.emulator.buildInvoice(
      { amount_paid: amountCents, currency },
      { payments: amountCents > 0 ? [{ paymentMethod: 'pm_card_visa' }] : [] },
    );
    const { charges } = await this.payments.chargesOf(String(invoice.id), currency);
    const shareCents = overrides.shareCents ?? Math.floor((amountCents * district.shareBps) / 10_000);
    const row: RevenueShare = {
      revenueShareId: `rs_${randomUUID().replaceAll('-', '').slice(0, 26)}`,
      districtId: district.districtId,
      invoiceId: String(invoice.id),
      stripeEventId: `evt_${randomUUID().slice(0, 12)}`,
      amountCents,
      currency,
      shareBps: district.shareBps,
      shareCents,
      collectedCents: charges.reduce((sum, charge) => sum + charge.amountCents, 0),
      sourceCharges: charges,
      transferParts: planTransferParts(shareCents, charges),
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

/** One pm_card_visa charge for all of amount_paid, when the overrides leave a chargeable amount. */
function defaultPayments(overrides: Record<string, unknown>): InvoicePaymentSpec[] {
  const amount = overrides.amount_paid ?? overrides.amount_due ?? 1000;
  const currency = overrides.currency ?? 'usd';
  const chargeable =
    typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0 && typeof currency === 'string';
  return chargeable ? [{ paymentMethod: 'pm_card_visa' }] : [];
}
