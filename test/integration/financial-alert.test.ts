import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import type { FinancialAlert } from '../../domain/model.js';
import { createObservability } from '../../functions/commons/observability.js';
import { functionRuntime } from '../../functions/commons/runtime.js';
import { stripeClients } from '../../functions/commons/stripe-api-client.js';
import { composeFinancialAlert } from '../../functions/financial-alert/compose.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { queueArn } from '../../local/provision.js';
import { provisionTestResources, type TestResources } from '../support/local-stack.js';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

/** A notification as an SQS subscriber of the on-call topic receives it (the SNS envelope). */
interface Notification {
  Subject: string;
  page: Record<string, unknown>;
  MessageAttributes: Record<string, { Value: string }>;
}

describe('financial-alert: from the alerts queue to a log line, the FinancialAlerts metric and on-call', () => {
  let resources: TestResources;
  let printed: Record<string, unknown>[];
  /** An SQS queue subscribed to the on-call topic: what a pager subscribed to it would get. */
  let onCallInbox: string;

  beforeAll(async () => {
    resources = await provisionTestResources('alerts');
    const inbox = await resources.sqs.send(new CreateQueueCommand({ QueueName: `${resources.prefix}-on-call-inbox` }));
    onCallInbox = inbox.QueueUrl ?? '';
    await resources.sns.send(
      new SubscribeCommand({
        TopicArn: resources.onCallTopicArn,
        Protocol: 'sqs',
        Endpoint: await queueArn(resources.sqs, onCallInbox),
      }),
    );
  });

  beforeEach(() => {
    // Metrics print EMF only when enabled; POWERTOOLS_DEV (set for tests) disables them otherwise.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    printed = [];
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, method).mockImplementation((line: unknown) => {
        if (typeof line === 'string' && line.startsWith('{')) printed.push(JSON.parse(line));
      });
    }
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const handler = (topicArn = resources.onCallTopicArn) =>
    composeFinancialAlert(
      functionRuntime('financial-alert', {
        dynamodb: () => resources.dynamodb,
        sqs: () => resources.sqs,
        sns: () => resources.sns,
        stripe: stripeClients(),
        observability: createObservability('financial-alert', { logLevel: 'INFO' }),
      }),
      { onCallTopicArn: topicArn },
    );

  /** Every notification the on-call topic delivered since the last call. */
  async function notifications(): Promise<Notification[]> {
    const received: Notification[] = [];
    for (;;) {
      const { Messages = [] } = await resources.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: onCallInbox, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return received;
      for (const message of Messages) {
        const envelope = JSON.parse(message.Body ?? '{}') as Notification & { Message: string };
        received.push({
          Subject: envelope.Subject,
          page: JSON.parse(envelope.Message),
          MessageAttributes: envelope.MessageAttributes,
        });
      }
      await resources.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: onCallInbox,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }

  const alertRecord = (alert: FinancialAlert, messageId: string): SQSRecord =>
    ({ messageId, body: JSON.stringify(alert) }) as SQSRecord;

  const critical = (overrides: Partial<FinancialAlert>): FinancialAlert => ({
    kind: 'TRANSFER_FAILED',
    severity: 'critical',
    message: 'Transfer failed: balance_insufficient',
    occurredAt: new Date().toISOString(),
    ...overrides,
  });

  async function receiveAlerts(): Promise<SQSEvent> {
    const { Messages = [] } = await resources.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: resources.queues.queues.alerts,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const records = Messages.map(
      (message) =>
        ({
          messageId: message.MessageId ?? '',
          receiptHandle: message.ReceiptHandle ?? '',
          body: message.Body ?? '',
          attributes: {},
          messageAttributes: {},
          md5OfBody: message.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:alerts',
          awsRegion: 'us-east-1',
        }) as unknown as SQSRecord,
    );
    return { Records: records };
  }

  const metricLines = (): EmfLine[] => printed.filter((line): line is EmfLine => '_aws' in line);

  it('logs each alert with its fields and counts it by kind and in total', async () => {
    // Prepare: an alert raised the way every function raises one
    const alert: FinancialAlert = {
      kind: 'TRANSFER_FAILED',
      severity: 'critical',
      message: 'Transfer for rs_1 failed: balance_insufficient',
      districtId: 'district-shahdol',
      invoiceId: 'in_1',
      stripeEventId: 'evt_1',
      revenueShareId: 'rs_1',
      occurredAt: new Date().toISOString(),
    };
    await new SqsAlertSink(resources.sqs, resources.queues.queues.alerts, console).raise(alert);
    const event = await receiveAlerts();
    // Act
    const response = await handler()(event, lambdaContext('financial-alert', 10));
    // Assess
    expect(event.Records).toHaveLength(1);
    expect(response).toEqual({ batchItemFailures: [] });
    const alertLines = printed.filter((line) => line.message === 'Financial alert');
    expect(alertLines).toHaveLength(1);
    expect(alertLines[0]).toMatchObject({ level: 'ERROR', service: 'financial-alert', financialAlert: alert });

    const counted = metricLines().filter((line) => line.FinancialAlerts === 1);
    const directives = counted.map((line) => line._aws.CloudWatchMetrics[0]);
    expect(directives).toContainEqual(
      expect.objectContaining({ Namespace: 'DistrictPayouts', Dimensions: [['service', 'kind']] }),
    );
    expect(directives).toContainEqual(expect.objectContaining({ Namespace: 'DistrictPayouts', Dimensions: [[]] }));
    expect(counted.find((line) => line._aws.CloudWatchMetrics[0]?.Dimensions[0]?.length === 2)?.kind).toBe(
      'TRANSFER_FAILED',
    );
  });

  it('still pages (kind MALFORMED) for a message that is not an alert, without retrying it', async () => {
    // Prepare
    const record = { messageId: 'm-1', body: 'not an alert' } as SQSRecord;
    // Act
    const response = await handler()({ Records: [record] }, lambdaContext('financial-alert', 10));
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(printed).toContainEqual(
      expect.objectContaining({
        message: 'Malformed financial alert',
        financialAlert: expect.objectContaining({ kind: 'MALFORMED' }),
      }),
    );
    const total = metricLines().filter((line) => line._aws.CloudWatchMetrics[0]?.Dimensions[0]?.length === 0);
    expect(total).toHaveLength(1);
  });

  it('logs a warning alert at WARN level', async () => {
    const alert: FinancialAlert = {
      kind: 'EVENT_FAILED',
      severity: 'warning',
      message: 'Invoice in_2 has no district',
      occurredAt: new Date().toISOString(),
    };
    const record = { messageId: 'm-2', body: JSON.stringify(alert) } as SQSRecord;
    await handler()({ Records: [record] }, lambdaContext('financial-alert', 10));
    expect(printed).toContainEqual(expect.objectContaining({ level: 'WARN', financialAlert: alert }));
  });

  it('two different critical alerts within a minute are two notifications, each with its kind, district, invoice and runbook', async () => {
    // Prepare: a failed transfer, then a mismatched one in another district, 20 s apart (one alarm period)
    await notifications();
    const first = critical({ districtId: 'district-a', invoiceId: 'in_a1', revenueShareId: 'rs_a1' });
    const second = critical({
      kind: 'TRANSFER_MISMATCH',
      districtId: 'district-b',
      invoiceId: 'in_b1',
      message: 'Transfer tr_1 does not match rs_b1: amount',
      occurredAt: new Date(Date.now() + 20_000).toISOString(),
    });

    // Act: two invocations, as two alerts a few seconds apart arrive
    const responses = [
      await handler()({ Records: [alertRecord(first, 'm-a')] }, lambdaContext('financial-alert', 10)),
      await handler()({ Records: [alertRecord(second, 'm-b')] }, lambdaContext('financial-alert', 10)),
    ];

    // Assess
    expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const received = await notifications();
    expect(received.map((n) => n.Subject)).toEqual([
      '[critical] TRANSFER_FAILED district district-a invoice in_a1',
      '[critical] TRANSFER_MISMATCH district district-b invoice in_b1',
    ]);
    expect(received[0]?.page).toMatchObject({
      kind: 'TRANSFER_FAILED',
      districtId: 'district-a',
      count: 1,
      invoiceIds: ['in_a1'],
      revenueShareIds: ['rs_a1'],
      message: 'Transfer failed: balance_insufficient',
      runbook: 'README.md#alarm-financial-alert',
    });
    expect(received[1]?.MessageAttributes.kind?.Value).toBe('TRANSFER_MISMATCH');
    expect(received[1]?.MessageAttributes.districtId?.Value).toBe('district-b');
  });

  it('a storm of identical alerts in one batch is one notification with their count and every invoice', async () => {
    // Prepare: eight failed transfers of one district, and one of another district, in one batch
    await notifications();
    const storm = Array.from({ length: 8 }, (_, i) =>
      alertRecord(critical({ districtId: 'district-storm', invoiceId: `in_storm${i}` }), `m-storm-${i}`),
    );
    const other = alertRecord(critical({ districtId: 'district-calm', invoiceId: 'in_calm' }), 'm-calm');

    // Act
    const response = await handler()({ Records: [...storm, other] }, lambdaContext('financial-alert', 10));

    // Assess: grouped, not dropped; still logged and counted one by one
    expect(response).toEqual({ batchItemFailures: [] });
    const received = await notifications();
    expect(received.map((n) => n.Subject)).toEqual([
      '[critical] TRANSFER_FAILED district district-storm (x8)',
      '[critical] TRANSFER_FAILED district district-calm invoice in_calm',
    ]);
    expect(received[0]?.page).toMatchObject({
      count: 8,
      invoiceIds: Array.from({ length: 8 }, (_, i) => `in_storm${i}`),
    });
    expect(printed.filter((line) => line.message === 'Financial alert')).toHaveLength(9);
  });

  it('a warning does not page on the topic; a malformed message does', async () => {
    // Prepare
    await notifications();
    const warning = alertRecord(critical({ kind: 'RESYNC_FAILED', severity: 'warning' }), 'm-warn');
    const malformed = { messageId: 'm-bad', body: '{"kind":"NOPE"}' } as SQSRecord;

    // Act
    await handler()({ Records: [warning, malformed] }, lambdaContext('financial-alert', 10));

    // Assess
    expect((await notifications()).map((n) => n.Subject)).toEqual(['[critical] MALFORMED']);
  });

  it('alerts whose notification the topic refuses go back to the queue (the others do not)', async () => {
    // Prepare: a topic that does not exist
    const missingTopic = `${resources.onCallTopicArn}-deleted`;
    const records = [alertRecord(critical({ districtId: 'district-x' }), 'm-x1'), alertRecord(critical({}), 'm-x2')];

    // Act
    const response = await handler(missingTopic)({ Records: records }, lambdaContext('financial-alert', 10));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-x1' }, { itemIdentifier: 'm-x2' }] });
    expect(printed).toContainEqual(
      expect.objectContaining({ message: 'On-call notification failed: its alerts go back to the queue' }),
    );
  });
});
