/** Lambda entry: re-sync on AWS's clients and the environment's config (read at cold start). */
import { awsRuntime } from '../commons/runtime.js';
import { stripeClients } from '../commons/stripe-api-client.js';
import { composeResync } from './compose.js';
import { resyncConfig } from './config.js';

export const handler = composeResync(awsRuntime('resync', process.env, { stripeClients }), resyncConfig());
