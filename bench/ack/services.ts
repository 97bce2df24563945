/**
 * The ack bench's world: DynamoDB Local, the SQS server and the Stripe emulator, with tables and queues of their own
 * for each variant (so the same events can be sent to all four), and the environment the real webhook reads.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient, localSqsClient } from '../../local/aws-clients.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { createQueues, createTables, type QueueUrls, type TableNames } from '../../local/provision.js';
import { type SqsServer, startSqsServer } from '../../local/sqs-server.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';

export interface AckServices {
  dynamodbLocal: DynamoDbLocal;
  sqsServer: SqsServer;
  stripe: StripeEmulator;
  /** The real webhook's tables and queues. */
  ack: { tables: TableNames; queues: QueueUrls };
  floor: { tables: TableNames; queues: QueueUrls };
  powertools: { idempotencyTable: string; queues: QueueUrls };
  inline: { tables: TableNames };
  stop(): Promise<void>;
}

export async function startAckServices(): Promise<AckServices> {
  const started = await Promise.allSettled([startDynamoDbLocal(), startSqsServer(), startStripeEmulator()] as const);
  const stop = async () => {
    for (const result of started) if (result.status === 'fulfilled') await result.value.stop().catch(() => undefined);
  };
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  const [dynamodbLocal, sqsServer, stripe] = started.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as [
    DynamoDbLocal,
    SqsServer,
    StripeEmulator,
  ];
  try {
    const dynamodb = localDynamoDbClient(dynamodbLocal.endpoint);
    const sqs = localSqsClient(sqsServer.endpoint);
    const services: AckServices = {
      dynamodbLocal,
      sqsServer,
      stripe,
      ack: { tables: await createTables(dynamodb, 'ack'), queues: await createQueues(sqs, 'ack') },
      floor: { tables: await createTables(dynamodb, 'floor'), queues: await createQueues(sqs, 'floor') },
      powertools: {
        idempotencyTable: await createIdempotencyTable(dynamodb, 'powertools-idempotency'),
        queues: await createQueues(sqs, 'powertools'),
      },
      inline: { tables: await createTables(dynamodb, 'inline') },
      stop,
    };
    dynamodb.destroy();
    sqs.destroy();
    return services;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The table Powertools' DynamoDB persistence layer expects: partition key `id`. */
async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<string> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  return tableName;
}
