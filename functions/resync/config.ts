/** What the resync function reads from its environment (once, at cold start; a missing value fails it). */
import { env } from '../../lib/environment.js';
import {
  type AlertsConfig,
  alertsConfig,
  type Environment,
  requiredEnv,
  type SecretSource,
  stripeApiBaseUrl,
  stripeApiKeySource,
} from '../commons/config.js';

export interface ResyncConfig extends AlertsConfig {
  auditTable: string;
  processEventQueueUrl: string;
  stripeApiKey: SecretSource;
  /** Local runs only: the Stripe API emulator. */
  stripeApiBaseUrl?: string;
}

export const resyncConfig = (source: Environment = process.env): ResyncConfig => {
  const baseUrl = stripeApiBaseUrl(source);
  return {
    auditTable: requiredEnv(env.auditTable, source),
    processEventQueueUrl: requiredEnv(env.processEventQueueUrl, source),
    stripeApiKey: stripeApiKeySource(source),
    ...(baseUrl ? { stripeApiBaseUrl: baseUrl } : {}),
    ...alertsConfig(source),
  };
};
