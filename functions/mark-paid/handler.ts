/** Lambda entry: the mark-paid worker wired to DynamoDB, SQS and Stripe from the environment (cold start). */
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { dynamoDbDocumentClient, sqsClient } from '../commons/clients.js';
import { createObservability } from '../commons/observability.js';
import { stripePaymentsFromContext } from '../commons/stripe-payments.js';
import { markPaidWorkerConfig } from '../commons/worker-config.js';
import { createMarkPaidHandler } from './mark-paid-worker.js';

const config = markPaidWorkerConfig();
const observability = createObservability('mark-paid');
const sqs = observability.tracer.captureAWSv3Client(sqsClient());
const dynamodb = observability.tracer.captureAWSv3Client(dynamoDbDocumentClient());

export const handler = createMarkPaidHandler({
  observability,
  stripeApiKey: config.stripeApiKey,
  payments: stripePaymentsFromContext(config.stripeApiBaseUrl),
  ledger: new DynamoDbLedgerStore(dynamodb, config.revenueSharesTable),
  districts: new DynamoDbDistrictStore(dynamodb, config.districtsTable),
  alerts: new SqsAlertSink(sqs, config.alertsQueueUrl, observability.logger),
  clock: { now: () => new Date() },
});
