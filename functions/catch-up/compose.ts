/** The catch-up's composition root: the one place its adapters are chosen and wired. */
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { DynamoDbCatchUpState } from '../../adapters/dynamodb/catch-up-state.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { StripeEventFeed } from '../../adapters/stripe/event-feed.js';
import { StripeEventSource } from '../../adapters/stripe/events.js';
import type { FunctionRuntime } from '../commons/runtime.js';
import { stripeApiKeyFrom } from '../commons/secrets.js';
import { type CatchUpHandlerDeps, createCatchUpHandler } from './catch-up-handler.js';
import type { CatchUpConfig } from './config.js';

export const composeCatchUp = (
  runtime: FunctionRuntime,
  config: CatchUpConfig,
  overrides: Partial<CatchUpHandlerDeps> = {},
) =>
  createCatchUpHandler({
    observability: runtime.observability,
    stripeApiKey: config.stripeApiKey,
    settings: config.settings,
    stripe: (context) => {
      const stripe = runtime.stripe(stripeApiKeyFrom(context));
      return { events: new StripeEventSource(stripe), feed: new StripeEventFeed(stripe) };
    },
    auditLog: new DynamoDbAuditLog(runtime.dynamodb, config.auditTable),
    state: new DynamoDbCatchUpState(runtime.dynamodb, config.auditTable),
    processEventQueue: new SqsMessageQueue(runtime.sqs, config.processEventQueueUrl),
    alerts: new SqsAlertSink(runtime.sqs, config.alertsQueueUrl, runtime.observability.logger),
    clock: runtime.clock,
    ...overrides,
  });
