/**
 * The one construction of the AWS clients every function uses: deployed (region and credentials from Lambda),
 * locally (DynamoDB Local and the SQS server, fixed credentials) and in tests. Created once per execution
 * environment and reused by every invocation (connection reuse keeps the webhook's ack path fast).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';

/** Fail fast: a hung connection must not eat the whole Lambda timeout (the SDK retries within its budget). */
const requestHandler = { connectionTimeout: 2_000, requestTimeout: 5_000 };

/** Every document client: attributes left undefined are not written (never stored as NULL). */
export const DOCUMENT_CLIENT_OPTIONS = {
  marshallOptions: { removeUndefinedValues: true },
} as const satisfies TranslateConfig;

export interface AwsClientOptions {
  /** A local server; unset when deployed. */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
}

export const clientConfig = ({ endpoint, region, credentials, maxAttempts }: AwsClientOptions) => ({
  requestHandler,
  ...(endpoint ? { endpoint } : {}),
  ...(region ? { region } : {}),
  ...(credentials ? { credentials } : {}),
  ...(maxAttempts ? { maxAttempts } : {}),
});

export const createDynamoDbClient = (options: AwsClientOptions = {}): DynamoDBClient =>
  new DynamoDBClient(clientConfig(options));

export const createDocumentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, DOCUMENT_CLIENT_OPTIONS);

export const createSqsClient = (options: AwsClientOptions = {}): SQSClient =>
  new SQSClient({
    ...clientConfig(options),
    // A local SQS server's queue URLs name a host that does not resolve: always talk to the endpoint.
    ...(options.endpoint ? { useQueueUrlAsEndpoint: false } : {}),
  });
