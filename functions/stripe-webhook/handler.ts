/** Lambda entry: the webhook on AWS's clients and the environment's config (read at cold start). */
import { webhookConfig } from '../commons/config.js';
import { awsRuntime } from '../commons/runtime.js';
import { composeWebhook } from './compose.js';

export const handler = composeWebhook(awsRuntime('stripe-webhook'), webhookConfig());
