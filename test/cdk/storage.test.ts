import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { queueConsumers } from '#contracts/api-routes.js';
import {
  physicalQueueName,
  type QueueKey,
  queues,
  type TableKey,
  tables,
  VISIBILITY_TIMEOUT_FACTOR,
  visibilityTimeoutSeconds,
} from '#contracts/resources.js';
import type { DistrictPayoutsStack } from '../../lib/district-payouts-stack.js';
import { logicalIdOf, synthesize } from './support/synth.js';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

let stack: DistrictPayoutsStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  // Prepare
  ({ stack, template } = synthesize());
  resources = template.toJSON().Resources as Record<string, Resource>;
});

const tableKeys = Object.keys(tables) as TableKey[];
const queueKeys = Object.keys(queues) as QueueKey[];

const tableResource = (key: TableKey): Resource =>
  resources[logicalIdOf(stack, stack.tables.all[key].table)] as Resource;
const queueResource = (key: QueueKey, dlq = false): Resource => {
  const queue = stack.queues.all[key];
  return resources[logicalIdOf(stack, dlq ? queue.deadLetterQueue : queue.queue)] as Resource;
};

describe('tables', () => {
  it('are exactly the tables of lib/resources.ts', () => {
    // Assess
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toHaveLength(tableKeys.length);
  });

  it.each(tableKeys)('%s has the partition key and the GSIs of lib/resources.ts', (key) => {
    // Act
    const properties = tableResource(key).Properties;

    // Assess
    const definition = tables[key];
    expect(properties.KeySchema).toEqual([{ AttributeName: definition.partitionKey, KeyType: 'HASH' }]);
    const indexes = (properties.GlobalSecondaryIndexes ?? []) as unknown[];
    expect(indexes).toEqual(
      definition.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          ...('sortKey' in index ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' }] : []),
        ],
        Projection: !('nonKeyAttributes' in index)
          ? { ProjectionType: 'ALL' }
          : index.nonKeyAttributes.length === 0
            ? { ProjectionType: 'KEYS_ONLY' }
            : { ProjectionType: 'INCLUDE', NonKeyAttributes: index.nonKeyAttributes },
      })),
    );
  });

  it("copies into the audit log's open-status index what the listings read, never the raw event", () => {
    // Act
    const [index] = (tableResource('webhookAuditLog').Properties.GlobalSecondaryIndexes ?? []) as {
      IndexName: string;
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }[];

    // Assess
    expect(index?.IndexName).toBe('byOpenStatusCreatedAt');
    expect(index?.Projection.ProjectionType).toBe('INCLUDE');
    expect(index?.Projection.NonKeyAttributes).toEqual(
      expect.arrayContaining(['status', 'eventType', 'errorMessage', 'attempts', 'updatedAt', 'leaseExpiresAt']),
    );
    expect(index?.Projection.NonKeyAttributes).not.toContain('rawEvent');
    expect(index?.Projection.NonKeyAttributes).not.toContain('rawEventGzip');
  });

  it("copies only keys into the ledger's listing indexes, so a status change writes one index at most", () => {
    // Act
    const indexes = (tableResource('revenueShares').Properties.GlobalSecondaryIndexes ?? []) as {
      IndexName: string;
      Projection: { ProjectionType: string };
    }[];

    // Assess
    const projection = (name: string) => indexes.find((index) => index.IndexName === name)?.Projection;
    expect(projection('byDistrictCreatedAt')).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(projection('byAttentionStatusCreatedAt')).toEqual({ ProjectionType: 'KEYS_ONLY' });
  });

  it.each(tableKeys)('%s is on demand, encrypted, recoverable, protected and retained', (key) => {
    // Act
    const table = tableResource(key);

    // Assess
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it.each(tableKeys)('%s expires rows only where lib/resources.ts names a TTL attribute', (key) => {
    // Act
    const ttl = tableResource(key).Properties.TimeToLiveSpecification;

    // Assess
    const attribute = (tables[key] as { timeToLiveAttribute?: string }).timeToLiveAttribute;
    expect(ttl).toEqual(attribute ? { AttributeName: attribute, Enabled: true } : undefined);
  });

  it('never expires money rows (ledger and districts have no TTL)', () => {
    // Assess
    expect(tableResource('revenueShares').Properties.TimeToLiveSpecification).toBeUndefined();
    expect(tableResource('districts').Properties.TimeToLiveSpecification).toBeUndefined();
  });
});

