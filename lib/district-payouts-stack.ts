import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.js';
import { OnCallPaging } from './constructs/on-call-paging.js';
import { PayoutAlarms } from './constructs/payout-alarms.js';
import { PayoutApi } from './constructs/payout-api.js';
import { PayoutDashboard } from './constructs/payout-dashboard.js';
import { PayoutFunctions } from './constructs/payout-functions.js';
import { PayoutQueues } from './constructs/payout-queues.js';
import { PayoutTables } from './constructs/payout-tables.js';
import { ScheduledWork } from './constructs/scheduled-work.js';
import { StripeSecrets } from './constructs/stripe-secrets.js';

export interface DistrictPayoutsStackProps extends StackProps {
  readonly config: StackConfig;
}

/**
 * Stripe webhooks in, district revenue-share payouts out. Each function gets exactly the tables, queues
 * and secrets it uses; every grant also sets the environment variable that names the resource.
 */
export class DistrictPayoutsStack extends Stack {
  readonly tables: PayoutTables;
  readonly queues: PayoutQueues;
  readonly secrets: StripeSecrets;
  readonly functions: PayoutFunctions;
  readonly api: PayoutApi;
  readonly paging: OnCallPaging;
  readonly alarms: PayoutAlarms;
  readonly dashboard: PayoutDashboard;
  readonly scheduled: ScheduledWork;

  constructor(scope: Construct, id: string, props: DistrictPayoutsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const namePrefix = `district-payouts-${config.stage}`;

    this.tables = new PayoutTables(this, 'Tables');
    this.queues = new PayoutQueues(this, 'Queues', { namePrefix });
    this.secrets = new StripeSecrets(this, 'StripeSecrets', {
      apiKeySecretName: config.stripeApiKeySecretName,
      webhookSecretName: config.stripeWebhookSecretName,
    });
    this.functions = new PayoutFunctions(this, 'Functions', {
      logRetention: config.logRetentionDays,
      stripeRequestsPerSecond: config.stripeRequestsPerSecond,
    });
    this.grantEachFunctionWhatItUses();

    this.api = new PayoutApi(this, 'Api', {
      apiName: namePrefix,
      handlers: this.functions.all,
      logRetention: config.logRetentionDays,
    });
    this.paging = new OnCallPaging(this, 'OnCall', {
      alertEmail: config.alertEmail,
      ...(config.alertHttpsUrl === undefined ? {} : { alertHttpsUrl: config.alertHttpsUrl }),
    });
    // Every critical financial alert is published to on-call on its own (not only the first of an alarm period).
    this.paging.grantPublish(this.functions.financialAlert);
    this.scheduled = new ScheduledWork(this, 'Scheduled', {
      catchUp: this.functions.catchUp,
      settings: config.catchUp,
      reconcile: this.functions.reconcile,
      reconcileTime: config.reconcile,
      webhookUrl: this.api.webhookUrl,
    });
    this.alarms = new PayoutAlarms(this, 'Alarms', {
      alarmNamePrefix: namePrefix,
      paging: this.paging,
      queues: this.queues.all,
      functions: this.functions.all,
      api: this.api,
      lostEvents: {
        rejectedDeliveriesThreshold: config.rejectedDeliveriesThreshold,
        invoicePaidSilenceHours: config.invoicePaidSilenceHours,
        catchUpIntervalMinutes: config.catchUp.intervalMinutes,
      },
    });
    this.dashboard = new PayoutDashboard(this, 'Dashboard', {
      dashboardName: namePrefix,
      api: this.api,
      queues: this.queues.all,
      functions: this.functions.all,
      alarms: this.alarms.alarms,
      undeliveredAlertsMetric: this.alarms.undeliveredAlertsMetric,
    });
    this.addOutputs();
  }

