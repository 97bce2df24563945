/**
 * Waits until every expected ledger row is PAID or time runs out. PAID rows are in no index (the status index is
 * sparse), and a Scan of the whole ledger every second would compete with the stack for the machine, so each poll
 * reads by key (BatchGetItem, 100 keys a request, status only) just the rows not yet seen PAID. Its client is not
 * counted by the cost section.
 */
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { sleep } from '../concurrency.js';

const POLL_MS = 1_000;
const KEYS_PER_REQUEST = 100;

export interface PaidWait {
  completed: boolean;
  paid: number;
  /** performance.now() when the last row was seen PAID (or when waiting stopped). */
  at: number;
}

export async function waitUntilPaid(
  client: DynamoDBClient,
  tableName: string,
  invoiceIds: readonly string[],
  deadline: number,
  onProgress: (paid: number) => void,
): Promise<PaidWait> {
  const waiting = new Set(invoiceIds.map(deriveRevenueShareId));
  const expected = waiting.size;
  let lastReport = 0;
  while (performance.now() < deadline) {
    for (const id of await paidAmong(client, tableName, [...waiting])) waiting.delete(id);
    const paid = expected - waiting.size;
    if (waiting.size === 0) return { completed: true, paid, at: performance.now() };
    if (performance.now() - lastReport > 10_000) {
      onProgress(paid);
      lastReport = performance.now();
    }
    await sleep(POLL_MS);
  }
  return { completed: false, paid: expected - waiting.size, at: performance.now() };
}

async function paidAmong(client: DynamoDBClient, tableName: string, ids: readonly string[]): Promise<string[]> {
  const paid: string[] = [];
  for (let start = 0; start < ids.length; start += KEYS_PER_REQUEST) {
    let request: KeysAndAttributes | undefined = {
      Keys: ids.slice(start, start + KEYS_PER_REQUEST).map((pk) => ({ pk: { S: pk } })),
      ProjectionExpression: 'pk, payoutStatus',
    };
    while (request?.Keys && request.Keys.length > 0) {
      const answer: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: request } }),
      );
      for (const item of answer.Responses?.[tableName] ?? []) {
        if (item.payoutStatus?.S === 'PAID' && item.pk?.S) paid.push(item.pk.S);
      }
      request = answer.UnprocessedKeys?.[tableName];
    }
  }
  return paid;
}
