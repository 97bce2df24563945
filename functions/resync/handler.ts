/** Lambda entry: re-sync wired to DynamoDB, SQS and Stripe from the environment (cold start). */
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { StripeEventSource } from '../../adapters/stripe/events.js';
import { dynamoDbDocumentClient, sqsClient } from '../commons/clients.js';
import { createObservability } from '../commons/observability.js';
import { stripeApiKeyFrom } from '../commons/secrets.js';
import { stripeClientFor } from '../commons/stripe-client.js';
import { resyncConfig } from './config.js';
import { createResyncHandler } from './resync-handler.js';

const config = resyncConfig();
const observability = createObservability('resync');
const dynamodb = observability.tracer.captureAWSv3Client(dynamoDbDocumentClient());
const sqs = observability.tracer.captureAWSv3Client(sqsClient());

export const handler = createResyncHandler({
  observability,
  stripeApiKey: config.stripeApiKey,
  events: (context) => new StripeEventSource(stripeClientFor(stripeApiKeyFrom(context), config.stripeApiBaseUrl)),
  auditLog: new DynamoDbAuditLog(dynamodb, config.auditTable),
  processEventQueue: new SqsMessageQueue(sqs, config.processEventQueueUrl),
  alerts: new SqsAlertSink(sqs, config.alertsQueueUrl, observability.logger),
  clock: { now: () => new Date() },
});
