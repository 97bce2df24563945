/** Lambda entry: the consumer of the financial alerts queue. */
import { awsRuntime } from '../commons/runtime.js';
import { composeFinancialAlert } from './compose.js';

export const handler = composeFinancialAlert(awsRuntime('financial-alert'));
