import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { type SqsServer, startSqsServer } from '../../local/sqs-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    sqsEndpoint: string;
  }
}

/** Starts the real local servers once per run; each test file provisions its own tables and queues. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let dynamodb: DynamoDbLocal | undefined;
  let sqs: SqsServer | undefined;
  try {
    [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startSqsServer()]);
  } catch (error) {
    await Promise.allSettled([dynamodb?.stop(), sqs?.stop()]);
    throw new Error(`Integration tests need the local services and they did not start: ${String(error)}`);
  }
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  const started = { dynamodb, sqs };
  return async () => {
    await Promise.allSettled([started.dynamodb.stop(), started.sqs.stop()]);
  };
}
