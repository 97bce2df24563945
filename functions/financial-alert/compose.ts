/** The financial-alert function's composition root: the one place its adapters are chosen and wired. */
import { SnsOnCallTopic } from '../../adapters/sns/on-call-topic.js';
import type { FunctionRuntime } from '../commons/runtime.js';
import { createFinancialAlertHandler, type FinancialAlertHandlerDeps } from './alert-consumer.js';
import type { FinancialAlertConfig } from './config.js';

export const composeFinancialAlert = (
  runtime: FunctionRuntime,
  config: FinancialAlertConfig,
  overrides: Partial<FinancialAlertHandlerDeps> = {},
) =>
  createFinancialAlertHandler({
    observability: runtime.observability,
    onCall: new SnsOnCallTopic(runtime.sns, config.onCallTopicArn),
    clock: runtime.clock,
    ...overrides,
  });
