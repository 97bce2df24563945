/** Lambda entry: the revenue-share worker wired to DynamoDB and SQS from the environment (cold start). */
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { dynamoDbDocumentClient, sqsClient } from '../commons/clients.js';
import { createObservability } from '../commons/observability.js';
import { revenueShareWorkerConfig } from '../commons/worker-config.js';
import { createRevenueShareHandler } from './revenue-share-worker.js';

const config = revenueShareWorkerConfig();
const observability = createObservability('revenue-share');
const sqs = observability.tracer.captureAWSv3Client(sqsClient());
const dynamodb = observability.tracer.captureAWSv3Client(dynamoDbDocumentClient());

export const handler = createRevenueShareHandler({
  observability,
  auditLog: new DynamoDbAuditLog(dynamodb, config.auditTable),
  ledger: new DynamoDbLedgerStore(dynamodb, config.revenueSharesTable),
  districts: new DynamoDbDistrictStore(dynamodb, config.districtsTable),
  transferQueue: new SqsMessageQueue(sqs, config.transferQueueUrl),
  alerts: new SqsAlertSink(sqs, config.alertsQueueUrl, observability.logger),
  clock: { now: () => new Date() },
});
