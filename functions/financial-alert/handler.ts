/** Lambda entry: the consumer of the financial alerts queue, on AWS's clients and the environment's config. */
import { awsRuntime } from '../commons/runtime.js';
import { createSnsClient } from '../commons/sns-client.js';
import { composeFinancialAlert } from './compose.js';
import { financialAlertConfig } from './config.js';

export const handler = composeFinancialAlert(
  awsRuntime('financial-alert', process.env, { snsClient: createSnsClient }),
  financialAlertConfig(),
);
