import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '#contracts/api-routes.js';
import { FINANCIAL_ALERT_UNDELIVERED_MARKER, METRICS_NAMESPACE, metricNames } from '#contracts/observability.js';
import type { QueueKey } from '#contracts/resources.js';
import type { OnCallPaging } from './on-call-paging.js';
import type { PayoutApi } from './payout-api.js';
import type { PayoutFunction } from './payout-function.js';
import type { PayoutQueue } from './payout-queues.js';

/** README.md section (anchor) that tells on-call what to do, one per kind of alarm. */
export const runbooks = {
  dlqNotEmpty: 'alarm-dlq-not-empty',
  queueBacklog: 'alarm-queue-backlog',
  financialAlert: 'alarm-financial-alert',
  financialAlertUndelivered: 'alarm-financial-alert-undelivered',
  webhookEventsFailed: 'alarm-webhook-events-failed',
  webhook5xx: 'alarm-webhook-5xx',
  functionErrors: 'alarm-function-errors',
  functionThrottles: 'alarm-function-throttles',
  webhookSignatureRejected: 'alarm-webhook-signature-rejected',
  invoicePaidSilence: 'alarm-invoice-paid-silence',
  webhookEndpointNotEnabled: 'alarm-webhook-endpoint-not-enabled',
  catchUpFoundLostEvents: 'alarm-catch-up-found-lost-events',
  catchUpTruncated: 'alarm-catch-up-truncated',
  reconcileNotRun: 'alarm-reconcile-not-run',
} as const;

/** A dead-lettered message pages again this many days before its queue's retention deletes it. */
export const DLQ_EXPIRY_WARNING_DAYS = 4;

/** Consecutive catch-up check periods (two runs each) that must all be truncated before it pages. */
export const CATCH_UP_TRUNCATED_PERIODS = 2;

/**
 * The daily reconcile's heartbeat: its ReconcileMismatches series (one data point per run, 0 included) is looked at
 * in 6-hour periods, and 5 of them in a row without a data point (30 hours) page. Any 30 hours hold one daily run;
 * a day without one (never invoked, or every attempt failed before publishing) is noticed within about 36 hours.
 */
export const RECONCILE_HEARTBEAT_PERIOD = Duration.hours(6);
export const RECONCILE_HEARTBEAT_PERIODS = 5;

/** A message older than this means its consumer keeps failing or has stopped (healthy ones take seconds). */
export const OLDEST_MESSAGE_AGE_ALARM_SECONDS = 600;

export interface PayoutAlarmsProps {
  readonly alarmNamePrefix: string;
  readonly paging: OnCallPaging;
  readonly queues: Record<QueueKey, PayoutQueue>;
  readonly functions: Record<FunctionName, PayoutFunction>;
  readonly api: PayoutApi;
  /** The alarms that watch for events lost without a 5xx; unset: none (constructs tested on their own). */
  readonly lostEvents?: LostEventAlarmSettings;
}

export interface LostEventAlarmSettings {
  readonly rejectedDeliveriesThreshold: number;
  /** Undefined: the silence alarm is off for this stage. */
  readonly invoicePaidSilenceHours: number | undefined;
  readonly catchUpIntervalMinutes: number;
}

/** Deliveries refused for their signature are counted over this window. */
export const REJECTED_DELIVERIES_PERIOD = Duration.minutes(5);

/** A series published with no dimensions (functions/commons/metrics.ts), as an alarm reads it. */
const dimensionless = (metricName: string, statistic: string, period: Duration): cloudwatch.Metric =>
  new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, statistic, period });

