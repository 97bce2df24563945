import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { localDynamoDbClient, localSnsClient, localSqsClient } from '../../local/aws-clients.js';
import {
  createOnCallTopic,
  createQueues,
  createTables,
  type QueueUrls,
  type TableNames,
} from '../../local/provision.js';

export interface TestResources {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  /** The SQS server's SNS (the on-call topic lives there). */
  sns: SNSClient;
  tables: TableNames;
  queues: QueueUrls;
  onCallTopicArn: string;
  prefix: string;
}

/**
 * Tables and queues of their own for one test file (or one test), on the servers the global setup
 * started: tests never see each other's rows or messages.
 */
export async function provisionTestResources(label = 'test'): Promise<TestResources> {
  const dynamodb = localDynamoDbClient(inject('dynamodbEndpoint'));
  const sqs = localSqsClient(inject('sqsEndpoint'));
  const sns = localSnsClient(inject('sqsEndpoint'));
  const prefix = `${label}-${randomUUID().slice(0, 8)}`;
  const [tables, queues, onCallTopicArn] = await Promise.all([
    createTables(dynamodb, prefix),
    createQueues(sqs, prefix),
    createOnCallTopic(sns, prefix),
  ]);
  return { dynamodb, sqs, sns, tables, queues, onCallTopicArn, prefix };
}
