/** The webhook's composition root: the one place its adapters are chosen and wired. */
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { StripeWebhookSignatureVerifier } from '../../adapters/stripe/webhook-signature.js';
import type { WebhookConfig } from '../commons/config.js';
import type { FunctionRuntime } from '../commons/runtime.js';
import { createWebhookHandler, type WebhookHandlerDeps } from './webhook-handler.js';

export const composeWebhook = (
  runtime: FunctionRuntime,
  config: WebhookConfig,
  overrides: Partial<WebhookHandlerDeps> = {},
) =>
  createWebhookHandler({
    observability: runtime.observability,
    webhookSecrets: config.webhookSecrets,
    verifier: new StripeWebhookSignatureVerifier(),
    auditLog: new DynamoDbAuditLog(runtime.dynamodb, config.auditTable),
    processEventQueue: new SqsMessageQueue(runtime.sqs, config.processEventQueueUrl),
    alerts: new SqsAlertSink(runtime.sqs, config.alertsQueueUrl, runtime.observability.logger),
    clock: runtime.clock,
    ...overrides,
  });
