/** Lambda entry: the scheduled catch-up on AWS's clients and the environment's config (read at cold start). */
import { awsRuntime } from '../commons/runtime.js';
import { stripeClients } from '../commons/stripe-api-client.js';
import { composeCatchUp } from './compose.js';
import { catchUpConfig } from './config.js';

export const handler = composeCatchUp(awsRuntime('catch-up', process.env, { stripeClients }), catchUpConfig());
