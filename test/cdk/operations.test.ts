import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '#contracts/api-routes.js';
import { FINANCIAL_ALERT_UNDELIVERED_MARKER } from '#contracts/observability.js';
import { type QueueKey, queues } from '#contracts/resources.js';
import { OnCallPaging } from '../../lib/constructs/on-call-paging.js';
import { OLDEST_MESSAGE_AGE_ALARM_SECONDS } from '../../lib/constructs/payout-alarms.js';
import type { DistrictPayoutsStack } from '../../lib/district-payouts-stack.js';
import { exampleContext, logicalIdOf, synthesize } from './support/synth.js';

type Properties = Record<string, unknown>;

let stack: DistrictPayoutsStack;
let template: Template;
let alarms: Properties[];
let topicRef: { Ref: string };

beforeAll(() => {
  // Prepare
  ({ stack, template } = synthesize());
  alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
  topicRef = { Ref: logicalIdOf(stack, stack.paging.topic) };
});

const functionNames: FunctionName[] = [
  'stripe-webhook',
  'revenue-share',
  'transfer',
  'mark-paid',
  'financial-alert',
  'platform-api',
  'resync',
];
const queueKeys = Object.keys(queues) as QueueKey[];

const alarmNamed = (suffix: string): Properties => {
  const alarm = alarms.find((candidate) => candidate.AlarmName === `district-payouts-dev-${suffix}`);
  if (!alarm) throw new Error(`no alarm named ...-${suffix}`);
  return alarm;
};

describe('on-call paging', () => {
  it('subscribes the alert e-mail of the context to an encrypted, TLS-only topic', () => {
    // Assess
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: exampleContext().alertEmail,
      TopicArn: topicRef,
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OnCallTopicKey'), 'Arn'] },
    });
    const topicPolicy = JSON.stringify(template.findResources('AWS::SNS::TopicPolicy'));
    expect(topicPolicy).toContain('"aws:SecureTransport":"false"');
    expect(topicPolicy).toContain('cloudwatch.amazonaws.com');
  });

  it('lets CloudWatch use the topic key (alarms cannot publish to a topic they cannot encrypt for)', () => {
    // Act
    const keyPolicy = JSON.stringify(Object.values(template.findResources('AWS::KMS::Key'))[0]?.Properties.KeyPolicy);

    // Assess
    expect(keyPolicy).toContain('cloudwatch.amazonaws.com');
    expect(keyPolicy).toContain('kms:GenerateDataKey*');
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('adds an HTTPS subscription when the context names a paging endpoint', () => {
    // Prepare
    const pagingStack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Paging');

    // Act
    new OnCallPaging(pagingStack, 'OnCall', {
      alertEmail: 'oncall@example.com',
      alertHttpsUrl: 'https://events.pager.example/integration/abc',
    });

    // Assess
    Template.fromStack(pagingStack).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://events.pager.example/integration/abc',
    });
  });
});

describe('alarms', () => {
  it('there is one per DLQ, per queue backlog, per function errors and throttles, and four for money', () => {
    // Assess
    expect(alarms).toHaveLength(queueKeys.length * 2 + functionNames.length * 2 + 4);
  });

  it('every alarm pages on-call when it fires and again when it recovers', () => {
    // Assess
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([topicRef]);
      expect(alarm.OKActions).toEqual([topicRef]);
    }
  });

  it('every alarm says what it means and names its README runbook section', () => {
    // Assess
    for (const alarm of alarms) {
      expect(alarm.AlarmDescription).toMatch(/^.{40,}Runbook: README\.md#alarm-[a-z0-9-]+$/s);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it.each(queueKeys)('the %s DLQ alarms as soon as one message is visible', (key) => {
    // Act
    const alarm = alarmNamed(`dlq-not-empty-${queues[key].name}`);

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(stack, stack.queues.all[key].deadLetterQueue), 'QueueName'] },
        },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    expect(alarm.AlarmDescription).toContain('README.md#alarm-dlq-not-empty');
  });

  it.each(queueKeys)('the %s queue alarms when its oldest message waits too long', (key) => {
    // Act
    const alarm = alarmNamed(`queue-backlog-${queues[key].name}`);

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(stack, stack.queues.all[key].queue), 'QueueName'] } },
      ],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: OLDEST_MESSAGE_AGE_ALARM_SECONDS,
    });
  });

  it('a single financial alert pages (the dimensionless FinancialAlerts series)', () => {
    // Assess
    expect(alarmNamed('financial-alert')).toMatchObject({
      Namespace: 'DistrictPayouts',
      MetricName: 'FinancialAlerts',
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
    expect(alarmNamed('financial-alert').Dimensions).toBeUndefined();
  });

  it('a single FAILED audit row pages, whatever dimensions the functions publish it with', () => {
    // Act
    const alarm = alarmNamed('webhook-events-failed');

    // Assess
    expect(alarm.Metrics).toEqual([
      expect.objectContaining({ Expression: 'SELECT SUM(WebhookEventsFailed) FROM DistrictPayouts', ReturnData: true }),
    ]);
    expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
  });

  it('a 5xx answer of the webhook pages', () => {
    // Act
    const alarm = alarmNamed('webhook-5xx');
    const expression = (alarm.Metrics as { Expression: string }[])[0]?.Expression;

    // Assess
    expect(expression).toContain('SUM("5XXError")');
    expect(expression).toContain("ApiName = 'district-payouts-dev'");
    expect(expression).toContain("Resource = '/stripe/webhook'");
    expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
  });

  it.each(functionNames)('%s alarms on any error and any throttle', (fn) => {
    // Act
    const functionDimension = [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(stack, stack.functions.all[fn]) } }];

    // Assess
    for (const [suffix, metricName] of [
      ['errors', 'Errors'],
      ['throttles', 'Throttles'],
    ] as const) {
      expect(alarmNamed(`function-${suffix}-${fn}`)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: functionDimension,
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      });
    }
  });

  it.each(functionNames)(`%s log group counts ${FINANCIAL_ALERT_UNDELIVERED_MARKER} lines`, (fn) => {
    // Assess
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalIdOf(stack, stack.functions.all[fn].logGroup) },
      FilterPattern: `"${FINANCIAL_ALERT_UNDELIVERED_MARKER}"`,
      MetricTransformations: [
        { MetricNamespace: 'DistrictPayouts', MetricName: 'FinancialAlertsUndelivered', MetricValue: '1' },
      ],
    });
  });

  it('a single undelivered financial alert pages, on its own alarm', () => {
    // Assess
    expect(alarmNamed('financial-alert-undelivered')).toMatchObject({
      Namespace: 'DistrictPayouts',
      MetricName: 'FinancialAlertsUndelivered',
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });
});

