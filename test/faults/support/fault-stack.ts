/**
 * The whole pipeline for a fault scenario, on real local services, with every connection the scenario may cut
 * under its control: the webhook, the three payout workers, financial-alert and resync, built with their
 * factories and the real adapters, on clients that may point at a proxy instead of the server; an SQS event
 * source (local/queue-poller.ts) behind every queue; the Stripe emulator (possibly behind a fault proxy).
 *
 * Provisioning and inspection (scans, queue depths) use clients of their own on the servers themselves, so a
 * scenario can look at the state while the functions' path is down.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '#contracts/environment.js';
import { type QueueKey, queues } from '#contracts/resources.js';
import { DynamoDbAuditLog } from '../../../adapters/dynamodb/audit-log.js';
import { DynamoDbDistrictStore } from '../../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../../adapters/dynamodb/ledger.js';
import { type ErrorLog, SqsAlertSink } from '../../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../../adapters/sqs/message-queue.js';
import { StripeEventSource } from '../../../adapters/stripe/events.js';
import { StripeWebhookSignatureVerifier } from '../../../adapters/stripe/webhook-signature.js';
import type {
  District,
  MarkPaidMessage,
  ProcessEventMessage,
  RevenueShare,
  TransferMessage,
} from '../../../domain/model.js';
import type { LedgerStore } from '../../../domain/ports.js';
import type { ResyncResult } from '../../../domain/resync/resync-failed-events.js';
import { createObservability, type Observability } from '../../../functions/commons/observability.js';
import { stripeApiKeyFrom } from '../../../functions/commons/secrets.js';
import { stripeClientFor } from '../../../functions/commons/stripe-client.js';
import { stripePaymentsFromContext } from '../../../functions/commons/stripe-payments.js';
import { createFinancialAlertHandler } from '../../../functions/financial-alert/alert-consumer.js';
import { createMarkPaidHandler } from '../../../functions/mark-paid/mark-paid-worker.js';
import { createResyncHandler } from '../../../functions/resync/resync-handler.js';
import { createRevenueShareHandler } from '../../../functions/revenue-share/revenue-share-worker.js';
import { createWebhookHandler } from '../../../functions/stripe-webhook/webhook-handler.js';
import { createTransferHandler } from '../../../functions/transfer/transfer-worker.js';
import { lambdaContext } from '../../../local/lambda-context.js';
import { createQueues, createTables, type QueueUrls, type TableNames } from '../../../local/provision.js';
import { type QueuePoller, startQueuePoller } from '../../../local/queue-poller.js';
import type { StripeEmulator, StripeEventLike } from '../../../local/stripe-emulator/index.js';
import { signedWebhookEvent } from '../../support/webhook-requests.js';

export const WEBHOOK_SECRET = 'whsec_faults_0123456789abcdef';
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
/** As functions/commons/clients.ts: a hung connection must not eat the whole Lambda timeout. */
const requestHandler = { connectionTimeout: 2_000, requestTimeout: 5_000 };
const WORK_QUEUES = ['revenueShare', 'transfer', 'markPaid'] as const satisfies readonly QueueKey[];

export interface FaultStackOptions {
  label: string;
  /** DynamoDB as the functions reach it (a proxy, when the scenario cuts it). */
  dynamodbEndpoint: string;
  /** DynamoDB itself, for provisioning and inspection (default: dynamodbEndpoint). */
  dynamodbServerEndpoint?: string;
  /** SQS as the functions and the event sources reach it (a proxy, when the scenario cuts it). */
  sqsEndpoint: string;
  /** The SQS server itself, for provisioning and queue depths (default: sqsEndpoint). */
  sqsServerEndpoint?: string;
  emulator: StripeEmulator;
  /** Stripe as the workers reach it (a fault proxy's URL; default: the emulator). */
  stripeApiUrl?: string;
  stripeTimeoutMilliseconds?: number;
  /** Event-source pollers per queue (Lambda's concurrency); default 2 per work queue, 1 for alerts. */
  pollers?: Partial<Record<QueueKey, number>>;
  /** Seconds before a failed message is retried (deployed: the visibility timeout). */
  retryDelaySeconds?: number;
  /**
   * Overrides the work queues' visibility timeout (deployed: 180 s). A message whose handler finished but whose
   * delete was refused reappears after it; scenarios that cut SQS shorten it so that happens within the test.
   */
  visibilityTimeoutSeconds?: number;
  /** The webhook's claim lease (deployed: 60 s). */
  leaseSeconds?: number;
  /** Sees the functions' DynamoDB client once it is built (e.g. to add a middleware that crashes a request). */
  instrumentDynamoDb?: (client: DynamoDBClient) => void;
  /** Wraps the transfer worker's ledger (e.g. to kill the worker around recordTransfer). */
  wrapTransferLedger?: (ledger: LedgerStore) => LedgerStore;
  /** The financial-alert function's observability (a scenario that reads its log lines passes its own). */
  alertObservability?: Observability;
  /** Where the webhook's alert sink writes an alert it could not deliver. */
  undeliveredAlertLog?: ErrorLog;
}

