/** The mark-paid worker's composition root: the one place its adapters are chosen and wired. */
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { sqsRequeuer } from '../commons/requeue.js';
import type { FunctionRuntime } from '../commons/runtime.js';
import { stripePaymentsFromContext } from '../commons/stripe-payments.js';
import type { MarkPaidWorkerConfig } from '../commons/worker-config.js';
import { createMarkPaidHandler, type MarkPaidHandlerDeps } from './mark-paid-worker.js';

export const composeMarkPaid = (
  runtime: FunctionRuntime,
  config: MarkPaidWorkerConfig,
  overrides: Partial<MarkPaidHandlerDeps> = {},
) =>
  createMarkPaidHandler({
    observability: runtime.observability,
    stripeApiKey: config.stripeApiKey,
    payments: stripePaymentsFromContext(runtime.stripe),
    ledger: new DynamoDbLedgerStore(runtime.dynamodb, config.revenueSharesTable),
    districts: new DynamoDbDistrictStore(runtime.dynamodb, config.districtsTable),
    alerts: new SqsAlertSink(runtime.sqs, config.alertsQueueUrl, runtime.observability.logger),
    requeue: sqsRequeuer(runtime.sqs, config.markPaidQueueUrl),
    clock: runtime.clock,
    ...overrides,
  });
