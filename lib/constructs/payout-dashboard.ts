import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { FunctionName } from '#contracts/api-routes.js';
import { FINANCIAL_ALERT_UNDELIVERED_MARKER, METRICS_NAMESPACE, metricNames } from '#contracts/observability.js';
import type { QueueKey } from '#contracts/resources.js';
import { metricsInsightsSum } from './payout-alarms.js';
import type { PayoutApi } from './payout-api.js';
import type { PayoutFunction } from './payout-function.js';
import type { PayoutQueue } from './payout-queues.js';

export interface PayoutDashboardProps {
  readonly dashboardName: string;
  readonly api: PayoutApi;
  readonly queues: Record<QueueKey, PayoutQueue>;
  readonly functions: Record<FunctionName, PayoutFunction>;
  readonly alarms: cloudwatch.IAlarm[];
  readonly undeliveredAlertsMetric: cloudwatch.IMetric;
}

const PERIOD = Duration.minutes(5);
const WIDTH = 12;
const HEIGHT = 6;

/** One page for on-call: webhooks, ledger and payouts, transfers, queues, functions, financial alerts. */
export class PayoutDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PayoutDashboardProps) {
    super(scope, id);
    const { api, queues, functions } = props;
    const custom = (metricName: string, label: string) => metricsInsightsSum(metricName, PERIOD, label);
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT });
    const queueList = Object.values(queues);
    const functionList = Object.values(functions);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      graph('Webhook deliveries (/stripe/webhook)', [
        api.webhookMetric('Count', PERIOD).with({ label: 'requests' }),
        api.webhookMetric('4xx', PERIOD).with({ label: '4xx' }),
        api.webhookMetric('5xx', PERIOD).with({ label: '5xx' }),
      ]),
      graph('Webhook event outcomes', [
        custom(metricNames.webhookEventEnqueued, 'enqueued'),
        custom(metricNames.webhookEventDuplicate, 'duplicate'),
        custom(metricNames.webhookEventIgnored, 'ignored'),
        custom(metricNames.webhookRejected, 'rejected (signature, payload)'),
        custom(metricNames.webhookUnavailable, 'unavailable (5xx, Stripe retries)'),
        custom(metricNames.webhookEventsFailed, 'FAILED'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Ledger rows and payouts by status', [
        custom(metricNames.revenueSharesCreated, 'ledger rows created'),
        custom(metricNames.transfersCreated, 'transfers created'),
        custom(metricNames.payoutsPaid, 'PAID'),
        custom(metricNames.payoutsReversed, 'REVERSED'),
      ]),
      graph(
        'Transfer failures',
        [
          custom(metricNames.transfersFailed, 'transfers failed'),
          functions.transfer.metricErrors({ period: PERIOD, label: 'transfer function errors' }),
          functions['mark-paid'].metricErrors({ period: PERIOD, label: 'mark-paid function errors' }),
        ],
        [
          queues.transfer.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'transfer DLQ',
          }),
        ],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Queue depths (visible messages)',
        queueList.map((q) =>
          q.queue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: q.definition.name,
          }),
        ),
        queueList.map((q) =>
          q.queue.metricApproximateAgeOfOldestMessage({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: `${q.definition.name} oldest (s)`,
          }),
        ),
      ),
      graph(
        'Dead-letter queues (visible messages)',
        queueList.map((q) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: `${q.definition.name} DLQ`,
          }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors and throttles',
        functionList.map((fn) => fn.metricErrors({ period: PERIOD, label: `${fn.functionKey} errors` })),
        functionList.map((fn) => fn.metricThrottles({ period: PERIOD, label: `${fn.functionKey} throttles` })),
      ),
      graph(
        'Function duration (p99, ms)',
        functionList.map((fn) =>
          fn.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.percentile(99), label: fn.functionKey }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Financial alerts (by kind) and undelivered alerts',
        [
          new cloudwatch.MathExpression({
            // Only the by-kind series (dimensions service and kind): the dimensionless total would count twice.
            expression:
              `SELECT SUM(${metricNames.financialAlerts}) ` +
              `FROM SCHEMA(${METRICS_NAMESPACE}, kind, service) GROUP BY kind`,
            usingMetrics: {},
            period: PERIOD,
            label: 'financial alerts',
          }),
        ],
        [props.undeliveredAlertsMetric],
      ),
      new cloudwatch.LogQueryWidget({
        title: `Latest ${FINANCIAL_ALERT_UNDELIVERED_MARKER} lines`,
        logGroupNames: functionList.map((fn) => fn.logGroup.logGroupName),
        queryLines: [
          'fields @timestamp, @log, @message',
          `filter @message like /${FINANCIAL_ALERT_UNDELIVERED_MARKER}/`,
          'sort @timestamp desc',
          'limit 20',
        ],
        width: WIDTH,
        height: HEIGHT,
      }),
    );
  }
}