export type QueueConsumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface DeliveryAnswer {
  statusCode: number;
  body: Record<string, unknown>;
}

export class FaultStack {
  readonly tables: TableNames;
  readonly queueUrls: QueueUrls;
  /** Errors the event sources reported (a receive or delete refused during an outage). */
  readonly pollerErrors: string[] = [];
  private readonly admin: { documents: DynamoDBDocumentClient; sqs: SQSClient };
  private readonly functions: { documents: DynamoDBDocumentClient; sqs: SQSClient };
  private readonly stripe: Stripe;
  private pollers: QueuePoller[] = [];
  private readonly webhook: ReturnType<typeof createWebhookHandler>;
  private readonly resyncHandler: ReturnType<typeof createResyncHandler>;
  private readonly consumers: Record<
    QueueKey,
    (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>
  >;

  private constructor(
    readonly options: FaultStackOptions,
    resources: { tables: TableNames; queueUrls: QueueUrls; admin: FaultStack['admin'] },
  ) {
    this.tables = resources.tables;
    this.queueUrls = resources.queueUrls;
    this.admin = resources.admin;
    const functionsDynamoDb = dynamoDbClient(options.dynamodbEndpoint);
    options.instrumentDynamoDb?.(functionsDynamoDb);
    this.functions = {
      // As functions/commons/clients.ts builds it.
      documents: DynamoDBDocumentClient.from(functionsDynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
      sqs: sqsClient(options.sqsEndpoint),
    };
    this.stripe = new Stripe(options.emulator.apiKey, {
      host: '127.0.0.1',
      port: options.emulator.port,
      protocol: 'http',
      apiVersion: STRIPE_API_VERSION,
    });

    const { documents, sqs } = this.functions;
    const clock = { now: () => new Date() };
    const auditLog = new DynamoDbAuditLog(documents, this.tables.webhookAuditLog);
    const ledger = new DynamoDbLedgerStore(documents, this.tables.revenueShares);
    const districts = new DynamoDbDistrictStore(documents, this.tables.districts);
    const queue = <T>(key: QueueKey) => new SqsMessageQueue<T>(sqs, this.queueUrls.queues[key]);
    const silent: ErrorLog = { error: () => {} };
    const alerts = new SqsAlertSink(sqs, this.queueUrls.queues.alerts, silent);
    const stripeApiKey = { kind: 'static', values: [options.emulator.apiKey] } as const;
    const stripeApiUrl = options.stripeApiUrl ?? options.emulator.url;
    const stripeOptions =
      options.stripeTimeoutMilliseconds === undefined ? {} : { timeoutMilliseconds: options.stripeTimeoutMilliseconds };

    this.webhook = createWebhookHandler({
      observability: createObservability('stripe-webhook'),
      webhookSecrets: { kind: 'static', values: [WEBHOOK_SECRET] },
      verifier: new StripeWebhookSignatureVerifier(),
      auditLog,
      processEventQueue: queue<ProcessEventMessage>('revenueShare'),
      alerts: new SqsAlertSink(sqs, this.queueUrls.queues.alerts, options.undeliveredAlertLog ?? silent),
      clock,
      ...(options.leaseSeconds === undefined ? {} : { leaseSeconds: options.leaseSeconds }),
    });
    this.resyncHandler = createResyncHandler({
      observability: createObservability('resync'),
      stripeApiKey,
      events: (context) =>
        new StripeEventSource(stripeClientFor(stripeApiKeyFrom(context), stripeApiUrl, stripeOptions)),
      auditLog,
      processEventQueue: queue<ProcessEventMessage>('revenueShare'),
      alerts,
      clock,
    });
    this.consumers = {
      revenueShare: createRevenueShareHandler({
        observability: createObservability('revenue-share'),
        auditLog,
        ledger,
        districts,
        transferQueue: queue<TransferMessage>('transfer'),
        alerts,
        clock,
      }),
      transfer: createTransferHandler({
        observability: createObservability('transfer'),
        stripeApiKey,
        payments: stripePaymentsFromContext(stripeApiUrl, stripeOptions),
        ledger: options.wrapTransferLedger ? options.wrapTransferLedger(ledger) : ledger,
        districts,
        markPaidQueue: queue<MarkPaidMessage>('markPaid'),
        alerts,
        clock,
      }),
      markPaid: createMarkPaidHandler({
        observability: createObservability('mark-paid'),
        stripeApiKey,
        payments: stripePaymentsFromContext(stripeApiUrl, stripeOptions),
        ledger,
        districts,
        alerts,
        clock,
      }),
      alerts: createFinancialAlertHandler({
        observability: options.alertObservability ?? createObservability('financial-alert'),
      }),
    };
  }

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const dynamodb = dynamoDbClient(options.dynamodbServerEndpoint ?? options.dynamodbEndpoint);
    const admin = {
      documents: DynamoDBDocumentClient.from(dynamodb),
      sqs: sqsClient(options.sqsServerEndpoint ?? options.sqsEndpoint),
    };
    const prefix = `${options.label}-${randomUUID().slice(0, 8)}`;
    const [tables, queueUrls] = await Promise.all([createTables(dynamodb, prefix), createQueues(admin.sqs, prefix)]);
    if (options.visibilityTimeoutSeconds !== undefined) {
      for (const key of WORK_QUEUES) {
        await admin.sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: queueUrls.queues[key],
            Attributes: { VisibilityTimeout: String(options.visibilityTimeoutSeconds) },
          }),
        );
      }
    }
    return new FaultStack(options, { tables, queueUrls, admin });
  }

  /** Starts the event sources: from now on the workers take messages off the queues. */
  startWorkers(): void {
    const counts = { revenueShare: 2, transfer: 2, markPaid: 2, alerts: 1, ...this.options.pollers };
    for (const key of Object.keys(queues) as QueueKey[]) {
      for (let i = 0; i < counts[key]; i++) {
        this.pollers.push(
          startQueuePoller({
            sqs: this.functions.sqs,
            queueUrl: this.queueUrls.queues[key],
            functionName: key,
            handler: this.consumers[key],
            batchSize: queues[key].batchSize,
            timeoutSeconds: queues[key].consumerTimeoutSeconds,
            retryDelaySeconds: this.options.retryDelaySeconds ?? 1,
            onError: (error) => {
              if (this.pollerErrors.length < 1_000) this.pollerErrors.push(String(error));
            },
          }),
        );
      }
    }
  }

  async stop(): Promise<void> {
    const pollers = this.pollers;
    this.pollers = [];
    await Promise.all(pollers.map((poller) => poller.stop()));
  }

  /** One signed delivery of `event` to the webhook, as Stripe makes it (signed now, over the exact body). */
  async deliver(event: StripeEventLike<object>): Promise<DeliveryAnswer> {
    const request = signedWebhookEvent(JSON.stringify(event), { secret: WEBHOOK_SECRET });
    const response: APIGatewayProxyResult = await this.webhook(request, lambdaContext('stripe-webhook', 10));
    return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  }

  /** Waits until every claim that was never enqueued has an expired lease (so re-sync may take it over). */
  async claimLeasesExpired(): Promise<void> {
    const leases = (await this.auditRows())
      .filter((row) => row.status === 'RECEIVED' && row.enqueuedAt === undefined)
      .map((row) => Date.parse(String(row.leaseExpiresAt)))
      .filter((expiresAt) => Number.isFinite(expiresAt));
    const wait = Math.max(0, ...leases) - Date.now();
    if (wait > 0) await sleep(wait + 100);
  }

  /**
   * What on-call does when paged: re-sync (direct invoke, everything since `since`), repeated while it reports
   * more. Returns every item it reported.
   */
  async resync(since: Date): Promise<ResyncResult['items']> {
    const items: ResyncResult['items'] = [];
    for (let round = 0; round < 50; round++) {
      const result = (await this.resyncHandler(
        { since: since.toISOString(), limit: 100 },
        lambdaContext('resync', 300),
      )) as ResyncResult;
      items.push(...result.items);
      if (!result.more || result.items.length === 0) break;
    }
    return items;
  }

  /** A district with a fresh Connect account at the emulator, transferring automatically. */
  async addDistrict(overrides: Partial<District> = {}): Promise<District> {
    const account = await this.stripe.accounts.create({ type: 'express', country: 'US' });
    const now = new Date().toISOString();
    const district: District = {
      districtId: `district-${randomUUID().slice(0, 8)}`,
      stripeAccountId: account.id,
      shareBps: 1_500,
      currency: 'usd',
      autoTransfer: true,
      stripeCustomerIds: [],
      createdAt: now,
      updatedAt: now,
      ...overrides,
    };
    await new DynamoDbDistrictStore(this.admin.documents, this.tables.districts).put(district);
    return district;
  }

  /** An invoice.paid event the emulator holds (so re-sync's events.retrieve finds it). */
  invoicePaid(district: District, amountPaid: number): StripeEventLike<Record<string, unknown>> {
    const invoice = this.options.emulator.buildInvoice({
      amount_paid: amountPaid,
      currency: district.currency,
      metadata: { districtId: district.districtId },
    });
    return this.options.emulator.createEvent('invoice.paid', invoice);
  }

  /** `count` invoice.paid events spread round-robin over `districtCount` new districts, amounts from `amount`. */
  async invoiceBurst(
    count: number,
    districtCount: number,
    amount: () => number,
  ): Promise<StripeEventLike<Record<string, unknown>>[]> {
    const districts = await Promise.all(Array.from({ length: districtCount }, () => this.addDistrict()));
    return Array.from({ length: count }, (_, i) =>
      this.invoicePaid(districts[i % districtCount] as District, amount()),
    );
  }

  async auditRows(): Promise<Array<Record<string, unknown>>> {
    return await this.scan(this.tables.webhookAuditLog);
  }

  /** Ledger rows as stored; transfer-id guard items separately. */
  async ledger(): Promise<{ rows: RevenueShare[]; guards: Array<Record<string, unknown>> }> {
    const items = await this.scan(this.tables.revenueShares);
    const isGuard = (item: Record<string, unknown>) => String(item.pk).startsWith('transfer#');
    return {
      rows: items.filter((item) => !isGuard(item)) as unknown as RevenueShare[],
      guards: items.filter(isGuard),
    };
  }

  /** Messages on each work queue (visible or in flight), and in every DLQ. */
  async depths(): Promise<{ work: number; deadLettered: Record<QueueKey, number> }> {
    const depth = async (queueUrl: string) => {
      const { Attributes } = await this.admin.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    };
    const work = await Promise.all(WORK_QUEUES.map((key) => depth(this.queueUrls.queues[key])));
    const keys = Object.keys(queues) as QueueKey[];
    const dead = await Promise.all(keys.map((key) => depth(this.queueUrls.deadLetterQueues[key])));
    return {
      work: work.reduce((sum, n) => sum + n, 0),
      deadLettered: Object.fromEntries(keys.map((key, i) => [key, dead[i] ?? 0])) as Record<QueueKey, number>,
    };
  }

  /** Waits until the work queues have stayed empty for a moment (every message handled or dead-lettered). */
  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let emptyPolls = 0;
    while (emptyPolls < 2) {
      if (Date.now() > deadline) {
        throw new Error(`work queues not drained within ${timeoutMs} ms: ${JSON.stringify(await this.depths())}`);
      }
      emptyPolls = (await this.depths()).work === 0 ? emptyPolls + 1 : 0;
      await sleep(300);
    }
  }

  private async scan(tableName: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    for await (const page of paginateScan(
      { client: this.admin.documents },
      { TableName: tableName, ConsistentRead: true },
    )) {
      items.push(...(page.Items ?? []));
    }
    return items;
  }
}

const dynamoDbClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: REGION, credentials, requestHandler });

function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: REGION, credentials, requestHandler, useQueueUrlAsEndpoint: false });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; throws after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
