/** Lambda entry: the daily reconcile on AWS's clients and the environment's config (read at cold start). */
import { awsRuntime } from '../commons/runtime.js';
import { stripeClients } from '../commons/stripe-api-client.js';
import { composeReconcile } from './compose.js';
import { reconcileConfig } from './config.js';

export const handler = composeReconcile(awsRuntime('reconcile', process.env, { stripeClients }), reconcileConfig());
