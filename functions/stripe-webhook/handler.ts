/** Lambda entry: the webhook wired to DynamoDB, SQS and Secrets Manager from the environment (cold start). */
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { StripeWebhookSignatureVerifier } from '../../adapters/stripe/webhook-signature.js';
import { dynamoDbDocumentClient, sqsClient } from '../commons/clients.js';
import { webhookConfig } from '../commons/config.js';
import { createObservability } from '../commons/observability.js';
import { createWebhookHandler } from './webhook-handler.js';

const config = webhookConfig();
const observability = createObservability('stripe-webhook');
const sqs = observability.tracer.captureAWSv3Client(sqsClient());
const dynamodb = observability.tracer.captureAWSv3Client(dynamoDbDocumentClient());

export const handler = createWebhookHandler({
  observability,
  webhookSecrets: config.webhookSecrets,
  verifier: new StripeWebhookSignatureVerifier(),
  auditLog: new DynamoDbAuditLog(dynamodb, config.auditTable),
  processEventQueue: new SqsMessageQueue(sqs, config.processEventQueueUrl),
  alerts: new SqsAlertSink(sqs, config.alertsQueueUrl, observability.logger),
  clock: { now: () => new Date() },
});
