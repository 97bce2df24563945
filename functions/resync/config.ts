/** What the resync function reads from its environment (once, at cold start; a missing value fails it). */
import { env } from '#contracts/environment.js';
import {
  type AlertsConfig,
  alertsConfig,
  type Environment,
  requiredEnv,
  type StripeAccessConfig,
  stripeAccessConfig,
} from '../commons/config.js';

export interface ResyncConfig extends AlertsConfig, StripeAccessConfig {
  auditTable: string;
  processEventQueueUrl: string;
}

export const resyncConfig = (source: Environment = process.env): ResyncConfig => ({
  auditTable: requiredEnv(env.auditTable, source),
  processEventQueueUrl: requiredEnv(env.processEventQueueUrl, source),
  ...stripeAccessConfig(source),
  ...alertsConfig(source),
});
