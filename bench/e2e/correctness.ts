/**
 * The money checks after an end-to-end run: every event PROCESSED or FAILED in the audit log (none lost), one
 * ledger row per invoice, and at the Stripe emulator at most one transfer per ledger row and none without a row.
 */
import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { isGuardKey } from '../../adapters/dynamodb/ledger.js';

export interface CorrectnessReport {
  lost_events: number;
  failed_events: number;
  ledger_rows: number;
  ledger_rows_by_status: Record<string, number>;
  transfers: number;
  /** Ledger rows named by more than one transfer at Stripe. */
  double_transfers: number;
  /** Transfers naming no ledger row. */
  orphan_transfers: number;
}

export async function checkCorrectness(parts: {
  client: DynamoDBClient;
  auditTable: string;
  ledgerTable: string;
  eventIds: readonly string[];
  transfers: ReadonlyArray<Record<string, unknown>>;
}): Promise<CorrectnessReport> {
  const statuses = new Map<string, string>();
  for (const item of await scan(parts.client, parts.auditTable, 'stripeEventId, #status')) {
    statuses.set(String(item.stripeEventId?.S), String(item.status?.S));
  }
  const settled = (id: string) => ['PROCESSED', 'FAILED'].includes(statuses.get(id) ?? '');

  const rowsByStatus: Record<string, number> = {};
  const rowIds = new Set<string>();
  for (const item of await scan(parts.client, parts.ledgerTable, 'pk, #status', 'payoutStatus')) {
    const pk = String(item.pk?.S);
    if (isGuardKey(pk)) continue; // transfer guard items are not ledger rows
    rowIds.add(pk);
    const status = String(item.payoutStatus?.S);
    rowsByStatus[status] = (rowsByStatus[status] ?? 0) + 1;
  }

  const transfersPerRow = new Map<string, number>();
  for (const transfer of parts.transfers) {
    const rowId = String((transfer.metadata as Record<string, string> | undefined)?.revenueShareId ?? '');
    transfersPerRow.set(rowId, (transfersPerRow.get(rowId) ?? 0) + 1);
  }

  return {
    lost_events: parts.eventIds.filter((id) => !settled(id)).length,
    failed_events: parts.eventIds.filter((id) => statuses.get(id) === 'FAILED').length,
    ledger_rows: rowIds.size,
    ledger_rows_by_status: rowsByStatus,
    transfers: parts.transfers.length,
    double_transfers: [...transfersPerRow.values()].filter((count) => count > 1).length,
    orphan_transfers: [...transfersPerRow]
      .filter(([rowId]) => !rowIds.has(rowId))
      .reduce((sum, [, count]) => sum + count, 0),
  };
}

type Item = Record<string, { S?: string } | undefined>;

async function scan(client: DynamoDBClient, tableName: string, projection: string, statusName = 'status') {
  const items: Item[] = [];
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      ProjectionExpression: projection,
      ExpressionAttributeNames: { '#status': statusName },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as Item[]));
  return items;
}
