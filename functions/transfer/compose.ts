/** The transfer worker's composition root: the one place its adapters are chosen and wired. */
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { sqsRequeuer } from '../commons/requeue.js';
import type { FunctionRuntime } from '../commons/runtime.js';
import { stripePaymentsFromContext } from '../commons/stripe-payments.js';
import type { TransferWorkerConfig } from '../commons/worker-config.js';
import { createTransferHandler, type TransferHandlerDeps } from './transfer-worker.js';

export const composeTransfer = (
  runtime: FunctionRuntime,
  config: TransferWorkerConfig,
  overrides: Partial<TransferHandlerDeps> = {},
) =>
  createTransferHandler({
    observability: runtime.observability,
    stripeApiKey: config.stripeApiKey,
    payments: stripePaymentsFromContext(runtime.stripe),
    ledger: new DynamoDbLedgerStore(runtime.dynamodb, config.revenueSharesTable),
    debts: new DynamoDbLedgerStore(runtime.dynamodb, config.revenueSharesTable),
    districts: new DynamoDbDistrictStore(runtime.dynamodb, config.districtsTable),
    markPaidQueue: new SqsMessageQueue(runtime.sqs, config.markPaidQueueUrl),
    alerts: new SqsAlertSink(runtime.sqs, config.alertsQueueUrl, runtime.observability.logger),
    requeue: sqsRequeuer(runtime.sqs, config.transferQueueUrl),
    clock: runtime.clock,
    ...overrides,
  });