/** Every alarm of the stack; each pages on-call (ALARM and OK) and names its runbook section. */
export class PayoutAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  /** Published by the metric filters on every function log group. */
  readonly undeliveredAlertsMetric: cloudwatch.Metric;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PayoutAlarmsProps,
  ) {
    super(scope, id);
    for (const [key, queue] of Object.entries(props.queues)) this.addQueueAlarms(key, queue);

    this.add('FinancialAlerts', {
      alarmName: 'financial-alert',
      // The dimensionless series the financial-alert function publishes next to the by-kind one.
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: metricNames.financialAlerts,
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(1),
      }),
      threshold: 1,
      runbook: runbooks.financialAlert,
      description:
        'A financial alert was raised: money may be wrong (failed or mismatched transfer, reversal, audit write ' +
        'failure, unroutable invoice) or a row waits for a person (review, retry: reminded daily by reconcile). ' +
        'Read the financial-alert log for its kind and ids, then act on it.',
    });

    this.undeliveredAlertsMetric = this.addUndeliveredAlertFilters();
    this.add('FinancialAlertsUndelivered', {
      alarmName: 'financial-alert-undelivered',
      metric: this.undeliveredAlertsMetric,
      threshold: 1,
      runbook: runbooks.financialAlertUndelivered,
      description:
        `A function logged ${FINANCIAL_ALERT_UNDELIVERED_MARKER}: a financial alert could not even be sent to the ` +
        'alerts queue, so only the log line knows about it. Find the lines across the function log groups ' +
        'and act on each.',
    });

    this.add('WebhookEventsFailed', {
      alarmName: 'webhook-events-failed',
      metric: metricsInsightsSum(metricNames.webhookEventsFailed, Duration.minutes(5)),
      threshold: 1,
      runbook: runbooks.webhookEventsFailed,
      description:
        'A Stripe event was recorded FAILED in the webhook audit log: it was not (fully) processed. List the FAILED ' +
        'events (GET /platform/webhook-events), fix the cause, then replay them (POST /platform/resync).',
    });

    this.add('Webhook5xx', {
      alarmName: 'webhook-5xx',
      metric: props.api.webhookMetric('5xx'),
      threshold: 1,
      runbook: runbooks.webhook5xx,
      description:
        'The Stripe webhook (/stripe/webhook) answered 5xx: Stripe will retry the delivery, but the event is not ' +
        'processed yet. ' +
        'Check the stripe-webhook function errors and log, and the Stripe dashboard webhook attempts.',
    });

    for (const fn of Object.values(props.functions)) this.addFunctionAlarms(fn);
    if (props.lostEvents) this.addLostEventAlarms(props.lostEvents);
  }

  /** Events lost without a 5xx: refused deliveries, silence, a disabled endpoint, what the catch-up found. */
  private addLostEventAlarms(settings: LostEventAlarmSettings): void {
    this.add('WebhookSignatureRejected', {
      alarmName: 'webhook-signature-rejected',
      metric: dimensionless(metricNames.webhookSignatureRejected, cloudwatch.Stats.SUM, REJECTED_DELIVERIES_PERIOD),
      threshold: settings.rejectedDeliveriesThreshold,
      runbook: runbooks.webhookSignatureRejected,
      description:
        `At least ${settings.rejectedDeliveriesThreshold} webhook deliveries in 5 minutes were refused (400) for their ` +
        'Stripe-Signature: most likely a signing-secret rotation gone wrong. Refused events get no audit row; ' +
        'Stripe retries them for 3 days.',
    });

    if (settings.invoicePaidSilenceHours !== undefined) {
      const hours = settings.invoicePaidSilenceHours;
      this.add('InvoicePaidSilence', {
        alarmName: 'invoice-paid-silence',
        metric: dimensionless(metricNames.invoicePaidAccepted, cloudwatch.Stats.SUM, Duration.hours(1)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: hours,
        datapointsToAlarm: hours,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        runbook: runbooks.invoicePaidSilence,
        description:
          `No invoice.paid event was accepted for ${hours} hours: Stripe may not be delivering (endpoint disabled, ` +
          'wrong URL or secret, an outage), or nothing was paid.',
      });
    }

    // Two runs per period: one lost run does not page, a check that stopped (no data) does.
    const checkPeriod = Duration.minutes(settings.catchUpIntervalMinutes * 2);
    this.add('WebhookEndpointNotEnabled', {
      alarmName: 'webhook-endpoint-not-enabled',
      metric: dimensionless(metricNames.webhookEndpointEnabled, cloudwatch.Stats.MINIMUM, checkPeriod),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      runbook: runbooks.webhookEndpointNotEnabled,
      description:
        "This stack's webhook endpoint at Stripe is not enabled (Stripe disabled it after repeated failures, or it is " +
        'missing), or the catch-up could not check it: no event is being delivered.',
    });

    const period = Duration.minutes(settings.catchUpIntervalMinutes);
    this.add('CatchUpFoundLostEvents', {
      alarmName: 'catch-up-found-lost-events',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(undelivered, 0) + FILL(missing, 0)',
        usingMetrics: {
          undelivered: dimensionless(metricNames.catchUpEventsUndelivered, cloudwatch.Stats.SUM, period),
          missing: dimensionless(metricNames.catchUpEventsMissing, cloudwatch.Stats.SUM, period),
        },
        period,
        label: 'Events the audit log did not have',
      }),
      threshold: 1,
      runbook: runbooks.catchUpFoundLostEvents,
      description:
        'The catch-up found events Stripe could not deliver (or never sent) that the audit log did not have, and ' +
        'replayed them. Find out why the webhook did not get them.',
    });

    // Minimum over two runs: every run of the period left work. Missing data is fine here: a catch-up that does not
    // run is the endpoint alarm's (its check publishes nothing then).
    const runs = CATCH_UP_TRUNCATED_PERIODS * 2;
    this.add('CatchUpTruncated', {
      alarmName: 'catch-up-truncated',
      metric: dimensionless(metricNames.catchUpTruncated, cloudwatch.Stats.MINIMUM, checkPeriod),
      threshold: 1,
      evaluationPeriods: CATCH_UP_TRUNCATED_PERIODS,
      datapointsToAlarm: CATCH_UP_TRUNCATED_PERIODS,
      runbook: runbooks.catchUpTruncated,
      description:
        `The catch-up left work for the next run ${runs} runs in a row (${runs * settings.catchUpIntervalMinutes} ` +
        'minutes): more undelivered or missing events than catchUpMaxStripePages x 100, more FAILED or stuck ' +
        'events than it replays per run, Stripe failing, or its time running out. Each run continues where the last ' +
        'stopped, but events wait meanwhile. Read the catch-up log (errors, resync, stripePages).',
    });

    // Maximum over two runs: one run that counts any is enough. Missing data is fine here too (the endpoint alarm's).
    this.add('WebhookEventsNotResynced', {
      alarmName: 'webhook-events-not-resynced',
      metric: dimensionless(metricNames.catchUpEventsNotResynced, cloudwatch.Stats.MAXIMUM, checkPeriod),
      threshold: 1,
      runbook: runbooks.webhookEventsFailed,
      description:
        'Stripe events have been FAILED (or stuck RECEIVED) for over 30 days, longer than the catch-up re-syncs: ' +
        'nothing replays them or pages about them any more, and Stripe no longer has them (their copy is on the ' +
        'audit row). The alarm stays on while any is open. List them with events list --status FAILED --since a ' +
        'date before the oldest, fix the cause, then resync --since that date.',
    });

    this.add('ReconcileNotRun', {
      alarmName: 'reconcile-not-run',
      metric: dimensionless(metricNames.reconcileMismatches, cloudwatch.Stats.SAMPLE_COUNT, RECONCILE_HEARTBEAT_PERIOD),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: RECONCILE_HEARTBEAT_PERIODS,
      datapointsToAlarm: RECONCILE_HEARTBEAT_PERIODS,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      runbook: runbooks.reconcileNotRun,
      description:
        `The daily reconcile published no result for ${RECONCILE_HEARTBEAT_PERIODS * RECONCILE_HEARTBEAT_PERIOD.toHours()} ` +
        'hours: its schedule did not invoke it (rule disabled or deleted) or every attempt failed. A day is not ' +
        'reconciled: check the ReconcileSchedule rule and the reconcile log, then run npm run ops -- reconcile --date ' +
        'for each day missed.',
    });
  }

  private addQueueAlarms(key: string, queue: PayoutQueue): void {
    const name = queue.definition.name;
    const id = key.charAt(0).toUpperCase() + key.slice(1);
    this.add(`${id}DeadLetterQueue`, {
      alarmName: `dlq-not-empty-${name}`,
      metric: queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      runbook: runbooks.dlqNotEmpty,
      description:
        `The ${name} dead-letter queue is not empty: a message failed ${queue.definition.maxReceiveCount} times ` +
        'and is no longer processed, so money may be stuck. Read the consumer log for its error, fix it, then redrive.',
    });
    const retentionDays = queue.definition.dlqRetentionDays;
    const expiringAfterDays = retentionDays - DLQ_EXPIRY_WARNING_DAYS;
    this.add(`${id}DeadLetterExpiring`, {
      alarmName: `dlq-expiring-${name}`,
      metric: queue.deadLetterQueue.metricApproximateAgeOfOldestMessage({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      }),
      threshold: Duration.days(expiringAfterDays).toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      runbook: runbooks.dlqNotEmpty,
      description:
        `A message has been in the ${name} dead-letter queue for over ${expiringAfterDays} days: SQS deletes it at ` +
        `${retentionDays}, and nothing else would name its work again (a transfer or mark-paid message leaves its row ` +
        'PENDING). The dlq-not-empty alarm paged once when it arrived; re-drive it now.',
    });
    this.add(`${id}OldestMessage`, {
      alarmName: `queue-backlog-${name}`,
      metric: queue.queue.metricApproximateAgeOfOldestMessage({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(5),
      }),
      threshold: OLDEST_MESSAGE_AGE_ALARM_SECONDS,
      runbook: runbooks.queueBacklog,
      description:
        `The oldest message in the ${name} queue is over ${OLDEST_MESSAGE_AGE_ALARM_SECONDS / 60} minutes old: ` +
        'its consumer keeps failing or is throttled, and the message heads for the dead-letter queue.',
    });
  }

  private addFunctionAlarms(fn: PayoutFunction): void {
    const period = Duration.minutes(5);
    this.add(`${fn.node.id}Errors`, {
      alarmName: `function-errors-${fn.functionKey}`,
      metric: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period }),
      threshold: 1,
      runbook: runbooks.functionErrors,
      description:
        `The ${fn.functionKey} function failed (error or timeout). Its work is retried (queue or Stripe) but may ` +
        'end in a dead-letter queue or a FAILED event. Read its log for the error.',
    });
    this.add(`${fn.node.id}Throttles`, {
      alarmName: `function-throttles-${fn.functionKey}`,
      metric: fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, period }),
      threshold: 1,
      runbook: runbooks.functionThrottles,
      description:
        `The ${fn.functionKey} function was throttled: requests were refused for lack of concurrency ` +
        '(reserved or account limit). Check the account concurrency and the queue backlog.',
    });
  }

  /** Every function log group counts the lines carrying the marker into one metric. */
  private addUndeliveredAlertFilters(): cloudwatch.Metric {
    let filter: logs.MetricFilter | undefined;
    for (const fn of Object.values(this.props.functions)) {
      filter = new logs.MetricFilter(this, `${fn.node.id}UndeliveredAlerts`, {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.allTerms(FINANCIAL_ALERT_UNDELIVERED_MARKER),
        metricNamespace: METRICS_NAMESPACE,
        metricName: metricNames.financialAlertsUndelivered,
        metricValue: '1',
      });
    }
    if (!filter) throw new Error('No function log group to watch for undelivered financial alerts');
    return filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1) });
  }

  private add(
    id: string,
    spec: {
      alarmName: string;
      metric: cloudwatch.IMetric;
      threshold: number;
      comparisonOperator?: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      treatMissingData?: cloudwatch.TreatMissingData;
      runbook: string;
      description: string;
    },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${this.props.alarmNamePrefix}-${spec.alarmName}`,
      alarmDescription: `${spec.description} Runbook: README.md#${spec.runbook}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      ...(spec.datapointsToAlarm === undefined ? {} : { datapointsToAlarm: spec.datapointsToAlarm }),
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(this.props.paging.page(alarm));
  }
}

/**
 * The sum of a custom metric over every dimension set the functions publish it with. A Metrics Insights
 * query, so an alarm does not depend on the dimensions (service, kind, ...) a function attaches.
 */
export function metricsInsightsSum(metricName: string, period: Duration, label?: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SELECT SUM(${metricName}) FROM ${METRICS_NAMESPACE}`,
    usingMetrics: {},
    period,
    label: label ?? metricName,
  });
}
