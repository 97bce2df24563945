/**
 * Counts what an AWS SDK client sends, by service and operation, from a middleware on the client's stack:
 * HTTP requests (SDK attempts), DynamoDB read and write request units (asked for with ReturnConsumedCapacity and
 * read from the answer), and SQS requests in the 64 KB chunks SQS bills. Counts go to the current `label`.
 */
import { itemSizeBytes } from './item-size.js';

export interface OperationTally {
  requests: number;
  failures: number;
  /** DynamoDB read request units (strongly consistent: 1 per 4 KB). */
  readUnits: number;
  /** DynamoDB write request units (1 per KB; GSI writes included). */
  writeUnits: number;
  /** SQS: requests as billed, one per 64 KB of payload. */
  billedRequests: number;
  /** SQS: messages the requests carried. */
  messages: number;
}

export type Tallies = Record<string, OperationTally>;

/** The slice of an SDK v3 client this needs. */
export interface SdkClient {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; priority: 'high' }): void;
  };
}

type Args = { input: Record<string, unknown> };
type Next = (args: Args) => Promise<{ output: Record<string, unknown> }>;
type Context = { commandName?: string };

const DYNAMODB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const CAPACITY_OPERATIONS = new Set([
  ...DYNAMODB_READS,
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
/**
 * DynamoDB Local reports 4 write units per KB per item of a TransactWriteItems; AWS bills 2 ("transactional write
 * requests require 2 write request units per 1 KB item"). Checked on DynamoDB Local 1.25.1 with one-item transactions.
 */
const LOCAL_TRANSACTION_UNIT_FACTOR = 0.5;
const SQS_CHUNK_BYTES = 64 * 1024;

export class RequestCounter {
  label = 'all';
  private readonly byLabel = new Map<string, Tallies>();

  attach(client: SdkClient, service: 'dynamodb' | 'sqs'): void {
    const middleware = (next: Next, context: Context) => async (args: Args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      if (service === 'dynamodb' && CAPACITY_OPERATIONS.has(operation)) {
        args.input.ReturnConsumedCapacity ??= 'INDEXES';
      }
      const label = this.label;
      try {
        const result = await next(args);
        if (service === 'dynamodb') this.recordDynamoDb(label, operation, args.input, result.output);
        else this.recordSqs(label, operation, args.input, result.output);
        return result;
      } catch (error) {
        if (service === 'dynamodb') this.recordDynamoDbFailure(label, operation, args.input, error);
        else this.tally(label, `sqs.${queueKind(args.input)}.${operation}`, { requests: 1, failures: 1 });
        throw error;
      }
    };
    client.middlewareStack.add(middleware, {
      step: 'initialize',
      name: `benchRequestCounter-${service}`,
      priority: 'high',
    });
  }

  tallies(label = this.label): Tallies {
    return structuredClone(this.byLabel.get(label) ?? {});
  }

  labels(): string[] {
    return [...this.byLabel.keys()];
  }

  reset(): void {
    this.byLabel.clear();
  }

  private recordDynamoDb(
    label: string,
    operation: string,
    input: Record<string, unknown>,
    output: Record<string, unknown>,
  ) {
    const factor = operation === 'TransactWriteItems' ? LOCAL_TRANSACTION_UNIT_FACTOR : 1;
    const units = consumedUnits(output.ConsumedCapacity) * factor;
    const isRead = DYNAMODB_READS.has(operation);
    this.tally(label, `dynamodb.${operation}.${tablesOf(input)}`, {
      requests: attempts(output),
      readUnits: isRead ? units : 0,
      writeUnits: isRead ? 0 : units,
    });
  }

  /** A failed condition is billed (the existing item's size, at least 1 unit) but reports no capacity. */
  private recordDynamoDbFailure(label: string, operation: string, input: Record<string, unknown>, error: unknown) {
    const failed = error as { name?: string; Item?: Record<string, unknown>; $metadata?: { attempts?: number } };
    let writeUnits = 0;
    if (failed.name === 'ConditionalCheckFailedException') {
      const item = failed.Item ?? (input.Item as Record<string, unknown> | undefined);
      writeUnits = Math.max(1, Math.ceil((item ? itemSizeBytes(item) : 0) / 1024));
    }
    this.tally(label, `dynamodb.${operation}.${tablesOf(input)}`, {
      requests: failed.$metadata?.attempts ?? 1,
      failures: 1,
      writeUnits,
    });
  }

  private recordSqs(label: string, operation: string, input: Record<string, unknown>, output: Record<string, unknown>) {
    const { messages, bytes } = sqsPayload(operation, input, output);
    const empty = operation === 'ReceiveMessage' && messages === 0;
    const requests = attempts(output);
    this.tally(label, `sqs.${queueKind(input)}.${operation}${empty ? '.empty' : ''}`, {
      requests,
      billedRequests: requests * Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES)),
      messages,
    });
  }

  private tally(label: string, key: string, add: Partial<OperationTally>): void {
    let tallies = this.byLabel.get(label);
    if (!tallies) {
      tallies = {};
      this.byLabel.set(label, tallies);
    }
    const current = tallies[key] ?? emptyTally();
    tallies[key] = current;
    for (const [field, value] of Object.entries(add) as [keyof OperationTally, number][]) current[field] += value;
  }
}

