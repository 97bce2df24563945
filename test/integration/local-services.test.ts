import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { queues, tables } from '#contracts/resources.js';
import { provisionTestResources, type TestResources } from '../support/local-stack.js';

describe('local services provisioned from lib/resources.ts', () => {
  let resources: TestResources;
  beforeAll(async () => {
    resources = await provisionTestResources('services');
  });

  it('creates the audit log with its sparse openStatus+createdAt index on DynamoDB Local', async () => {
    // Act
    const { Table } = await resources.dynamodb.send(
      new DescribeTableCommand({ TableName: resources.tables.webhookAuditLog }),
    );
    // Assess
    expect(Table?.KeySchema).toEqual([{ AttributeName: tables.webhookAuditLog.partitionKey, KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.[0]?.KeySchema).toEqual([
      { AttributeName: 'openStatus', KeyType: 'HASH' },
      { AttributeName: 'createdAt', KeyType: 'RANGE' },
    ]);
  });

  it('gives every queue a DLQ with the defined maxReceiveCount', async () => {
    for (const [key, definition] of Object.entries(queues)) {
      // Act
      const { Attributes } = await resources.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: resources.queues.queues[key as keyof typeof queues],
          AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'],
        }),
      );
      // Assess
      const redrive = JSON.parse(Attributes?.RedrivePolicy ?? '{}');
      expect(redrive.maxReceiveCount, key).toBe(definition.maxReceiveCount);
      expect(redrive.deadLetterTargetArn, key).toContain(`${definition.name}-dlq`);
      expect(Number(Attributes?.VisibilityTimeout), key).toBe(definition.consumerTimeoutSeconds * 6);
    }
  });
});
