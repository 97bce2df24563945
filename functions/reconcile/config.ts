/** What the scheduled reconcile reads from its environment (once, at cold start; a missing value fails it). */
import { env } from '#contracts/environment.js';
import {
  type AlertsConfig,
  alertsConfig,
  type Environment,
  requiredEnv,
  type StripeAccessConfig,
  stripeAccessConfig,
} from '../commons/config.js';

export interface ReconcileConfig extends AlertsConfig, StripeAccessConfig {
  revenueSharesTable: string;
  /** Read for each refunded or disputed row's district (its dispute policy decides the clawback target). */
  districtsTable: string;
}

export const reconcileConfig = (source: Environment = process.env): ReconcileConfig => ({
  revenueSharesTable: requiredEnv(env.revenueSharesTable, source),
  districtsTable: requiredEnv(env.districtsTable, source),
  ...stripeAccessConfig(source),
  ...alertsConfig(source),
});
