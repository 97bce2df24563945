/** Clients of the local servers (DynamoDB Local, the SQS/SNS server), built as the functions build theirs. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoDbClient, createSqsClient } from '../functions/commons/clients.js';
import { createSnsClient } from '../functions/commons/sns-client.js';

/** Local servers accept any credentials; these fixed ones keep the SDK from looking for real ones. */
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

export const localDynamoDbClient = (endpoint: string): DynamoDBClient =>
  createDynamoDbClient({ endpoint, region: LOCAL_REGION, credentials: localCredentials, maxAttempts: 3 });

export const localSqsClient = (endpoint: string): SQSClient =>
  createSqsClient({ endpoint, region: LOCAL_REGION, credentials: localCredentials, maxAttempts: 3 });

/** The SQS server (fauxqs) serves SNS on the same endpoint. */
export const localSnsClient = (endpoint: string): SNSClient =>
  createSnsClient({ endpoint, region: LOCAL_REGION, credentials: localCredentials, maxAttempts: 3 });