export const emptyTally = (): OperationTally => ({
  requests: 0,
  failures: 0,
  readUnits: 0,
  writeUnits: 0,
  billedRequests: 0,
  messages: 0,
});

const attempts = (output: Record<string, unknown>): number =>
  (output.$metadata as { attempts?: number } | undefined)?.attempts ?? 1;

function consumedUnits(consumed: unknown): number {
  const entries = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return entries.reduce(
    (sum: number, entry) => sum + Number((entry as { CapacityUnits?: number }).CapacityUnits ?? 0),
    0,
  );
}

/** The logical table name(s) a request touches: local physical names are `<prefix>-<Table>`. */
function tablesOf(input: Record<string, unknown>): string {
  const names = new Set<string>();
  if (typeof input.TableName === 'string') names.add(input.TableName);
  for (const item of (input.TransactItems as Record<string, { TableName?: string }>[] | undefined) ?? []) {
    for (const operation of Object.values(item)) if (operation.TableName) names.add(operation.TableName);
  }
  for (const name of Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {})) names.add(name);
  return (
    [...names]
      .map((name) => name.split('-').pop())
      .sort()
      .join('+') || 'unknown'
  );
}

const queueKind = (input: Record<string, unknown>): 'fifo' | 'standard' =>
  String(input.QueueUrl ?? '').endsWith('.fifo') ? 'fifo' : 'standard';

function sqsPayload(operation: string, input: Record<string, unknown>, output: Record<string, unknown>) {
  const bodyBytes = (body: unknown) => Buffer.byteLength(String(body ?? ''));
  switch (operation) {
    case 'SendMessage':
      return { messages: 1, bytes: bodyBytes(input.MessageBody) };
    case 'SendMessageBatch': {
      const entries = (input.Entries as { MessageBody?: string }[] | undefined) ?? [];
      return { messages: entries.length, bytes: entries.reduce((sum, e) => sum + bodyBytes(e.MessageBody), 0) };
    }
    case 'ReceiveMessage': {
      const received = (output.Messages as { Body?: string }[] | undefined) ?? [];
      return { messages: received.length, bytes: received.reduce((sum, m) => sum + bodyBytes(m.Body), 0) };
    }
    case 'DeleteMessageBatch':
    case 'ChangeMessageVisibilityBatch':
      return { messages: ((input.Entries as unknown[] | undefined) ?? []).length, bytes: 0 };
    default:
      return { messages: 1, bytes: 0 };
  }
}
