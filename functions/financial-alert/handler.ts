/** Lambda entry: the consumer of the financial alerts queue (needs no configuration of its own). */
import { createObservability } from '../commons/observability.js';
import { createFinancialAlertHandler } from './alert-consumer.js';

export const handler = createFinancialAlertHandler({ observability: createObservability('financial-alert') });
