import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { env } from '#contracts/environment.js';
import { catchUpDefaults } from '#contracts/operations.js';
import type { StackConfig } from '../config.js';

export interface ScheduledWorkProps {
  readonly catchUp: lambda.Function;
  readonly settings: StackConfig['catchUp'];
  /** The daily reconcile of the previous UTC day, and when it runs. */
  readonly reconcile: lambda.Function;
  readonly reconcileTime: StackConfig['reconcile'];
  /** The webhook's URL, by which the catch-up finds this stack's endpoint at Stripe when no id is configured. */
  readonly webhookUrl: string;
}

/**
 * The work nobody has to remember: the catch-up on a fixed rate (EventBridge rule), told its bounds through its
 * environment. A missed or failed run is harmless: the next one does the same work (it is idempotent). And the daily
 * reconcile at a fixed UTC time (cron), of the UTC day before the schedule's time (the event's `time`, which a
 * retry keeps, so a retry after midnight still reconciles the same day).
 */
export class ScheduledWork extends Construct {
  readonly catchUpRule: events.Rule;
  readonly reconcileRule: events.Rule;

  constructor(scope: Construct, id: string, props: ScheduledWorkProps) {
    super(scope, id);
    const { catchUp, settings } = props;
    const environment: Record<string, string> = {
      [env.catchUpLookbackHours]: String(settings.lookbackHours),
      [env.catchUpUndeliveredLookbackHours]: String(catchUpDefaults.undeliveredLookbackHours),
      [env.catchUpSettleSeconds]: String(catchUpDefaults.settleSeconds),
      [env.catchUpMaxStripePages]: String(settings.maxStripePages),
      [env.catchUpMaxReplays]: String(catchUpDefaults.maxReplays),
      [env.webhookUrl]: props.webhookUrl,
      ...(settings.stripeWebhookEndpointId ? { [env.stripeWebhookEndpointId]: settings.stripeWebhookEndpointId } : {}),
    };
    for (const [name, value] of Object.entries(environment)) catchUp.addEnvironment(name, value);

    this.catchUpRule = new events.Rule(this, 'CatchUpSchedule', {
      description: `Runs the catch-up every ${settings.intervalMinutes} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(settings.intervalMinutes)),
      targets: [
        new targets.LambdaFunction(catchUp, {
          // A run that waited longer than one interval is superseded by the next one.
          maxEventAge: Duration.minutes(settings.intervalMinutes),
          retryAttempts: 1,
        }),
      ],
    });

    const { hourUtc, minuteUtc } = props.reconcileTime;
    const time = `${String(hourUtc).padStart(2, '0')}:${String(minuteUtc).padStart(2, '0')}`;
    this.reconcileRule = new events.Rule(this, 'ReconcileSchedule', {
      description: `Reconciles the previous UTC day every day at ${time} UTC`,
      // EventBridge cron expressions are in UTC.
      schedule: events.Schedule.cron({ minute: String(minuteUtc), hour: String(hourUtc) }),
      targets: [
        new targets.LambdaFunction(props.reconcile, {
          // Past this, a person reconciles the day by hand (npm run ops -- reconcile --date ...).
          maxEventAge: Duration.hours(6),
          retryAttempts: 1,
        }),
      ],
    });

    // The targets' retry policies cover EventBridge handing the event to Lambda. A run that fails is retried by
    // Lambda's asynchronous invocation (twice by default, for up to 6 hours): each run once, the catch-up within
    // one interval (a short lookback may not cover a failed run's window from the next one; claims make an overlap
    // harmless), the reconcile within the same 6 hours.
    catchUp.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.minutes(settings.intervalMinutes) });
    props.reconcile.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.hours(6) });
  }
}
