/**
 * Waits until the ledger holds `expected` PAID rows or time runs out. PAID rows are in no index (the status index is
 * sparse: rows waiting for a person), so they are counted by a Scan with this client, whose requests the cost
 * section does not count.
 */
import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { sleep } from '../concurrency.js';

const POLL_MS = 1_000;

export interface PaidWait {
  completed: boolean;
  paid: number;
  /** performance.now() when the last row was seen PAID (or when waiting stopped). */
  at: number;
}

export async function waitUntilPaid(
  client: DynamoDBClient,
  tableName: string,
  expected: number,
  deadline: number,
  onProgress: (paid: number) => void,
): Promise<PaidWait> {
  let paid = 0;
  let lastReport = 0;
  while (performance.now() < deadline) {
    paid = await countPaid(client, tableName);
    if (paid >= expected) return { completed: true, paid, at: performance.now() };
    if (performance.now() - lastReport > 10_000) {
      onProgress(paid);
      lastReport = performance.now();
    }
    await sleep(POLL_MS);
  }
  return { completed: false, paid, at: performance.now() };
}

async function countPaid(client: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: '#status = :paid',
      ExpressionAttributeNames: { '#status': 'payoutStatus' },
      ExpressionAttributeValues: { ':paid': { S: 'PAID' } },
      Select: 'COUNT',
    },
  );
  for await (const page of pages) count += page.Count ?? 0;
  return count;
}
