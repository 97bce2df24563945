/** The resync function's composition root: the one place its adapters are chosen and wired. */
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { StripeEventSource } from '../../adapters/stripe/events.js';
import type { FunctionRuntime } from '../commons/runtime.js';
import { stripeApiKeyFrom } from '../commons/secrets.js';
import type { ResyncConfig } from './config.js';
import { createResyncHandler, type ResyncHandlerDeps } from './resync-handler.js';

export const composeResync = (
  runtime: FunctionRuntime,
  config: ResyncConfig,
  overrides: Partial<ResyncHandlerDeps> = {},
) =>
  createResyncHandler({
    observability: runtime.observability,
    stripeApiKey: config.stripeApiKey,
    events: (context) => new StripeEventSource(runtime.stripe(stripeApiKeyFrom(context))),
    auditLog: new DynamoDbAuditLog(runtime.dynamodb, config.auditTable),
    processEventQueue: new SqsMessageQueue(runtime.sqs, config.processEventQueueUrl),
    alerts: new SqsAlertSink(runtime.sqs, config.alertsQueueUrl, runtime.observability.logger),
    clock: runtime.clock,
    ...overrides,
  });
