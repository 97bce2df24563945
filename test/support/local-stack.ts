import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { localDynamoDbClient, localSqsClient } from '../../local/aws-clients.js';
import { createQueues, createTables, type QueueUrls, type TableNames } from '../../local/provision.js';

export interface TestResources {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  tables: TableNames;
  queues: QueueUrls;
  prefix: string;
}

/**
 * Tables and queues of their own for one test file (or one test), on the servers the global setup
 * started: tests never see each other's rows or messages.
 */
export async function provisionTestResources(label = 'test'): Promise<TestResources> {
  const dynamodb = localDynamoDbClient(inject('dynamodbEndpoint'));
  const sqs = localSqsClient(inject('sqsEndpoint'));
  const prefix = `${label}-${randomUUID().slice(0, 8)}`;
  const [tables, queues] = await Promise.all([createTables(dynamodb, prefix), createQueues(sqs, prefix)]);
  return { dynamodb, sqs, tables, queues, prefix };
}
