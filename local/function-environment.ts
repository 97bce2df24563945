/**
 * The environment a deployment gives the functions (contracts/environment.ts names), for local resources: the
 * local stack, the test harness and the fault stack read each function's config from it with the same readers
 * the deployed functions use. Nothing is written to process.env.
 */
import { env } from '#contracts/environment.js';
import { catchUpDefaults } from '#contracts/operations.js';
import type { Environment } from '../functions/commons/config.js';
import type { QueueUrls, TableNames } from './provision.js';

export interface LocalFunctionResources {
  tables: TableNames;
  queueUrls: QueueUrls;
  /** Signing secrets the webhook accepts (several during a rotation). */
  webhookSecrets: readonly string[];
  stripeApiKey: string;
  /** The local on-call topic (local/provision.ts createOnCallTopic). */
  onCallTopicArn: string;
  /** The local webhook's URL, by which the catch-up finds its endpoint at Stripe (unset: no endpoint check). */
  webhookUrl?: string;
}

export const localFunctionEnvironment = ({
  tables,
  queueUrls,
  webhookSecrets,
  stripeApiKey,
  onCallTopicArn,
  webhookUrl,
}: LocalFunctionResources): Environment => ({
  [env.auditTable]: tables.webhookAuditLog,
  [env.revenueSharesTable]: tables.revenueShares,
  [env.districtsTable]: tables.districts,
  [env.processEventQueueUrl]: queueUrls.queues.revenueShare,
  [env.transferQueueUrl]: queueUrls.queues.transfer,
  [env.markPaidQueueUrl]: queueUrls.queues.markPaid,
  [env.alertsQueueUrl]: queueUrls.queues.alerts,
  [env.stripeWebhookSecrets]: webhookSecrets.join(','),
  [env.stripeApiKey]: stripeApiKey,
  [env.onCallTopicArn]: onCallTopicArn,
  [env.catchUpLookbackHours]: String(catchUpDefaults.lookbackHours),
  [env.catchUpUndeliveredLookbackHours]: String(catchUpDefaults.undeliveredLookbackHours),
  [env.catchUpSettleSeconds]: String(catchUpDefaults.settleSeconds),
  [env.catchUpMaxStripePages]: String(catchUpDefaults.maxStripePages),
  [env.catchUpMaxReplays]: String(catchUpDefaults.maxReplays),
  ...(webhookUrl ? { [env.webhookUrl]: webhookUrl } : {}),
});
