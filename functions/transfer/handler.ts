/** Lambda entry: the transfer worker on AWS's clients and the environment's config (read at cold start). */
import { awsRuntime } from '../commons/runtime.js';
import { stripeClients } from '../commons/stripe-api-client.js';
import { transferWorkerConfig } from '../commons/worker-config.js';
import { composeTransfer } from './compose.js';

export const handler = composeTransfer(awsRuntime('transfer', process.env, { stripeClients }), transferWorkerConfig());
