/** Lambda entry: the platform API wired to DynamoDB and SQS from the environment (cold start). */
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { dynamoDbDocumentClient, sqsClient } from '../commons/clients.js';
import { createObservability } from '../commons/observability.js';
import { platformApiConfig } from './config.js';
import { createPlatformApiHandler } from './platform-api-handler.js';

const config = platformApiConfig();
const observability = createObservability('platform-api');
const dynamodb = observability.tracer.captureAWSv3Client(dynamoDbDocumentClient());
const sqs = observability.tracer.captureAWSv3Client(sqsClient());

export const handler = createPlatformApiHandler({
  observability,
  ledger: new DynamoDbLedgerStore(dynamodb, config.revenueSharesTable),
  districts: new DynamoDbDistrictStore(dynamodb, config.districtsTable),
  auditLog: new DynamoDbAuditLog(dynamodb, config.auditTable),
  transferQueue: new SqsMessageQueue(sqs, config.transferQueueUrl),
  markPaidQueue: new SqsMessageQueue(sqs, config.markPaidQueueUrl),
  clock: { now: () => new Date() },
});
