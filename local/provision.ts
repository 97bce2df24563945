import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  type IndexDefinition,
  indexProjection,
  physicalQueueName,
  physicalTableName,
  type QueueKey,
  queues,
  type TableDefinition,
  type TableKey,
  tables,
  visibilityTimeoutSeconds,
} from '#contracts/resources.js';

export type TableNames = Record<TableKey, string>;
export interface QueueUrls {
  queues: Record<QueueKey, string>;
  deadLetterQueues: Record<QueueKey, string>;
}

/** Creates every table of lib/resources.ts under `prefix`, as the CDK stack defines them. */
export async function createTables(client: DynamoDBClient, prefix: string): Promise<TableNames> {
  const names = {} as TableNames;
  for (const [key, table] of Object.entries(tables) as [TableKey, TableDefinition][]) {
    const tableName = physicalTableName(prefix, table);
    await client.send(new CreateTableCommand(createTableInput(tableName, table)));
    if (table.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
    names[key] = tableName;
  }
  return names;
}

function createTableInput(tableName: string, table: TableDefinition) {
  const keyNames = new Set<string>([table.partitionKey]);
  for (const index of table.globalSecondaryIndexes) {
    keyNames.add(index.partitionKey);
    if (index.sortKey) keyNames.add(index.sortKey);
  }
  const attributeDefinitions: AttributeDefinition[] = [...keyNames].map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributeDefinitions,
    KeySchema: [{ AttributeName: table.partitionKey, KeyType: 'HASH' as const }],
    GlobalSecondaryIndexes: table.globalSecondaryIndexes.length
      ? table.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
            ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
          ],
          Projection: localProjection(index),
        }))
      : undefined,
  };
}

/** Creates every queue of lib/resources.ts and its DLQ (with the same redrive policy as deployed). */
export async function createQueues(client: SQSClient, prefix: string): Promise<QueueUrls> {
  const urls = { queues: {}, deadLetterQueues: {} } as QueueUrls;
  for (const [key, queue] of Object.entries(queues) as [QueueKey, (typeof queues)[QueueKey]][]) {
    const fifoAttributes: Record<string, string> = queue.fifo ? { FifoQueue: 'true' } : {};
    const dlq = await client.send(
      new CreateQueueCommand({
        QueueName: physicalQueueName(prefix, queue, true),
        Attributes: { ...fifoAttributes, MessageRetentionPeriod: String(queue.dlqRetentionDays * 86_400) },
      }),
    );
    const dlqUrl = required(dlq.QueueUrl, 'DLQ url');
    const dlqArn = await queueArn(client, dlqUrl);
    const main = await client.send(
      new CreateQueueCommand({
        QueueName: physicalQueueName(prefix, queue),
        Attributes: {
          ...fifoAttributes,
          VisibilityTimeout: String(visibilityTimeoutSeconds(queue)),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: queue.maxReceiveCount }),
        },
      }),
    );
    urls.queues[key] = required(main.QueueUrl, 'queue url');
    urls.deadLetterQueues[key] = dlqUrl;
  }
  return urls;
}

/** The on-call topic (deployed: lib/constructs/on-call-paging.ts); the financial-alert function publishes to it. */
export async function createOnCallTopic(client: SNSClient, prefix: string): Promise<string> {
  const topic = await client.send(new CreateTopicCommand({ Name: `${prefix}-on-call` }));
  if (!topic.TopicArn) throw new Error('The SNS server returned no topic ARN');
  return topic.TopicArn;
}

export async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const attributes = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return required(attributes.Attributes?.QueueArn, 'queue ARN');
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The SQS server returned no ${what}`);
  return value;
}

function localProjection(index: IndexDefinition) {
  const { projectionType, nonKeyAttributes } = indexProjection(index);
  return { ProjectionType: projectionType, ...(nonKeyAttributes ? { NonKeyAttributes: [...nonKeyAttributes] } : {}) };
}