describe('queues', () => {
  it('are the queues of lib/resources.ts, each with its own dead-letter queue', () => {
    // Assess
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toHaveLength(queueKeys.length * 2);
  });

  it.each(queueKeys)('%s redrives to its DLQ after maxReceiveCount receives', (key) => {
    // Act
    const queue = queueResource(key);

    // Assess
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.queues.all[key].deadLetterQueue), 'Arn'] },
      maxReceiveCount: queues[key].maxReceiveCount,
    });
  });

  it.each(queueKeys)('%s and its DLQ are FIFO exactly when lib/resources.ts says so', (key) => {
    // Act
    const queue = queueResource(key);
    const dlq = queueResource(key, true);

    // Assess
    const fifo = queues[key].fifo ? true : undefined;
    expect(queue.Properties.FifoQueue).toBe(fifo);
    expect(dlq.Properties.FifoQueue).toBe(fifo);
    expect(queue.Properties.QueueName).toBe(physicalQueueName('district-payouts-dev', queues[key]));
    expect(dlq.Properties.QueueName).toBe(physicalQueueName('district-payouts-dev', queues[key], true));
  });

  it.each(queueKeys)('%s and its DLQ are encrypted (SQS-managed) and keep DLQ messages as long as defined', (key) => {
    // Act
    const queue = queueResource(key);
    const dlq = queueResource(key, true);

    // Assess
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(dlq.Properties.SqsManagedSseEnabled).toBe(true);
    expect(dlq.Properties.MessageRetentionPeriod).toBe(queues[key].dlqRetentionDays * 86_400);
  });

  it('every queue refuses requests without TLS', () => {
    // Act
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));

    // Assess
    const protectedQueues = policies
      .filter((policy) =>
        (policy.Properties.PolicyDocument.Statement as { Effect: string; Condition?: unknown }[]).some(
          (statement) =>
            statement.Effect === 'Deny' &&
            JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        ),
      )
      .flatMap((policy) => policy.Properties.Queues as { Ref: string }[])
      .map((ref) => ref.Ref)
      .sort();
    expect(protectedQueues).toEqual(Object.keys(template.findResources('AWS::SQS::Queue')).sort());
  });
});

describe('queue consumers', () => {
  const consumerOf = (key: QueueKey) => stack.functions.all[queueConsumers[key]];

  it.each(queueKeys)('%s is consumed by its function, reporting partial batch failures', (key) => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.queues.all[key].queue), 'Arn'] },
      FunctionName: { Ref: logicalIdOf(stack, consumerOf(key)) },
      BatchSize: queues[key].batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('no dead-letter queue is consumed (a dead letter waits for a person)', () => {
    // Act
    const sources = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((mapping) =>
      JSON.stringify(mapping.Properties.EventSourceArn),
    );

    // Assess
    expect(sources).toHaveLength(queueKeys.length);
    for (const key of queueKeys) {
      expect(sources).not.toContain(
        JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stack, stack.queues.all[key].deadLetterQueue), 'Arn'] }),
      );
    }
  });

  it.each(queueKeys)(`%s hides a message for at least ${VISIBILITY_TIMEOUT_FACTOR}x its consumer's timeout`, (key) => {
    // Act
    const visibility = queueResource(key).Properties.VisibilityTimeout as number;
    const consumerTimeout = resources[logicalIdOf(stack, consumerOf(key))]?.Properties.Timeout as number;

    // Assess
    expect(consumerTimeout).toBe(queues[key].consumerTimeoutSeconds);
    expect(visibility).toBe(visibilityTimeoutSeconds(queues[key]));
    expect(visibility).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * consumerTimeout);
  });
});