describe('dashboard', () => {
  let body: string;

  beforeAll(() => {
    // Prepare
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
  });

  it.each([
    'Webhook deliveries',
    'Webhook event outcomes',
    'Ledger rows and payouts by status',
    'Transfer failures',
    'Queue depths',
    'Dead-letter queues',
    'Function errors and throttles',
    'Function duration',
    'Financial alerts',
  ])('shows "%s"', (title) => {
    // Assess
    expect(body).toContain(title);
  });

  it('shows the state of every alarm', () => {
    // Assess
    for (const logicalId of Object.keys(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(body).toContain(`"${logicalId}"`);
    }
  });

  it('graphs every queue and dead-letter queue, and every function', () => {
    // Assess
    for (const queue of Object.values(stack.queues.all)) {
      expect(body).toContain(`"${logicalIdOf(stack, queue.queue)}"`);
      expect(body).toContain(`"${logicalIdOf(stack, queue.deadLetterQueue)}"`);
    }
    for (const fn of Object.values(stack.functions.all)) expect(body).toContain(`"${logicalIdOf(stack, fn)}"`);
  });
});

describe('outputs', () => {
  let outputs: Record<string, { Value: unknown }>;

  beforeAll(() => {
    // Prepare
    outputs = template.toJSON().Outputs;
  });

  it('give the webhook URL to register at Stripe and the platform API URL', () => {
    // Assess
    expect(JSON.stringify(outputs.WebhookUrl?.Value)).toMatch(/\/stripe\/webhook"\]\]\}$/);
    expect(JSON.stringify(outputs.PlatformApiUrl?.Value)).toMatch(/\/platform"\]\]\}$/);
  });

  it('name every table', () => {
    // Assess
    expect(outputs.WebhookAuditLogTableName?.Value).toEqual({ Ref: logicalIdOf(stack, stack.tables.auditLog.table) });
    expect(outputs.RevenueSharesTableName?.Value).toEqual({ Ref: logicalIdOf(stack, stack.tables.ledger.table) });
    expect(outputs.DistrictsTableName?.Value).toEqual({ Ref: logicalIdOf(stack, stack.tables.districts.table) });
  });

  it('give the URL of every queue and dead-letter queue', () => {
    // Assess
    for (const [id, queue] of [
      ['RevenueShare', stack.queues.revenueShare],
      ['Transfer', stack.queues.transfer],
      ['MarkPaid', stack.queues.markPaid],
      ['FinancialAlerts', stack.queues.alerts],
    ] as const) {
      expect(outputs[`${id}QueueUrl`]?.Value).toEqual({ Ref: logicalIdOf(stack, queue.queue) });
      expect(outputs[`${id}DeadLetterQueueUrl`]?.Value).toEqual({ Ref: logicalIdOf(stack, queue.deadLetterQueue) });
    }
  });

  it('name the on-call topic and the dashboard', () => {
    // Assess
    expect(outputs.OnCallTopicArn?.Value).toEqual(topicRef);
    expect(outputs.DashboardName?.Value).toEqual({ Ref: logicalIdOf(stack, stack.dashboard.dashboard) });
  });
});
