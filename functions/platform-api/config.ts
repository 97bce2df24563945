/** What the platform API reads from its environment (once, at cold start; a missing value fails it). */
import { env } from '#contracts/environment.js';
import { type Environment, requiredEnv } from '../commons/config.js';

export interface PlatformApiConfig {
  auditTable: string;
  revenueSharesTable: string;
  districtsTable: string;
  transferQueueUrl: string;
  markPaidQueueUrl: string;
}

export const platformApiConfig = (source: Environment = process.env): PlatformApiConfig => ({
  auditTable: requiredEnv(env.auditTable, source),
  revenueSharesTable: requiredEnv(env.revenueSharesTable, source),
  districtsTable: requiredEnv(env.districtsTable, source),
  transferQueueUrl: requiredEnv(env.transferQueueUrl, source),
  markPaidQueueUrl: requiredEnv(env.markPaidQueueUrl, source),
});
