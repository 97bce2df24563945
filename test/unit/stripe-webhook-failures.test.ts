import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { env } from '#contracts/environment.js';
import { UNDELIVERED_ALERT_MARKER } from '../../adapters/sqs/alert-sink.js';
import type { FinancialAlert } from '../../domain/model.js';
import { webhookConfig } from '../../functions/commons/config.js';
import { createObservability } from '../../functions/commons/observability.js';
import { composeWebhook } from '../../functions/stripe-webhook/compose.js';
import { lambdaContext } from '../../local/lambda-context.js';
import {
  UNIT_ALERTS_QUEUE,
  UNIT_AUDIT_TABLE,
  UNIT_REVENUE_SHARE_QUEUE,
  unitEnvironment,
  unitRuntime,
} from '../support/unit-runtime.js';
import { signedWebhookEvent } from '../support/webhook-requests.js';

const SECRET = 'whsec_unit_0123456789';
const REVENUE_SHARE_QUEUE = UNIT_REVENUE_SHARE_QUEUE;
const ALERTS_QUEUE = UNIT_ALERTS_QUEUE;
const EVENT_ID = 'evt_1Pgc76B7WZ01zgkWwyRHS12y';
const PAYLOAD = JSON.stringify({
  id: EVENT_ID,
  object: 'event',
  type: 'invoice.paid',
  data: { object: { id: 'in_1', object: 'invoice' } },
});

const dynamodb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

describe('stripe-webhook when AWS services fail', () => {
  let logLines: Record<string, unknown>[];

  beforeEach(() => {
    logLines = [];
    // EMF metrics print only when enabled; POWERTOOLS_DEV (set for tests) disables them otherwise.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, method).mockImplementation((line: unknown) => {
        if (typeof line === 'string' && line.startsWith('{')) logLines.push(JSON.parse(line));
      });
    }
  });

  afterEach(() => {
    dynamodb.reset();
    sqs.reset();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const deliver = async (): Promise<APIGatewayProxyResult> => {
    const observability = createObservability('stripe-webhook', { logLevel: 'INFO' });
    const handler = composeWebhook(
      unitRuntime('stripe-webhook', observability),
      webhookConfig(unitEnvironment({ [env.stripeWebhookSecrets]: SECRET })),
    );
    return handler(signedWebhookEvent(PAYLOAD, { secret: SECRET }), lambdaContext('stripe-webhook', 10));
  };

  const alertsSent = (): FinancialAlert[] =>
    sqs
      .commandCalls(SendMessageCommand, { QueueUrl: ALERTS_QUEUE })
      .map((call) => JSON.parse(call.args[0].input.MessageBody ?? '{}') as FinancialAlert);

  it('marks the row FAILED, raises WEBHOOK_ENQUEUE_FAILED and answers 503 when the queue is down', async () => {
    // Prepare
    dynamodb.on(PutCommand).resolves({});
    dynamodb.on(UpdateCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'alert-1' });
    sqs.on(SendMessageCommand, { QueueUrl: REVENUE_SHARE_QUEUE }).rejects(new Error('SQS is unavailable'));
    // Act
    const response = await deliver();
    // Assess
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({ error: expect.any(String) });
    const updates = dynamodb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      TableName: UNIT_AUDIT_TABLE,
      Key: { stripeEventId: EVENT_ID },
      // Only while the row is still this delivery's claim (RECEIVED, attempts 1): a send reported failed may have arrived
      ConditionExpression: 'attribute_exists(stripeEventId) AND #status = :received AND attempts = :claimAttempt',
      ExpressionAttributeValues: {
        ':failed': 'FAILED',
        ':errorMessage': expect.stringContaining('SQS is unavailable'),
        ':received': 'RECEIVED',
        ':claimAttempt': 1,
      },
    });
    expect(updates[0]?.UpdateExpression).toContain('#status = :failed');
    expect(alertsSent()).toEqual([
      expect.objectContaining({ kind: 'WEBHOOK_ENQUEUE_FAILED', severity: 'critical', stripeEventId: EVENT_ID }),
    ]);
    expect(logLines).toContainEqual(expect.objectContaining({ WebhookEventsFailed: 1 }));
  });

  it('raises AUDIT_LOG_WRITE_FAILED through the alerts queue and answers 503 when DynamoDB is down', async () => {
    // Prepare
    dynamodb.on(PutCommand).rejects(new Error('DynamoDB is unavailable'));
    sqs.on(SendMessageCommand).resolves({ MessageId: 'alert-1' });
    // Act
    const response = await deliver();
    // Assess
    expect(response.statusCode).toBe(503);
    expect(alertsSent()).toEqual([
      expect.objectContaining({ kind: 'AUDIT_LOG_WRITE_FAILED', stripeEventId: EVENT_ID }),
    ]);
    expect(sqs.commandCalls(SendMessageCommand, { QueueUrl: REVENUE_SHARE_QUEUE })).toHaveLength(0);
    expect(logLines).toContainEqual(
      expect.objectContaining({ level: 'ERROR', stripeEventId: EVENT_ID, error: expect.stringContaining('DynamoDB') }),
    );
  });

  it(`logs ${UNDELIVERED_ALERT_MARKER} with the alert when the alerts queue is down too`, async () => {
    // Prepare
    dynamodb.on(PutCommand).rejects(new Error('DynamoDB is unavailable'));
    sqs.on(SendMessageCommand).rejects(new Error('SQS is unavailable'));
    // Act
    const response = await deliver();
    // Assess
    expect(response.statusCode).toBe(503);
    const undelivered = logLines.filter((line) => line.message === UNDELIVERED_ALERT_MARKER);
    expect(undelivered).toHaveLength(1);
    expect(undelivered[0]).toMatchObject({
      level: 'ERROR',
      alertMarker: UNDELIVERED_ALERT_MARKER,
      financialAlert: { kind: 'AUDIT_LOG_WRITE_FAILED', severity: 'critical', stripeEventId: EVENT_ID },
      deliveryError: expect.stringContaining('SQS is unavailable'),
    });
  });

  it('answers 503 and still alerts when the queue and the FAILED write are both down', async () => {
    // Prepare
    dynamodb.on(PutCommand).resolves({});
    dynamodb.on(UpdateCommand).rejects(new Error('DynamoDB is unavailable'));
    sqs.on(SendMessageCommand).resolves({ MessageId: 'alert-1' });
    sqs.on(SendMessageCommand, { QueueUrl: REVENUE_SHARE_QUEUE }).rejects(new Error('SQS is unavailable'));
    // Act
    const response = await deliver();
    // Assess
    expect(response.statusCode).toBe(503);
    expect(alertsSent()).toEqual([expect.objectContaining({ kind: 'WEBHOOK_ENQUEUE_FAILED' })]);
    expect(logLines).not.toContainEqual(expect.objectContaining({ WebhookEventsFailed: 1 }));
  });
});
