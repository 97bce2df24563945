import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import type { FinancialAlert } from '../../domain/model.js';
import { createObservability } from '../../functions/commons/observability.js';
import { composeFinancialAlert } from '../../functions/financial-alert/compose.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { provisionTestResources, type TestResources } from '../support/local-stack.js';
import { unitRuntime } from '../support/unit-runtime.js';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

describe('financial-alert: from the alerts queue to a log line and the FinancialAlerts metric', () => {
  let resources: TestResources;
  let printed: Record<string, unknown>[];

  beforeAll(async () => {
    resources = await provisionTestResources('alerts');
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

  const handler = () =>
    composeFinancialAlert(unitRuntime('financial-alert', createObservability('financial-alert', { logLevel: 'INFO' })));

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
});
