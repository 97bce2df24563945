/**
 * Every function of the stack, each from its own composition root with the config its deployed twin would read:
 * what the local stack serves and the fault suite drives. `runtimeFor` says what each one runs on.
 */
import type { FunctionName } from '#contracts/api-routes.js';
import { composeCatchUp } from '../functions/catch-up/compose.js';
import { catchUpConfig } from '../functions/catch-up/config.js';
import { type Environment, webhookConfig } from '../functions/commons/config.js';
import type { FunctionRuntime } from '../functions/commons/runtime.js';
import {
  markPaidWorkerConfig,
  revenueShareWorkerConfig,
  transferWorkerConfig,
} from '../functions/commons/worker-config.js';
import { composeFinancialAlert } from '../functions/financial-alert/compose.js';
import { financialAlertConfig } from '../functions/financial-alert/config.js';
import { composeMarkPaid } from '../functions/mark-paid/compose.js';
import { composePlatformApi } from '../functions/platform-api/compose.js';
import { platformApiConfig } from '../functions/platform-api/config.js';
import { composeReconcile } from '../functions/reconcile/compose.js';
import { reconcileConfig } from '../functions/reconcile/config.js';
import { composeResync } from '../functions/resync/compose.js';
import { resyncConfig } from '../functions/resync/config.js';
import { composeRevenueShare } from '../functions/revenue-share/compose.js';
import { composeWebhook } from '../functions/stripe-webhook/compose.js';
import { composeTransfer } from '../functions/transfer/compose.js';

/** What a test may replace in one function's wiring (e.g. a ledger that dies around a write). */
export interface FunctionOverrides {
  'stripe-webhook'?: Parameters<typeof composeWebhook>[2];
  'revenue-share'?: Parameters<typeof composeRevenueShare>[2];
  transfer?: Parameters<typeof composeTransfer>[2];
  'mark-paid'?: Parameters<typeof composeMarkPaid>[2];
  'financial-alert'?: Parameters<typeof composeFinancialAlert>[2];
  'platform-api'?: Parameters<typeof composePlatformApi>[2];
  resync?: Parameters<typeof composeResync>[2];
  'catch-up'?: Parameters<typeof composeCatchUp>[2];
  reconcile?: Parameters<typeof composeReconcile>[2];
}

export function composeFunctions(
  runtimeFor: (name: FunctionName) => FunctionRuntime,
  environment: Environment,
  overrides: FunctionOverrides = {},
) {
  return {
    'stripe-webhook': composeWebhook(
      runtimeFor('stripe-webhook'),
      webhookConfig(environment),
      overrides['stripe-webhook'],
    ),
    'revenue-share': composeRevenueShare(
      runtimeFor('revenue-share'),
      revenueShareWorkerConfig(environment),
      overrides['revenue-share'],
    ),
    transfer: composeTransfer(runtimeFor('transfer'), transferWorkerConfig(environment), overrides.transfer),
    'mark-paid': composeMarkPaid(runtimeFor('mark-paid'), markPaidWorkerConfig(environment), overrides['mark-paid']),
    'financial-alert': composeFinancialAlert(
      runtimeFor('financial-alert'),
      financialAlertConfig(environment),
      overrides['financial-alert'],
    ),
    'platform-api': composePlatformApi(
      runtimeFor('platform-api'),
      platformApiConfig(environment),
      overrides['platform-api'],
    ),
    resync: composeResync(runtimeFor('resync'), resyncConfig(environment), overrides.resync),
    'catch-up': composeCatchUp(runtimeFor('catch-up'), catchUpConfig(environment), overrides['catch-up']),
    reconcile: composeReconcile(runtimeFor('reconcile'), reconcileConfig(environment), overrides.reconcile),
  } satisfies Record<FunctionName, unknown>;
}

export type StackFunctions = ReturnType<typeof composeFunctions>;
