/** The revenue-share worker's composition root: the one place its adapters are chosen and wired. */
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsAlertSink } from '../../adapters/sqs/alert-sink.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import { sqsRequeuer } from '../commons/requeue.js';
import type { FunctionRuntime } from '../commons/runtime.js';
import { stripePaymentsFromContext } from '../commons/stripe-payments.js';
import type { RevenueShareWorkerConfig } from '../commons/worker-config.js';
import { createRevenueShareHandler, type RevenueShareHandlerDeps } from './revenue-share-worker.js';

export const composeRevenueShare = (
  runtime: FunctionRuntime,
  config: RevenueShareWorkerConfig,
  overrides: Partial<RevenueShareHandlerDeps> = {},
) => {
  const ledger = new DynamoDbLedgerStore(runtime.dynamodb, config.revenueSharesTable);
  return createRevenueShareHandler({
    observability: runtime.observability,
    stripeApiKey: config.stripeApiKey,
    invoicePayments: stripePaymentsFromContext(runtime.stripe),
    clawbackProvider: stripePaymentsFromContext(runtime.stripe),
    auditLog: new DynamoDbAuditLog(runtime.dynamodb, config.auditTable),
    ledger,
    districts: new DynamoDbDistrictStore(runtime.dynamodb, config.districtsTable),
    transferQueue: new SqsMessageQueue(runtime.sqs, config.transferQueueUrl),
    alerts: new SqsAlertSink(runtime.sqs, config.alertsQueueUrl, runtime.observability.logger),
    requeue: sqsRequeuer(runtime.sqs, config.processEventQueueUrl),
    clock: runtime.clock,
    ...overrides,
  });
};
