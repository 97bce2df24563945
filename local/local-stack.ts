import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type ApiRoute, apiRoutes, type FunctionName, queueConsumers, WEBHOOK_PATH } from '#contracts/api-routes.js';
import { catchUpDefaults, RECONCILE_DEFAULT_TIME_UTC } from '#contracts/operations.js';
import { type QueueKey, queues } from '#contracts/resources.js';
import { functionRuntime } from '../functions/commons/runtime.js';
import { stripeClients } from '../functions/commons/stripe-api-client.js';
import { createStripeClient } from '../functions/commons/stripe-client.js';
import { type LocalApiGateway, type ProxyHandler, sendJson, startLocalApiGateway } from './api-gateway.js';
import { localDynamoDbClient, localSnsClient, localSqsClient } from './aws-clients.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { localFunctionEnvironment } from './function-environment.js';
import { composeFunctions, type FunctionOverrides } from './functions.js';
import { createOnCallTopic, createQueues, createTables, type QueueUrls, type TableNames } from './provision.js';
import { type QueuePoller, type SqsHandler, startQueuePoller } from './queue-poller.js';
import { type ScheduledHandler, startLocalSchedules } from './schedules.js';
import { type SqsServer, startSqsServer } from './sqs-server.js';
import { type StripeEmulator, type StripeEmulatorOptions, startStripeEmulator } from './stripe-emulator/index.js';
import { type RegisteredWebhookEndpoint, registerWebhookEndpoint } from './webhook-endpoint.js';

export interface LocalStackOptions {
  /** HTTP port of the local API (0 = any free port). */
  port: number;
  /** The Stripe secret key to use; unset = the local Stripe emulator on `stripeEmulatorPort`. */
  stripeApiKey?: string;
  stripeEmulatorPort: number;
  /** The emulator's webhook delivery settings and rate limits (default: its own; rate limits off). */
  stripeEmulator?: Pick<StripeEmulatorOptions, 'delivery' | 'rateLimits'>;
  /**
   * Registers the webhook at the emulator (`webhookEndpoints.create` for the routed event types), so the emulator
   * delivers its events itself, and makes the webhook accept the secret that registration returned as well as
   * `webhookSecrets`. Needs the emulator (no `stripeApiKey`).
   */
  registerWebhookEndpoint?: boolean;
  /** Signing secrets the webhook accepts (besides the registered endpoint's); at least one without registration. */
  webhookSecrets: string[];
  /** Seconds before a failed queue message is retried (deployed: the queue's visibility timeout). */
  retryDelaySeconds?: number;
  /** DynamoDB Local data folder; unset = in memory. */
  dataDir?: string;
  log?: (line: string) => void;
  /** Wraps each function's handler before it is served (e.g. to count or time invocations); unset = as loaded. */
  wrapHandler?: (functionName: FunctionName, handler: unknown) => unknown;
  /**
   * Concurrent pollers per queue (default 1). Deployed, Lambda scales a queue's pollers up to the function's
   * reserved concurrency; more pollers here let a local run approach that.
   */
  pollersPerQueue?: Partial<Record<QueueKey, number>>;
  /** Sees each AWS client a function gets, once built (e.g. to count its requests). */
  instrumentClient?: (client: DynamoDBClient | SQSClient, service: 'dynamodb' | 'sqs') => void;
  /** What a test replaces in a function's wiring (e.g. a queue that refuses sends, so the webhook answers 503). */
  overrides?: FunctionOverrides;
  /**
   * Runs the scheduled functions as EventBridge would (local/schedules.ts): the catch-up every `catchUpIntervalMs`
   * (default 15 minutes), the reconcile daily at its default time. Unset: they run only when invoked.
   */
  schedules?: { catchUpIntervalMs?: number };
}

export interface LocalStack {
  readonly url: string;
  readonly webhookUrl: string;
  readonly stripe?: StripeEmulator;
  /** The webhook endpoint registered at the emulator (with `registerWebhookEndpoint`). */
  readonly webhookEndpoint?: RegisteredWebhookEndpoint;
  readonly tables: TableNames;
  readonly queues: QueueUrls;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly dynamodbLocal: DynamoDbLocal;
  stop(): Promise<void>;
}

const API_FUNCTION_TIMEOUT_SECONDS = 10;
const LOCAL_PREFIX = 'local';

