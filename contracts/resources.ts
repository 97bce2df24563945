/**
 * The one definition of every table and queue. The CDK stack and the local services both build from
 * this file, so what runs locally and what is deployed cannot drift. Plain data: no CDK or AWS import.
 */

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /**
   * The non-key attributes the index copies (an INCLUDE projection); absent: the whole item (ALL). Every write
   * that changes a projected attribute also writes the index, billed by the size of what it copies. An empty list
   * copies the keys only (KEYS_ONLY).
   */
  readonly nonKeyAttributes?: readonly string[];
}

/** What an index copies, as DynamoDB names it (the CDK stack and the local tables both read it from here). */
export interface IndexProjection {
  readonly projectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly nonKeyAttributes?: readonly string[];
}

export function indexProjection({ nonKeyAttributes }: IndexDefinition): IndexProjection {
  if (nonKeyAttributes === undefined) return { projectionType: 'ALL' };
  if (nonKeyAttributes.length === 0) return { projectionType: 'KEYS_ONLY' };
  return { projectionType: 'INCLUDE', nonKeyAttributes };
}

export interface TableDefinition {
  /** Logical name; the physical name is `${prefix}-${name}` locally and CDK-generated when deployed. */
  readonly name: string;
  readonly partitionKey: string;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** Attribute DynamoDB TTL reads; only set on rows that may expire (never on money rows). */
  readonly timeToLiveAttribute?: string;
}

export const tables = {
  webhookAuditLog: {
    name: 'WebhookAuditLog',
    partitionKey: 'stripeEventId',
    globalSecondaryIndexes: [
      // Sparse: only rows still open (RECEIVED, FAILED) carry `openStatus`, so a row leaves the index when it is
      // PROCESSED or IGNORED (one delete, where a status key would be a delete and a put) and the done rows, nearly
      // all of them, are never in it. It copies what the listings (GET /platform/webhook-events, re-sync's selection)
      // read: never the raw event, which re-sync gets by key in the rare case it needs it.
      {
        indexName: 'byOpenStatusCreatedAt',
        partitionKey: 'openStatus',
        sortKey: 'createdAt',
        nonKeyAttributes: [
          'status',
          'eventType',
          'errorMessage',
          'districtId',
          'invoiceId',
          'attempts',
          'updatedAt',
          'leaseExpiresAt',
          'metadata',
        ],
      },
    ],
    timeToLiveAttribute: 'expiresAt',
  },
  /** Ledger rows (pk = revenueShareId) and transfer-id guard items (pk = `transfer#tr_...`). */
  revenueShares: {
    name: 'RevenueShares',
    partitionKey: 'pk',
    globalSecondaryIndexes: [
      // Both copy keys only; the rows themselves are read by key (a district listing with a status filters the rows
      // it read). A row update that changes neither index's keys writes neither index.
      {
        indexName: 'byDistrictCreatedAt',
        partitionKey: 'districtId',
        sortKey: 'createdAt',
        nonKeyAttributes: [],
      },
      // Sparse: only rows waiting for a person (TRANSFER_FAILED, NEEDS_REVIEW) carry `attentionStatus`. A row on the
      // happy path (PENDING -> PAID) never enters it, so its status changes write no index at all.
      {
        indexName: 'byAttentionStatusCreatedAt',
        partitionKey: 'attentionStatus',
        sortKey: 'createdAt',
        nonKeyAttributes: [],
      },
      // Sparse: only rows that owe (owingDistrictId is set while owedCents > 0), read before each payout's netting.
      {
        indexName: 'byOwingDistrict',
        partitionKey: 'owingDistrictId',
        sortKey: 'createdAt',
        nonKeyAttributes: ['owedCents'],
      },
    ],
  },
  districts: {
    name: 'Districts',
    partitionKey: 'districtId',
    globalSecondaryIndexes: [],
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof tables;

export interface QueueDefinition {
  readonly name: string;
  readonly fifo: boolean;
  /** How long one invocation of the consumer may run; the visibility timeout is six times this. */
  readonly consumerTimeoutSeconds: number;
  readonly batchSize: number;
  /** Receives before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  readonly dlqRetentionDays: number;
}

export const VISIBILITY_TIMEOUT_FACTOR = 6;

export const queues = {
  revenueShare: {
    name: 'revenue-share',
    fifo: true,
    consumerTimeoutSeconds: 30,
    batchSize: 10,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
  },
  transfer: {
    name: 'transfer',
    fifo: true,
    consumerTimeoutSeconds: 30,
    batchSize: 5,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
  },
  markPaid: {
    name: 'mark-paid',
    fifo: true,
    consumerTimeoutSeconds: 30,
    batchSize: 5,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
  },
  alerts: {
    name: 'financial-alerts',
    fifo: false,
    consumerTimeoutSeconds: 10,
    batchSize: 10,
    maxReceiveCount: 10,
    dlqRetentionDays: 14,
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueKey = keyof typeof queues;

export const visibilityTimeoutSeconds = (queue: QueueDefinition): number =>
  queue.consumerTimeoutSeconds * VISIBILITY_TIMEOUT_FACTOR;

/** SQS requires the `.fifo` suffix on FIFO queue names. */
export const physicalQueueName = (prefix: string, queue: QueueDefinition, dlq = false): string =>
  `${prefix}-${queue.name}${dlq ? '-dlq' : ''}${queue.fifo ? '.fifo' : ''}`;

export const physicalTableName = (prefix: string, table: TableDefinition): string => `${prefix}-${table.name}`;
