/**
 * What every fault scenario ends by checking, read from the tables and the emulator (not through the adapters
 * under test): no event lost (each is PROCESSED, or FAILED with a reason), and no money moved wrongly (exactly one
 * transfer per ledger row, the row recording that transfer, no transfer without a row, every row paid).
 */
import { expect } from 'vitest';
import type { QueueKey } from '#contracts/resources.js';
import type { StripeEmulator } from '../../../local/stripe-emulator/index.js';
import type { FaultStack } from './fault-stack.js';

export interface MoneyReport {
  events: number;
  processed: number;
  /** FAILED, with the reason recorded. */
  failed: Array<{ stripeEventId: string; errorMessage: string }>;
  /** Neither PROCESSED nor FAILED-with-a-reason (or no audit row at all). */
  lost: Array<{ stripeEventId: string; status: string; leaseExpiresAt?: string }>;
  ledgerRows: number;
  transfers: number;
  guardItems: number;
  /** Rows with more than one transfer at Stripe. */
  doubleTransfers: Array<{ revenueShareId: string; transferIds: string[] }>;
  /** Rows of auto-transferring districts with no transfer at Stripe. */
  rowsWithoutTransfer: string[];
  /** Transfers at Stripe that name no ledger row. */
  transfersWithoutRow: string[];
  /** Rows whose stripeTransferId is not the transfer Stripe holds for them. */
  misrecorded: Array<{ revenueShareId: string; recorded?: string; atStripe: string }>;
  notPaid: Array<{ revenueShareId: string; payoutStatus: string; lastError?: string }>;
  deadLettered: Record<QueueKey, number>;
}

export async function moneyReport(
  stack: FaultStack,
  emulator: StripeEmulator,
  eventIds: readonly string[],
): Promise<MoneyReport> {
  const [audit, ledger, depths] = await Promise.all([stack.auditRows(), stack.ledger(), stack.depths()]);
  const auditById = new Map(audit.map((row) => [String(row.stripeEventId), row]));
  const report: MoneyReport = {
    events: eventIds.length,
    processed: 0,
    failed: [],
    lost: [],
    ledgerRows: ledger.rows.length,
    transfers: 0,
    guardItems: ledger.guards.length,
    doubleTransfers: [],
    rowsWithoutTransfer: [],
    transfersWithoutRow: [],
    misrecorded: [],
    notPaid: [],
    deadLettered: depths.deadLettered,
  };

  for (const stripeEventId of new Set(eventIds)) {
    const row = auditById.get(stripeEventId);
    const status = String(row?.status ?? 'MISSING');
    const errorMessage = typeof row?.errorMessage === 'string' ? row.errorMessage : '';
    if (status === 'PROCESSED') report.processed++;
    else if (status === 'FAILED' && errorMessage) report.failed.push({ stripeEventId, errorMessage });
    else report.lost.push({ stripeEventId, status, leaseExpiresAt: row?.leaseExpiresAt as string | undefined });
  }

  const transfers = emulator.transfers();
  report.transfers = transfers.length;
  const transfersByRow = new Map<string, string[]>();
  for (const transfer of transfers) {
    const metadata = (transfer.metadata ?? {}) as Record<string, string>;
    const rowId = metadata.revenueShareId ?? '';
    transfersByRow.set(rowId, [...(transfersByRow.get(rowId) ?? []), String(transfer.id)]);
  }
  const rowIds = new Set(ledger.rows.map((row) => row.revenueShareId));
  for (const [rowId, ids] of transfersByRow) {
    if (!rowIds.has(rowId)) report.transfersWithoutRow.push(...ids);
  }
  for (const row of ledger.rows) {
    const ids = transfersByRow.get(row.revenueShareId) ?? [];
    if (ids.length > 1) report.doubleTransfers.push({ revenueShareId: row.revenueShareId, transferIds: ids });
    if (ids.length === 0 && row.shareCents > 0 && row.transferAttempt > 0) {
      report.rowsWithoutTransfer.push(row.revenueShareId);
    }
    const [atStripe] = ids;
    if (atStripe && row.stripeTransferId !== atStripe) {
      report.misrecorded.push({
        revenueShareId: row.revenueShareId,
        ...(row.stripeTransferId ? { recorded: row.stripeTransferId } : {}),
        atStripe,
      });
    }
    if (row.payoutStatus !== 'PAID') {
      report.notPaid.push({
        revenueShareId: row.revenueShareId,
        payoutStatus: row.payoutStatus,
        ...(row.lastError ? { lastError: row.lastError } : {}),
      });
    }
  }
  return report;
}

/** The report with its long lists cut, for a readable assertion message and log line. */
export function summarize(report: MoneyReport): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(report).map(([key, value]) => [
      key,
      Array.isArray(value) && value.length > 5 ? [...value.slice(0, 5), `… ${value.length} in all`] : value,
    ]),
  );
}

/**
 * None lost, none paid twice: every event PROCESSED or FAILED with a reason, exactly one transfer per ledger row
 * and recorded on it (with its guard item), no transfer without a row, every row PAID, nothing dead-lettered.
 */
export function expectNothingLostNothingPaidTwice(report: MoneyReport): void {
  const context = JSON.stringify(summarize(report));
  expect(report.lost, context).toEqual([]);
  expect(report.doubleTransfers, context).toEqual([]);
  expect(report.transfersWithoutRow, context).toEqual([]);
  expect(report.rowsWithoutTransfer, context).toEqual([]);
  expect(report.misrecorded, context).toEqual([]);
  expect(report.notPaid, context).toEqual([]);
  expect(report.transfers, context).toBe(report.ledgerRows);
  expect(report.guardItems, context).toBe(report.ledgerRows);
  expect(report.deadLettered, context).toEqual({ revenueShare: 0, transfer: 0, markPaid: 0, alerts: 0 });
}
