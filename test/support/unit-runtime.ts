/**
 * A function runtime for unit tests: AWS clients with a region and no endpoint (aws-sdk-client-mock answers
 * them), the real Stripe client factory, and the configuration a deployment would give the functions.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionName } from '#contracts/api-routes.js';
import { env } from '#contracts/environment.js';
import { createDynamoDbClient } from '../../functions/commons/clients.js';
import type { Environment } from '../../functions/commons/config.js';
import type { Observability } from '../../functions/commons/observability.js';
import { type FunctionRuntime, functionRuntime } from '../../functions/commons/runtime.js';
import { stripeClients } from '../../functions/commons/stripe-api-client.js';

export const UNIT_AUDIT_TABLE = 'test-WebhookAuditLog';
export const UNIT_REVENUE_SHARE_QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/test-revenue-share.fifo';
export const UNIT_ALERTS_QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/test-financial-alerts';
export const UNIT_ON_CALL_TOPIC = 'arn:aws:sns:us-east-1:000000000000:test-on-call';

export const unitEnvironment = (overrides: Environment = {}): Environment => ({
  [env.auditTable]: UNIT_AUDIT_TABLE,
  [env.revenueSharesTable]: 'test-RevenueShares',
  [env.districtsTable]: 'test-Districts',
  [env.processEventQueueUrl]: UNIT_REVENUE_SHARE_QUEUE,
  [env.transferQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/test-transfer.fifo',
  [env.markPaidQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/test-mark-paid.fifo',
  [env.alertsQueueUrl]: UNIT_ALERTS_QUEUE,
  [env.stripeApiKey]: 'sk_test_unit',
  [env.onCallTopicArn]: UNIT_ON_CALL_TOPIC,
  ...overrides,
});

export const unitRuntime = (name: FunctionName, observability?: Observability): FunctionRuntime =>
  functionRuntime(name, {
    dynamodb: () => createDynamoDbClient({ region: 'us-east-1' }),
    sqs: () => new SQSClient({ region: 'us-east-1' }),
    sns: () => new SNSClient({ region: 'us-east-1' }),
    stripe: stripeClients(),
    ...(observability ? { observability } : {}),
  });
