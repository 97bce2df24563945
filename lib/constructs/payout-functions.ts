import { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '#contracts/api-routes.js';
import { queues } from '#contracts/resources.js';
import { type StripeCallingWorker, stripeWorkerConcurrency } from '../stripe-budget.js';
import { PayoutFunction } from './payout-function.js';

/** Every function with its sizing; what each may touch is wired by the stack. */
export class PayoutFunctions extends Construct {
  readonly stripeWebhook: PayoutFunction;
  readonly revenueShare: PayoutFunction;
  readonly transfer: PayoutFunction;
  readonly markPaid: PayoutFunction;
  readonly financialAlert: PayoutFunction;
  readonly platformApi: PayoutFunction;
  readonly resync: PayoutFunction;
  readonly catchUp: PayoutFunction;
  readonly reconcile: PayoutFunction;

  /**
   * Where money moves, concurrency is capped: it bounds parallel Stripe calls (lib/stripe-budget.ts) and parallel
   * ledger writers, and it guarantees these functions capacity when the account is busy. The queue pollers are
   * capped to the same number so SQS never throttles them.
   */
  readonly reservedConcurrency: Record<StripeCallingWorker, number>;

  constructor(
    scope: Construct,
    id: string,
    props: { readonly logRetention: RetentionDays; readonly stripeRequestsPerSecond: number },
  ) {
    super(scope, id);
    const { logRetention } = props;
    const reservedConcurrency = stripeWorkerConcurrency(props.stripeRequestsPerSecond);
    this.reservedConcurrency = reservedConcurrency;
    this.stripeWebhook = new PayoutFunction(this, 'StripeWebhook', {
      name: 'stripe-webhook',
      description: 'Verifies, records and enqueues Stripe webhook events',
      // Well under API Gateway's 29 s: a slow answer is a failed delivery to Stripe, which then retries.
      timeout: Duration.seconds(10),
      memorySize: 512,
      logRetention,
    });
    this.revenueShare = new PayoutFunction(this, 'RevenueShare', {
      name: 'revenue-share',
      description: 'Writes the revenue-share ledger row of a paid invoice and queues its transfer',
      timeout: Duration.seconds(queues.revenueShare.consumerTimeoutSeconds),
      memorySize: 512,
      reservedConcurrentExecutions: reservedConcurrency['revenue-share'],
      logRetention,
    });
    this.transfer = new PayoutFunction(this, 'Transfer', {
      name: 'transfer',
      description: 'Creates the Stripe Connect transfer of a ledger row (idempotency key from the row)',
      timeout: Duration.seconds(queues.transfer.consumerTimeoutSeconds),
      memorySize: 512,
      reservedConcurrentExecutions: reservedConcurrency.transfer,
      logRetention,
    });
    this.markPaid = new PayoutFunction(this, 'MarkPaid', {
      name: 'mark-paid',
      description: 'Verifies a transfer at Stripe, then marks its ledger row PAID',
      timeout: Duration.seconds(queues.markPaid.consumerTimeoutSeconds),
      memorySize: 512,
      reservedConcurrentExecutions: reservedConcurrency['mark-paid'],
      logRetention,
    });
    this.financialAlert = new PayoutFunction(this, 'FinancialAlert', {
      name: 'financial-alert',
      description: 'Logs each financial alert and publishes the FinancialAlerts metric that pages on-call',
      timeout: Duration.seconds(queues.alerts.consumerTimeoutSeconds),
      memorySize: 256,
      logRetention,
    });
    this.platformApi = new PayoutFunction(this, 'PlatformApi', {
      name: 'platform-api',
      description: 'Platform team API: districts, ledger, webhook events, payout retry and mark-paid, resync',
      timeout: Duration.seconds(20),
      memorySize: 512,
      logRetention,
    });
    this.resync = new PayoutFunction(this, 'Resync', {
      name: 'resync',
      description: 'Fetches FAILED webhook events again from Stripe and replays them (POST /platform/resync)',
      // Served by API Gateway, which gives up after 29 s: stop before it, so no work outlives the answer.
      timeout: Duration.seconds(28),
      memorySize: 512,
      logRetention,
    });
    this.catchUp = new PayoutFunction(this, 'CatchUp', {
      name: 'catch-up',
      description:
        'Scheduled: replays FAILED and stuck events and the events Stripe could not deliver; checks the webhook endpoint',
      // It stops starting work 30 s before this; the next run (15 minutes later by default) continues.
      timeout: Duration.minutes(5),
      memorySize: 512,
      logRetention,
    });
    this.reconcile = new PayoutFunction(this, 'Reconcile', {
      name: 'reconcile',
      description:
        "Scheduled daily: the previous UTC day's three-way match (paid invoices, ledger rows, transfers); alerts per mismatch kind",
      // Lists 90 days of paid invoices and a week of transfers at Stripe; a failed run is retried once (scheduled-work.ts).
      timeout: Duration.minutes(10),
      memorySize: 1024,
      logRetention,
    });
  }

  get all(): Record<FunctionName, PayoutFunction> {
    return {
      'stripe-webhook': this.stripeWebhook,
      'revenue-share': this.revenueShare,
      transfer: this.transfer,
      'mark-paid': this.markPaid,
      'financial-alert': this.financialAlert,
      'platform-api': this.platformApi,
      resync: this.resync,
      'catch-up': this.catchUp,
      reconcile: this.reconcile,
    };
  }
}
