/** What the catch-up reads from its environment (once, at cold start; a missing or invalid value fails it). */
import { env } from '#contracts/environment.js';
import type { CatchUpSettings } from '../../domain/catch-up/catch-up.js';
import {
  type AlertsConfig,
  alertsConfig,
  ConfigError,
  type Environment,
  optionalEnv,
  requiredEnv,
  type StripeAccessConfig,
  stripeAccessConfig,
} from '../commons/config.js';

export interface CatchUpConfig extends AlertsConfig, StripeAccessConfig {
  auditTable: string;
  processEventQueueUrl: string;
  settings: CatchUpSettings;
}

function positiveInteger(name: string, source: Environment, min: number, max: number): number {
  const text = requiredEnv(name, source);
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`Environment variable ${name} must be an integer from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

export const catchUpConfig = (source: Environment = process.env): CatchUpConfig => {
  const endpointId = optionalEnv(env.stripeWebhookEndpointId, source);
  const url = optionalEnv(env.webhookUrl, source);
  return {
    auditTable: requiredEnv(env.auditTable, source),
    processEventQueueUrl: requiredEnv(env.processEventQueueUrl, source),
    settings: {
      lookbackHours: positiveInteger(env.catchUpLookbackHours, source, 1, 720),
      undeliveredLookbackHours: positiveInteger(env.catchUpUndeliveredLookbackHours, source, 1, 720),
      settleSeconds: positiveInteger(env.catchUpSettleSeconds, source, 0, 3_600),
      maxPages: positiveInteger(env.catchUpMaxStripePages, source, 1, 100),
      maxReplays: positiveInteger(env.catchUpMaxReplays, source, 1, 100),
      endpoint: { ...(endpointId ? { endpointId } : {}), ...(url ? { url } : {}) },
    },
    ...stripeAccessConfig(source),
    ...alertsConfig(source),
  };
};
