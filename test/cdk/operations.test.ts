import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '#contracts/api-routes.js';
import { FINANCIAL_ALERT_UNDELIVERED_MARKER } from '#contracts/observability.js';
import { alarmDefaults, catchUpDefaults } from '#contracts/operations.js';
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
  'catch-up',
  'reconcile',
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
  it('there are two per DLQ (a message in it, a message about to expire), one per queue backlog, per function errors and throttles, four for money, four for lost events, three for the scheduled work', () => {
    // Assess
    expect(alarms).toHaveLength(queueKeys.length * 3 + functionNames.length * 2 + 4 + 4 + 3);
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
    }
  });

  it('every alarm but the three that watch for silence treats missing data as fine', () => {
    // Assess
    for (const alarm of alarms) {
      const silence = [
        'district-payouts-dev-invoice-paid-silence',
        'district-payouts-dev-webhook-endpoint-not-enabled',
        'district-payouts-dev-reconcile-not-run',
      ].includes(alarm.AlarmName as string);
      expect(alarm.TreatMissingData).toBe(silence ? 'breaching' : 'notBreaching');
    }
  });

  it('every runbook section an alarm names exists in the README', () => {
    // Prepare
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

    // Assess
    for (const alarm of alarms) {
      const anchor = /README\.md#(alarm-[a-z0-9-]+)$/.exec(alarm.AlarmDescription as string)?.[1];
      expect(readme).toContain(`<a id="${anchor}"></a>`);
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

  it.each(queueKeys)('the %s DLQ pages again 4 days before SQS would delete a dead-lettered message', (key) => {
    // Act
    const alarm = alarmNamed(`dlq-expiring-${queues[key].name}`);

    // Assess: the first page fires once, on arrival; the message (and the row it names) is gone at 14 days
    expect(queues[key].dlqRetentionDays).toBe(14);
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(stack, stack.queues.all[key].deadLetterQueue), 'QueueName'] },
        },
      ],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 10 * 86_400,
      EvaluationPeriods: 1,
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

  it("a 5xx answer of the webhook route pages (the HTTP API's per-route 5xx, any method)", () => {
    // Act
    const alarm = alarmNamed('webhook-5xx');
    const expression = (alarm.Metrics as { Expression: unknown }[])[0]?.Expression;

    // Assess
    expect(expression).toEqual({
      'Fn::Join': [
        '',
        [
          'SELECT SUM("5xx") FROM SCHEMA("AWS/ApiGateway", ApiId, Method, Resource, Stage) WHERE ApiId = \'',
          { Ref: logicalIdOf(stack, stack.api.api) },
          "' AND Stage = 'v1' AND Resource = '/stripe/webhook'",
        ],
      ],
    });
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

describe('lost events: rejected deliveries, silence, the endpoint at Stripe, the catch-up', () => {
  it('a burst of deliveries refused for their signature pages: 5 in 5 minutes by default', () => {
    // Assess
    expect(alarmNamed('webhook-signature-rejected')).toMatchObject({
      Namespace: 'DistrictPayouts',
      MetricName: 'WebhookSignatureRejected',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: alarmDefaults.rejectedDeliveriesThreshold,
    });
    expect(alarmNamed('webhook-signature-rejected').Dimensions).toBeUndefined();
  });

  it('no invoice.paid accepted for 24 hours pages, and no data at all counts as silence', () => {
    // Assess
    expect(alarmNamed('invoice-paid-silence')).toMatchObject({
      Namespace: 'DistrictPayouts',
      MetricName: 'InvoicePaidAccepted',
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 24,
      DatapointsToAlarm: 24,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it('the stripe webhook endpoint not enabled (or not checked) pages within two catch-up runs', () => {
    // Assess
    expect(alarmNamed('webhook-endpoint-not-enabled')).toMatchObject({
      Namespace: 'DistrictPayouts',
      MetricName: 'WebhookEndpointEnabled',
      Statistic: 'Minimum',
      Period: 2 * catchUpDefaults.intervalMinutes * 60,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it('any event the catch-up found that the audit log did not have pages', () => {
    // Act
    const alarm = alarmNamed('catch-up-found-lost-events');
    const metrics = alarm.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string } };
    }[];

    // Assess
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe('FILL(undelivered, 0) + FILL(missing, 0)');
    expect(
      metrics
        .map((metric) => metric.MetricStat?.Metric.MetricName)
        .filter(Boolean)
        .sort(),
    ).toEqual(['CatchUpEventsMissing', 'CatchUpEventsUndelivered']);
    expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
  });

  it('a catch-up that leaves work for the next run four runs in a row pages (an hour by default)', () => {
    // Assess
    expect(alarmNamed('catch-up-truncated')).toMatchObject({
      Namespace: 'DistrictPayouts',
      MetricName: 'CatchUpTruncated',
      Statistic: 'Minimum',
      Period: 2 * catchUpDefaults.intervalMinutes * 60,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarmNamed('catch-up-truncated').Dimensions).toBeUndefined();
  });

  it('any event open longer than the catch-up re-syncs (30 days) pages, for as long as it stays open', () => {
    // Act
    const alarm = alarmNamed('webhook-events-not-resynced');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'DistrictPayouts',
      MetricName: 'CatchUpEventsNotResynced',
      Statistic: 'Maximum',
      Period: 2 * catchUpDefaults.intervalMinutes * 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Dimensions).toBeUndefined();
    expect(alarm.AlarmDescription).toMatch(/Runbook: README\.md#alarm-webhook-events-failed$/);
  });

  it('a daily reconcile that published nothing for 30 hours pages, and no data at all counts as not run', () => {
    // Assess
    expect(alarmNamed('reconcile-not-run')).toMatchObject({
      Namespace: 'DistrictPayouts',
      MetricName: 'ReconcileMismatches',
      Statistic: 'SampleCount',
      Period: 6 * 3600,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    expect(alarmNamed('reconcile-not-run').Dimensions).toBeUndefined();
  });

  it('the catch-up runs every 15 minutes by default', () => {
    // Act
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((rule) => rule.Properties);
    const catchUpRule = rules.find((rule) =>
      JSON.stringify(rule.Targets).includes(logicalIdOf(stack, stack.functions.catchUp)),
    );

    // Assess
    expect(catchUpRule).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
    // A failed run is retried once, within one interval
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(stack, stack.functions.catchUp) },
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 15 * 60,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalIdOf(stack, stack.functions.catchUp), 'Arn'] },
    });
  });

  it('the reconcile runs daily at 02:30 UTC by default, invoked by EventBridge, retried once', () => {
    // Act
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((rule) => rule.Properties);
    const reconcileRule = rules.find((rule) =>
      JSON.stringify(rule.Targets).includes(logicalIdOf(stack, stack.functions.reconcile)),
    );

    // Assess
    expect(reconcileRule).toMatchObject({ ScheduleExpression: 'cron(30 2 * * ? *)', State: 'ENABLED' });
    expect(reconcileRule?.Targets).toEqual([
      expect.objectContaining({ RetryPolicy: { MaximumEventAgeInSeconds: 6 * 3600, MaximumRetryAttempts: 1 } }),
    ]);
    // The rule's policy covers delivering the event; a run that fails is retried by Lambda, once
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(stack, stack.functions.reconcile) },
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 6 * 3600,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalIdOf(stack, stack.functions.reconcile), 'Arn'] },
    });
  });

  it('context reconcileScheduleUtc sets the time of day', () => {
    // Act
    const custom = synthesize({ context: { ...exampleContext(), reconcileScheduleUtc: '06:05' } });

    // Assess
    custom.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(5 6 * * ? *)' });
  });

  it('context sets the interval, the thresholds, turns the silence alarm off and names the endpoint', () => {
    // Act
    const custom = synthesize({
      context: {
        ...exampleContext(),
        catchUpIntervalMinutes: '30',
        rejectedDeliveriesThreshold: 20,
        invoicePaidSilenceHours: 'off',
        stripeWebhookEndpointId: 'we_123abc',
      },
    });
    const customAlarms = Object.values(custom.template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
    const named = (suffix: string) =>
      customAlarms.find((alarm) => alarm.AlarmName === `district-payouts-dev-${suffix}`);

    // Assess
    custom.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(30 minutes)' });
    expect(named('webhook-signature-rejected')).toMatchObject({ Threshold: 20 });
    expect(named('invoice-paid-silence')).toBeUndefined();
    expect(named('webhook-endpoint-not-enabled')).toMatchObject({ Period: 3600 });
    const catchUp = custom.template.toJSON().Resources[logicalIdOf(custom.stack, custom.stack.functions.catchUp)];
    expect(catchUp.Properties.Environment.Variables.STRIPE_WEBHOOK_ENDPOINT_ID).toBe('we_123abc');
  });

  it.each([
    ['catchUpIntervalMinutes', 2],
    ['catchUpIntervalMinutes', 'often'],
    ['catchUpLookbackHours', 0],
    ['catchUpMaxStripePages', 101],
    ['rejectedDeliveriesThreshold', 0],
    ['invoicePaidSilenceHours', 25],
    ['invoicePaidSilenceHours', 'never'],
    ['stripeWebhookEndpointId', 'whsec_123'],
    ['reconcileScheduleUtc', '24:00'],
    ['reconcileScheduleUtc', '6:00'],
    ['reconcileScheduleUtc', 6],
  ])('refuses context %s = %j, naming the key', (key, value) => {
    // Assess
    expect(() => synthesize({ context: { ...exampleContext(), [key]: value } })).toThrow(
      new RegExp(`Invalid CDK context value "${key}"`),
    );
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

  it("graphs the webhook route's requests, 4xx and 5xx (HTTP API metric names)", () => {
    // Assess
    for (const metric of ['Count', '4xx', '5xx']) {
      // The dashboard body is JSON inside JSON: the quotes around names arrive escaped.
      expect(body).toMatch(
        new RegExp(
          String.raw`SELECT SUM\(\W+${metric}\W+\) FROM SCHEMA\(\W+AWS/ApiGateway\W+, ApiId, Method, Resource, Stage\)`,
        ),
      );
    }
    expect(body).not.toContain('XXError');
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