/**
 * The whole stack on one machine: real local services, every function from the composition root a deployment
 * uses (on local clients, with config read from a local environment map: nothing is written to process.env, so
 * several stacks can run in one process), an HTTP gateway in front of them and an SQS event source behind
 * every queue. The gateway listens before the functions are composed, so that its URL (port 0 included) can be
 * registered at the emulator first and the webhook composed with the secret registration returned; until the
 * functions are composed every route answers 503.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    stoppers.length = 0;
  };
  if (options.registerWebhookEndpoint && options.stripeApiKey) {
    throw new Error(
      'registerWebhookEndpoint needs the local Stripe emulator: with a Stripe key, forward events with `stripe listen`',
    );
  }
  try {
    // allSettled, not all: when one service fails to start, the others must still be stopped.
    const started = await Promise.allSettled([
      startDynamoDbLocal({ dbPath: options.dataDir }),
      startSqsServer(),
      options.stripeApiKey
        ? Promise.resolve(undefined)
        : startStripeEmulator({ ...options.stripeEmulator, port: options.stripeEmulatorPort }),
    ] as const);
    for (const result of started) {
      if (result.status === 'fulfilled' && result.value) stoppers.push(() => result.value?.stop() ?? Promise.resolve());
    }
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    const [dynamodbLocal, sqsServer, stripe] = started.map((result) =>
      result.status === 'fulfilled' ? result.value : undefined,
    ) as [DynamoDbLocal, SqsServer, StripeEmulator | undefined];
    const dynamodb = localDynamoDbClient(dynamodbLocal.endpoint);
    const sqs = localSqsClient(sqsServer.endpoint);
    const [tables, queueUrls, onCallTopicArn] = await Promise.all([
      createTables(dynamodb, LOCAL_PREFIX),
      createQueues(sqs, LOCAL_PREFIX),
      createOnCallTopic(localSnsClient(sqsServer.endpoint), LOCAL_PREFIX),
    ]);
    const stripeApiKey = options.stripeApiKey ?? stripe?.apiKey ?? '';
    const stripeFactory = stripeClients(stripe ? { baseUrl: stripe.url } : {});
    const instrumented = <C extends DynamoDBClient | SQSClient>(client: C, service: 'dynamodb' | 'sqs'): C => {
      options.instrumentClient?.(client, service);
      return client;
    };
    const runtimeFor = (name: FunctionName) =>
      functionRuntime(name, {
        dynamodb: () => instrumented(localDynamoDbClient(dynamodbLocal.endpoint), 'dynamodb'),
        sqs: () => instrumented(localSqsClient(sqsServer.endpoint), 'sqs'),
        sns: () => localSnsClient(sqsServer.endpoint),
        stripe: stripeFactory,
      });
    let handlers: Record<FunctionName, unknown> | undefined;
    const notReady = { statusCode: 503, body: JSON.stringify({ error: 'The local stack is starting' }) };
    const gateway: LocalApiGateway = await startLocalApiGateway({
      port: options.port,
      targets: apiRoutes.map((route: ApiRoute) => ({
        route,
        handler: async (event, context) =>
          handlers ? (handlers[route.functionName] as ProxyHandler)(event, context) : notReady,
        timeoutSeconds: API_FUNCTION_TIMEOUT_SECONDS,
      })),
      extraRoutes: {
        'GET /health': (_req, res) =>
          handlers
            ? sendJson(res, 200, { status: 'ok' })
            : sendJson(res, 503, { error: 'The local stack is starting' }),
      },
    });
    stoppers.push(() => gateway.close());
    const webhookUrl = `${gateway.url}${WEBHOOK_PATH}`;

    const webhookEndpoint =
      options.registerWebhookEndpoint && stripe
        ? await registerWebhookEndpoint(createStripeClient(stripe.apiKey, { baseUrl: stripe.url }), webhookUrl)
        : undefined;
    const environment = localFunctionEnvironment({
      tables,
      queueUrls,
      webhookSecrets: [...(webhookEndpoint ? [webhookEndpoint.secret] : []), ...options.webhookSecrets],
      stripeApiKey,
      onCallTopicArn,
      ...(webhookEndpoint ? { webhookUrl } : {}),
    });
    const composed = wrapHandlers(composeFunctions(runtimeFor, environment, options.overrides), options.wrapHandler);
    handlers = composed;

    if (options.schedules) {
      const schedules = startLocalSchedules({
        catchUp: composed['catch-up'] as ScheduledHandler,
        reconcile: composed.reconcile as ScheduledHandler,
        catchUpIntervalMs: options.schedules.catchUpIntervalMs ?? catchUpDefaults.intervalMinutes * 60_000,
        reconcileTimeUtc: RECONCILE_DEFAULT_TIME_UTC,
        ...(options.log ? { log: options.log } : {}),
      });
      stoppers.push(async () => schedules.stop());
    }

    for (const [queueKey, functionName] of Object.entries(queueConsumers) as [QueueKey, FunctionName][]) {
      const queue = queues[queueKey];
      for (let i = 0; i < (options.pollersPerQueue?.[queueKey] ?? 1); i++) {
        const poller: QueuePoller = startQueuePoller({
          sqs,
          queueUrl: queueUrls.queues[queueKey],
          functionName,
          handler: composed[functionName] as SqsHandler,
          batchSize: queue.batchSize,
          timeoutSeconds: queue.consumerTimeoutSeconds,
          retryDelaySeconds: options.retryDelaySeconds ?? 2,
          onError: (error) => options.log?.(`[${functionName}] ${String(error)}`),
        });
        stoppers.push(() => poller.stop());
      }
    }

    return {
      url: gateway.url,
      webhookUrl,
      stripe,
      webhookEndpoint,
      tables,
      queues: queueUrls,
      dynamodb,
      sqs,
      dynamodbLocal,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function wrapHandlers(
  handlers: Record<FunctionName, unknown>,
  wrap: LocalStackOptions['wrapHandler'],
): Record<FunctionName, unknown> {
  if (!wrap) return handlers;
  const wrapped = {} as Record<FunctionName, unknown>;
  for (const [name, handler] of Object.entries(handlers) as [FunctionName, unknown][]) {
    wrapped[name] = wrap(name, handler);
  }
  return wrapped;
}
