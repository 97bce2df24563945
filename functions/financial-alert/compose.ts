/** The financial-alert function's composition root (it needs no configuration of its own yet). */
import type { FunctionRuntime } from '../commons/runtime.js';
import { createFinancialAlertHandler, type FinancialAlertHandlerDeps } from './alert-consumer.js';

export type FinancialAlertConfig = Record<string, never>;

export const composeFinancialAlert = (
  runtime: FunctionRuntime,
  _config: FinancialAlertConfig = {},
  overrides: Partial<FinancialAlertHandlerDeps> = {},
) => createFinancialAlertHandler({ observability: runtime.observability, ...overrides });
