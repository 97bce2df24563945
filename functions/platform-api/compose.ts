/** The platform API's composition root: the one place its adapters are chosen and wired. */
import { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import type { FunctionRuntime } from '../commons/runtime.js';
import type { PlatformApiConfig } from './config.js';
import { createPlatformApiHandler, type PlatformApiHandlerDeps } from './platform-api-handler.js';

export const composePlatformApi = (
  runtime: FunctionRuntime,
  config: PlatformApiConfig,
  overrides: Partial<PlatformApiHandlerDeps> = {},
) =>
  createPlatformApiHandler({
    observability: runtime.observability,
    ledger: new DynamoDbLedgerStore(runtime.dynamodb, config.revenueSharesTable),
    debts: new DynamoDbLedgerStore(runtime.dynamodb, config.revenueSharesTable),
    districts: new DynamoDbDistrictStore(runtime.dynamodb, config.districtsTable),
    auditLog: new DynamoDbAuditLog(runtime.dynamodb, config.auditTable),
    transferQueue: new SqsMessageQueue(runtime.sqs, config.transferQueueUrl),
    markPaidQueue: new SqsMessageQueue(runtime.sqs, config.markPaidQueueUrl),
    clock: runtime.clock,
    ...overrides,
  });
