/** Lambda entry: the mark-paid worker on AWS's clients and the environment's config (read at cold start). */
import { awsRuntime } from '../commons/runtime.js';
import { stripeClients } from '../commons/stripe-api-client.js';
import { markPaidWorkerConfig } from '../commons/worker-config.js';
import { composeMarkPaid } from './compose.js';

export const handler = composeMarkPaid(awsRuntime('mark-paid', process.env, { stripeClients }), markPaidWorkerConfig());
