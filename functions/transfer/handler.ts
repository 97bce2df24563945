/** Lambda entry: the transfer worker wired to DynamoDB, SQS and Stripe from the environment (cold start). */
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { dynamoDbDocumentClient, sqsClient } from '../commons/clients.js';
import { createObservability } from '../commons/observability.js';
import { stripePaymentsFromContext } from '../commons/stripe-payments.js';
import { transferWorkerConfig } from '../commons/worker-config.js';
import { createTransferHandler } from './transfer-worker.js';

const config = transferWorkerConfig();
const observability = createObservability('transfer');
const sqs = observability.tracer.captureAWSv3Client(sqsClient());
const dynamodb = observability.tracer.captureAWSv3Client(dynamoDbDocumentClient());

export const handler = createTransferHandler({
  observability,
  stripeApiKey: config.stripeApiKey,
  payments: stripePaymentsFromContext(config.stripeApiBaseUrl),
  ledger: new DynamoDbLedgerStore(dynamodb, config.revenueSharesTable),
  districts: new DynamoDbDistrictStore(dynamodb, config.districtsTable),
  markPaidQueue: new SqsMessageQueue(sqs, config.markPaidQueueUrl),
  alerts: new SqsAlertSink(sqs, config.alertsQueueUrl, observability.logger),
  clock: { now: () => new Date() },
});
