/**
 * Configuration of the payout workers (revenue-share, transfer, mark-paid), read once at cold start with the
 * readers of config.ts: a missing required value fails the cold start.
 */
import { env } from '#contracts/environment.js';
import {
  type AlertsConfig,
  alertsConfig,
  type Environment,
  requiredEnv,
  type StripeAccessConfig,
  stripeAccessConfig,
} from './config.js';

/** revenue-share reads each invoice's payments at Stripe, so it has the API key too. */
export interface RevenueShareWorkerConfig extends AlertsConfig, StripeAccessConfig {
  auditTable: string;
  revenueSharesTable: string;
  districtsTable: string;
  transferQueueUrl: string;
  /** Its own queue: a record Stripe rate limited goes back there. */
  processEventQueueUrl: string;
}

export const revenueShareWorkerConfig = (source: Environment = process.env): RevenueShareWorkerConfig => ({
  auditTable: requiredEnv(env.auditTable, source),
  revenueSharesTable: requiredEnv(env.revenueSharesTable, source),
  districtsTable: requiredEnv(env.districtsTable, source),
  transferQueueUrl: requiredEnv(env.transferQueueUrl, source),
  processEventQueueUrl: requiredEnv(env.processEventQueueUrl, source),
  ...stripeAccessConfig(source),
  ...alertsConfig(source),
});

/** The workers that call Stripe: the ledger, the districts, and the Stripe API key. */
export interface StripeWorkerConfig extends AlertsConfig, StripeAccessConfig {
  revenueSharesTable: string;
  districtsTable: string;
}

export const stripeWorkerConfig = (source: Environment = process.env): StripeWorkerConfig => ({
  revenueSharesTable: requiredEnv(env.revenueSharesTable, source),
  districtsTable: requiredEnv(env.districtsTable, source),
  ...stripeAccessConfig(source),
  ...alertsConfig(source),
});

export interface TransferWorkerConfig extends StripeWorkerConfig {
  markPaidQueueUrl: string;
  /** Its own queue: a record Stripe rate limited goes back there. */
  transferQueueUrl: string;
}

export const transferWorkerConfig = (source: Environment = process.env): TransferWorkerConfig => ({
  ...stripeWorkerConfig(source),
  markPaidQueueUrl: requiredEnv(env.markPaidQueueUrl, source),
  transferQueueUrl: requiredEnv(env.transferQueueUrl, source),
});

export interface MarkPaidWorkerConfig extends StripeWorkerConfig {
  /** Its own queue: a record Stripe rate limited goes back there. */
  markPaidQueueUrl: string;
}

export const markPaidWorkerConfig = (source: Environment = process.env): MarkPaidWorkerConfig => ({
  ...stripeWorkerConfig(source),
  markPaidQueueUrl: requiredEnv(env.markPaidQueueUrl, source),
});
