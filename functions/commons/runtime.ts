/**
 * What the environment gives a function: its AWS clients, a Stripe client factory, its observability and a
 * clock. Each function's composition root (functions/<name>/compose.ts) takes one of these plus its config and
 * returns the handler; handler.ts hands it AWS's (awsRuntime), the local stack and the tests hand it theirs.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FunctionName } from '#contracts/api-routes.js';
import type { Clock } from '../../domain/ports.js';
import { type AwsClientOptions, createDocumentClient, createDynamoDbClient, createSqsClient } from './clients.js';
import { awsEndpoints, type Environment, stripeApiBaseUrl } from './config.js';
import { createObservability, type Observability, type ObservabilityOptions } from './observability.js';
import type { StripeClientOptions, StripeClients } from './stripe-api-client.js';

export interface FunctionRuntime {
  readonly dynamodb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** The on-call topic's client (only the financial-alert function publishes). */
  readonly sns: SNSClient;
  readonly stripe: StripeClients;
  readonly observability: Observability;
  readonly clock: Clock;
}

export const systemClock: Clock = { now: () => new Date() };

export interface RuntimeParts {
  /** Built on first use, so a function that never touches DynamoDB, SQS or SNS never builds its client. */
  dynamodb: () => DynamoDBClient;
  sqs: () => SQSClient;
  sns: () => SNSClient;
  stripe: StripeClients;
  observability?: ObservabilityOptions | Observability;
  clock?: Clock;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

const isObservability = (value: RuntimeParts['observability']): value is Observability =>
  value !== undefined && 'logger' in value;

/** A runtime for one function (traced by Lambda's active tracing: see ./observability.ts). */
export function functionRuntime(functionName: FunctionName | string, parts: RuntimeParts): FunctionRuntime {
  const observability = isObservability(parts.observability)
    ? parts.observability
    : createObservability(functionName, parts.observability);
  const dynamodb = once(() => createDocumentClient(parts.dynamodb()));
  const sqs = once(parts.sqs);
  const sns = once(parts.sns);
  return {
    get dynamodb() {
      return dynamodb();
    },
    get sqs() {
      return sqs();
    },
    get sns() {
      return sns();
    },
    stripe: parts.stripe,
    observability,
    clock: parts.clock ?? systemClock,
  };
}

/** How a function that calls Stripe builds its clients: `stripeClients` of ./stripe-api-client.ts. */
export type StripeClientsFactory = (options: StripeClientOptions) => StripeClients;

/** The clients only some functions need; a function that does not pass one leaves its library out of its bundle. */
export interface OptionalClients {
  /** Every function that calls Stripe passes `stripeClients` (./stripe-api-client.ts). */
  stripeClients?: StripeClientsFactory;
  /** The financial-alert function, which pages, passes `createSnsClient` (./sns-client.ts). */
  snsClient?: (options: AwsClientOptions) => SNSClient;
}

/**
 * Deployed: region and credentials from Lambda; endpoints and the Stripe base URL only in local runs. A function
 * that calls Stripe passes `stripeClients` (functions/commons/stripe-api-client.ts); the others do not, so their
 * bundle carries no Stripe client, and their runtime's `stripe` throws. The same for SNS and `createSnsClient`. test/unit/function-runtime.test.ts checks every handler that reaches
 * `runtime.stripe` or `runtime.sns` passes its factory.
 */
export function awsRuntime(
  functionName: FunctionName,
  source: Environment = process.env,
  optional: OptionalClients = {},
): FunctionRuntime {
  const endpoints = awsEndpoints(source);
  const baseUrl = stripeApiBaseUrl(source);
  const options = (endpoint?: string): AwsClientOptions => (endpoint ? { endpoint } : {});
  const { stripeClients, snsClient } = optional;
  return functionRuntime(functionName, {
    dynamodb: () => createDynamoDbClient(options(endpoints.dynamodb)),
    sqs: () => createSqsClient(options(endpoints.sqs)),
    sns: snsClient
      ? () => snsClient(options(endpoints.sns))
      : builtWithout(functionName, 'an SNS client', 'createSnsClient'),
    stripe: stripeClients
      ? stripeClients(baseUrl ? { baseUrl } : {})
      : builtWithout(functionName, 'a Stripe client', 'stripeClients'),
  });
}

/** The factory of a client a function was built without: it says so, and what to pass instead. */
const builtWithout = (functionName: string, what: string, factory: string) => (): never => {
  throw new Error(
    `The ${functionName} function is built without ${what}: pass ${factory} to awsRuntime in its handler.ts`,
  );
};
