/** What the financial-alert function reads from its environment (once, at cold start; a missing value fails it). */
import { env } from '#contracts/environment.js';
import { type Environment, requiredEnv } from '../commons/config.js';

export interface FinancialAlertConfig {
  /** The on-call SNS topic each critical alert is published to. */
  onCallTopicArn: string;
}

export const financialAlertConfig = (source: Environment = process.env): FinancialAlertConfig => ({
  onCallTopicArn: requiredEnv(env.onCallTopicArn, source),
});
