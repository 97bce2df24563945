/** Lambda entry: the revenue-share worker on AWS's clients and the environment's config (read at cold start). */
import { awsRuntime } from '../commons/runtime.js';
import { stripeClients } from '../commons/stripe-api-client.js';
import { revenueShareWorkerConfig } from '../commons/worker-config.js';
import { composeRevenueShare } from './compose.js';

export const handler = composeRevenueShare(
  awsRuntime('revenue-share', process.env, { stripeClients }),
  revenueShareWorkerConfig(),
);
