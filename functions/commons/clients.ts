/**
 * AWS clients, created once per execution environment and reused by every invocation (connection reuse
 * keeps the webhook's ack path fast). Functions take them through these getters so a function that needs
 * no DynamoDB never builds a DynamoDB client.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsEndpoints } from './config.js';

/** Fail fast: a hung connection must not eat the whole Lambda timeout (the SDK retries within its budget). */
const requestHandler = { connectionTimeout: 2_000, requestTimeout: 5_000 };

let documentClient: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;

export function dynamoDbDocumentClient(): DynamoDBDocumentClient {
  if (!documentClient) {
    const endpoint = awsEndpoints().dynamodb;
    documentClient = DynamoDBDocumentClient.from(
      new DynamoDBClient({ requestHandler, ...(endpoint ? { endpoint } : {}) }),
      {
        marshallOptions: { removeUndefinedValues: true },
      },
    );
  }
  return documentClient;
}

export function sqsClient(): SQSClient {
  if (!sqs) {
    const endpoint = awsEndpoints().sqs;
    sqs = new SQSClient({
      requestHandler,
      // A local SQS server's queue URLs name a host that does not resolve: always talk to the endpoint.
      ...(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {}),
    });
  }
  return sqs;
}
