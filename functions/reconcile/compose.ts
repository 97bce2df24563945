/** The scheduled reconcile's composition root: the one place its adapters are chosen and wired. */
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { tableReconcileLedger } from '../../adapters/dynamodb/reconcile-ledger.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { stripeApiSource } from '../../adapters/stripe/reconcile-source.js';
import type { FunctionRuntime } from '../commons/runtime.js';
import { stripeApiKeyFrom } from '../commons/secrets.js';
import type { ReconcileConfig } from './config.js';
import { createReconcileHandler, type ReconcileHandlerDeps } from './reconcile-handler.js';

export const composeReconcile = (
  runtime: FunctionRuntime,
  config: ReconcileConfig,
  overrides: Partial<ReconcileHandlerDeps> = {},
) =>
  createReconcileHandler({
    observability: runtime.observability,
    stripeApiKey: config.stripeApiKey,
    stripe: (context) => stripeApiSource(runtime.stripe(stripeApiKeyFrom(context))),
    ledger: tableReconcileLedger(new DynamoDbLedgerStore(runtime.dynamodb, config.revenueSharesTable)),
    districts: new DynamoDbDistrictStore(runtime.dynamodb, config.districtsTable),
    alerts: new SqsAlertSink(runtime.sqs, config.alertsQueueUrl, runtime.observability.logger),
    clock: runtime.clock,
    ...overrides,
  });