  private grantEachFunctionWhatItUses(): void {
    const { tables, queues, secrets, functions } = this;
    const { auditLog, ledger, districts } = tables;

    const webhook = functions.stripeWebhook;
    auditLog.grant(webhook, ['PutItem', 'UpdateItem']);
    queues.revenueShare.grantSend(webhook);
    queues.alerts.grantSend(webhook);
    secrets.grantWebhookSecretsRead(webhook);

    const revenueShare = functions.revenueShare;
    const { reservedConcurrency } = functions;
    queues.revenueShare.consumeWith(revenueShare, { maxConcurrency: reservedConcurrency['revenue-share'] });
    auditLog.grant(revenueShare, ['GetItem', 'UpdateItem']);
    ledger.grant(revenueShare, ['GetItem', 'PutItem', 'UpdateItem']);
    districts.grant(revenueShare, ['GetItem', 'Scan']);
    queues.transfer.grantSend(revenueShare);
    queues.revenueShare.grantSend(revenueShare);
    queues.alerts.grantSend(revenueShare);
    // It reads each paid invoice's payments (the charges a transfer is funded by) at Stripe.
    secrets.grantApiKeyRead(revenueShare);

    const transfer = functions.transfer;
    queues.transfer.consumeWith(transfer, { maxConcurrency: reservedConcurrency.transfer });
    // Query: the district's owing rows (byOwingDistrict), netted from its payouts.
    ledger.grant(transfer, ['GetItem', 'PutItem', 'Query', 'UpdateItem']);
    districts.grant(transfer, ['GetItem']);
    queues.markPaid.grantSend(transfer);
    queues.transfer.grantSend(transfer);
    queues.alerts.grantSend(transfer);
    secrets.grantApiKeyRead(transfer);

    const markPaid = functions.markPaid;
    queues.markPaid.consumeWith(markPaid, { maxConcurrency: reservedConcurrency['mark-paid'] });
    ledger.grant(markPaid, ['GetItem', 'UpdateItem']);
    districts.grant(markPaid, ['GetItem']);
    queues.alerts.grantSend(markPaid);
    queues.markPaid.grantSend(markPaid);
    secrets.grantApiKeyRead(markPaid);

    queues.alerts.consumeWith(functions.financialAlert);

    const platformApi = functions.platformApi;
    // Its listings query an index for the keys and read the rows by key.
    ledger.grant(platformApi, ['GetItem', 'BatchGetItem', 'UpdateItem', 'Query', 'Scan']);
    districts.grant(platformApi, ['GetItem', 'PutItem', 'Scan']);
    auditLog.grant(platformApi, ['Query']);
    queues.transfer.grantSend(platformApi);
    queues.markPaid.grantSend(platformApi);

    const resync = functions.resync;
    auditLog.grant(resync, ['GetItem', 'PutItem', 'UpdateItem', 'Query']);
    queues.revenueShare.grantSend(resync);
    queues.alerts.grantSend(resync);
    secrets.grantApiKeyRead(resync);

    // Replays through the webhook's path (the audit log and the revenue-share queue) and reads events at Stripe.
    const catchUp = functions.catchUp;
    auditLog.grant(catchUp, ['GetItem', 'PutItem', 'UpdateItem', 'Query']);
    queues.revenueShare.grantSend(catchUp);
    queues.alerts.grantSend(catchUp);
    secrets.grantApiKeyRead(catchUp);

    // Reads the day's ledger rows (status index since the day before, then by key: an invoice's row id derives from
    // the invoice), the district of each refunded or disputed row (its dispute policy) and Stripe; writes nothing but
    // alerts.
    const reconcile = functions.reconcile;
    ledger.grant(reconcile, ['GetItem', 'BatchGetItem', 'Query']);
    districts.grant(reconcile, ['GetItem']);
    queues.alerts.grantSend(reconcile);
    secrets.grantApiKeyRead(reconcile);
  }

  private addOutputs(): void {
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('WebhookUrl', this.api.webhookUrl, 'Register this URL as the webhook endpoint at Stripe');
    output('PlatformApiUrl', this.api.platformUrl, 'Base URL of the platform team API (SigV4, execute-api:Invoke)');
    output('WebhookAuditLogTableName', this.tables.auditLog.tableName, 'DynamoDB table: one row per Stripe event');
    output('RevenueSharesTableName', this.tables.ledger.tableName, 'DynamoDB table: the revenue-share ledger');
    output('DistrictsTableName', this.tables.districts.tableName, 'DynamoDB table: district payout configuration');
    for (const [id, queue] of Object.entries({
      RevenueShare: this.queues.revenueShare,
      Transfer: this.queues.transfer,
      MarkPaid: this.queues.markPaid,
      FinancialAlerts: this.queues.alerts,
    })) {
      output(`${id}QueueUrl`, queue.queue.queueUrl, `SQS queue ${queue.definition.name}`);
      output(
        `${id}DeadLetterQueueUrl`,
        queue.deadLetterQueue.queueUrl,
        `Dead-letter queue of ${queue.definition.name}`,
      );
    }
    output('OnCallTopicArn', this.paging.topic.topicArn, 'SNS topic every alarm notifies');
    output('DashboardName', this.dashboard.dashboard.dashboardName, 'CloudWatch dashboard');
  }
}
