/**
 * The whole pipeline for a fault scenario, on real local services, with every connection the scenario may cut
 * under its control: every function from its composition root (local/functions.ts, as the local stack builds
 * them), on clients that may point at a proxy instead of the server; an SQS event
 * source (local/queue-poller.ts) behind every queue; the Stripe emulator (possibly behind a fault proxy).
 *
 * Provisioning and inspection (scans, queue depths) use clients of their own on the servers themselves, so a
 * scenario can look at the state while the functions' path is down.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type Stripe from 'stripe';
import type { FunctionName } from '#contracts/api-routes.js';
import { type QueueKey, queues } from '#contracts/resources.js';
import { DynamoDbDistrictStore } from '../../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../../adapters/dynamodb/ledger.js';
import { type ErrorLog, SqsAlertSink } from '../../../adapters/sqs/alert-sink.js';
import type { District, RevenueShare } from '../../../domain/model.js';
import type { LedgerStore } from '../../../domain/ports.js';
import type { ResyncResult } from '../../../domain/resync/resync-failed-events.js';
import { createDocumentClient } from '../../../functions/commons/clients.js';
import type { Observability } from '../../../functions/commons/observability.js';
import { functionRuntime } from '../../../functions/commons/runtime.js';
import { stripeClients } from '../../../functions/commons/stripe-api-client.js';
import { createStripeClient } from '../../../functions/commons/stripe-client.js';
import { localDynamoDbClient, localSnsClient, localSqsClient } from '../../../local/aws-clients.js';
import { localFunctionEnvironment } from '../../../local/function-environment.js';
import { composeFunctions, type StackFunctions } from '../../../local/functions.js';
import { lambdaContext } from '../../../local/lambda-context.js';
import {
  createOnCallTopic,
  createQueues,
  createTables,
  type QueueUrls,
  type TableNames,
} from '../../../local/provision.js';
import { type QueuePoller, startQueuePoller } from '../../../local/queue-poller.js';
import type { StripeEmulator, StripeEventLike } from '../../../local/stripe-emulator/index.js';
import { testDistrict } from '../../support/test-district.js';
import { signedWebhookEvent } from '../../support/webhook-requests.js';

export const WEBHOOK_SECRET = 'whsec_faults_0123456789abcdef';
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
  private readonly webhook: StackFunctions['stripe-webhook'];
  private readonly resyncHandler: StackFunctions['resync'];
  private readonly consumers: Record<QueueKey, QueueConsumer>;

  private constructor(
    readonly options: FaultStackOptions,
    resources: { tables: TableNames; queueUrls: QueueUrls; onCallTopicArn: string; admin: FaultStack['admin'] },
  ) {
    this.tables = resources.tables;
    this.queueUrls = resources.queueUrls;
    this.admin = resources.admin;
    const functionsDynamoDb = localDynamoDbClient(options.dynamodbEndpoint);
    options.instrumentDynamoDb?.(functionsDynamoDb);
    const functionsSqs = localSqsClient(options.sqsEndpoint);
    this.functions = { documents: createDocumentClient(functionsDynamoDb), sqs: functionsSqs };
    this.stripe = createStripeClient(options.emulator.apiKey, { baseUrl: options.emulator.url });

    const stripe = stripeClients({
      baseUrl: options.stripeApiUrl ?? options.emulator.url,
      ...(options.stripeTimeoutMilliseconds === undefined
        ? {}
        : { timeoutMilliseconds: options.stripeTimeoutMilliseconds }),
    });
    const runtimeFor = (name: FunctionName) =>
      functionRuntime(name, {
        dynamodb: () => functionsDynamoDb,
        sqs: () => functionsSqs,
        sns: () => localSnsClient(options.sqsEndpoint),
        stripe,
        ...(name === 'financial-alert' && options.alertObservability
          ? { observability: options.alertObservability }
          : {}),
      });
    const environment = localFunctionEnvironment({
      tables: this.tables,
      queueUrls: this.queueUrls,
      webhookSecrets: [WEBHOOK_SECRET],
      stripeApiKey: options.emulator.apiKey,
      onCallTopicArn: resources.onCallTopicArn,
    });
    const silent: ErrorLog = { error: () => {} };
    const alerts = new SqsAlertSink(functionsSqs, this.queueUrls.queues.alerts, silent);
    const ledger = new DynamoDbLedgerStore(this.functions.documents, this.tables.revenueShares);
    const functions = composeFunctions(runtimeFor, environment, {
      'stripe-webhook': {
        alerts: new SqsAlertSink(functionsSqs, this.queueUrls.queues.alerts, options.undeliveredAlertLog ?? silent),
        ...(options.leaseSeconds === undefined ? {} : { leaseSeconds: options.leaseSeconds }),
      },
      'revenue-share': { alerts },
      transfer: { alerts, ...(options.wrapTransferLedger ? { ledger: options.wrapTransferLedger(ledger) } : {}) },
      'mark-paid': { alerts },
      // On-call re-syncs here once the dead claims' short leases have ended, not an hour later.
      resync: { alerts, stuckAfterMs: 0 },
    });
    this.webhook = functions['stripe-webhook'];
    this.resyncHandler = functions.resync;
    this.consumers = {
      revenueShare: functions['revenue-share'],
      transfer: functions.transfer,
      markPaid: functions['mark-paid'],
      alerts: functions['financial-alert'],
    };
  }

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const dynamodb = localDynamoDbClient(options.dynamodbServerEndpoint ?? options.dynamodbEndpoint);
    const admin = {
      documents: DynamoDBDocumentClient.from(dynamodb),
      sqs: localSqsClient(options.sqsServerEndpoint ?? options.sqsEndpoint),
    };
    const prefix = `${options.label}-${randomUUID().slice(0, 8)}`;
    const [tables, queueUrls, onCallTopicArn] = await Promise.all([
      createTables(dynamodb, prefix),
      createQueues(admin.sqs, prefix),
      createOnCallTopic(localSnsClient(options.sqsServerEndpoint ?? options.sqsEndpoint), prefix),
    ]);
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
    return new FaultStack(options, { tables, queueUrls, onCallTopicArn, admin });
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

  /** Waits until every RECEIVED claim has an expired lease (so re-sync may take it over). */
  async claimLeasesExpired(): Promise<void> {
    const leases = (await this.auditRows())
      .filter((row) => row.status === 'RECEIVED')
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
    const district = testDistrict(account.id, overrides);
    await new DynamoDbDistrictStore(this.admin.documents, this.tables.districts).put(district);
    return district;
  }

  /**
   * An invoice.paid event the emulator holds (so re-sync's events.retrieve finds it), for an invoice paid by one
   * real pm_card_visa charge (funds pending), which its transfer names as source_transaction.
   */
  invoicePaid(district: District, amountPaid: number): StripeEventLike<Record<string, unknown>> {
    const invoice = this.options.emulator.buildInvoice(
      { amount_paid: amountPaid, currency: district.currency, metadata: { districtId: district.districtId } },
      { payments: [{ paymentMethod: 'pm_card_visa' }] },
    );
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
    const isRow = (item: Record<string, unknown>) => !/^(transfer|charge)#/.test(String(item.pk));
    return {
      rows: items.filter(isRow) as unknown as RevenueShare[],
      guards: items.filter(isGuard),
    };
  }

  /** Financial alerts waiting on the alerts queue (a scenario that counts them starts no alerts poller). */
  async alertsWaiting(): Promise<number> {
    const { Attributes } = await this.admin.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrls.queues.alerts,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; throws after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
