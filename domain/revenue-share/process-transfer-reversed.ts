/**
 * transfer.reversed -> the ledger row that owns the transfer (found through its guard item) becomes REVERSED,
 * on-call is alerted, the audit row is PROCESSED. A transfer no row owns is a permanent failure.
 */

import { clawbackStatus, type MoneyMovement, reversedFromTransfer } from '../clawback/money-movements.js';
import { totalsOf } from '../clawback/process-money-event.js';
import type { RevenueShare } from '../model.js';
import { raiseAlert } from '../payouts/raise-alert.js';
import { canTransition } from '../payouts/transitions.js';
import type { AlertSink, AuditLog, Clock, LedgerStore } from '../ports.js';
import { PermanentEventError } from './permanent-event-error.js';
import { type StoredEvent, stringField } from './stripe-event.js';

export interface ProcessTransferReversedDeps {
  auditLog: AuditLog;
  ledger: LedgerStore;
  alerts: AlertSink;
  clock: Clock;
}

export interface TransferReversedResult {
  outcome: 'reversed';
  revenueShareId: string;
  districtId: string;
  invoiceId: string;
}

const MAX_VERSION_RACES = 3;

export async function processTransferReversed(
  event: StoredEvent,
  deps: ProcessTransferReversedDeps,
): Promise<TransferReversedResult> {
  const transfer = event.object;
  const transferId = stringField(transfer, 'id');
  if (!transferId) throw new PermanentEventError(`transfer.reversed event ${event.id} carries no transfer id`);
  const found = (await deps.ledger.findByTransferId(transferId)) ?? (await repaymentOwner(transfer, transferId, deps));
  if (!found) throw new PermanentEventError(`transfer ${transferId} was reversed but no ledger row owns it`);

  // The clawback's own reversals (recorded on the row) are known: nothing more to do. A partial reversal made
  // elsewhere (the dashboard) is recorded for its amount, not as a whole-row REVERSED.
  const reversedAtStripe = typeof transfer.amount_reversed === 'number' ? transfer.amount_reversed : undefined;
  const recorded = reversedFromTransfer(found.moneyHistory ?? [], transferId);
  if (found.clawbackIntent?.transferId === transferId) {
    throw new Error(`ledger row ${found.revenueShareId} has a clawback of ${transferId} in flight; retrying`);
  }
  const partial =
    reversedAtStripe !== undefined && typeof transfer.amount === 'number' && reversedAtStripe < transfer.amount;
  if (reversedAtStripe !== undefined && reversedAtStripe <= recorded) {
    await deps.auditLog.markProcessed(event.id, deps.clock.now(), {
      districtId: found.districtId,
      invoiceId: found.invoiceId,
      metadata: { revenueShareId: found.revenueShareId, stripeTransferId: transferId, known: 'clawback' },
    });
    return {
      outcome: 'reversed',
      revenueShareId: found.revenueShareId,
      districtId: found.districtId,
      invoiceId: found.invoiceId,
    };
  }
  if (reversedAtStripe !== undefined && partial) {
    return await recordPartialReversal(event, found, transferId, reversedAtStripe - recorded, deps);
  }

  const reason =
    `transfer ${transferId} reversed: ${String(transfer.amount_reversed)} of ` +
    `${String(transfer.amount)} ${String(transfer.currency)}`;
  const row = await markReversed(found, reason, deps);
  const { revenueShareId, districtId, invoiceId } = row;
  // Alert before PROCESSED: a crash in between repeats the alert rather than losing it.
  await raiseAlert(deps.alerts, deps.clock, {
    kind: 'TRANSFER_REVERSED',
    message: `${reason}; ledger row ${revenueShareId} is REVERSED`,
    stripeEventId: event.id,
    districtId,
    invoiceId,
    revenueShareId,
  });
  await deps.auditLog.markProcessed(event.id, deps.clock.now(), {
    districtId,
    invoiceId,
    metadata: { revenueShareId, stripeTransferId: transferId },
  });
  return { outcome: 'reversed', revenueShareId, districtId, invoiceId };
}

async function markReversed(start: RevenueShare, reason: string, deps: ProcessTransferReversedDeps) {
  let row = start;
  for (let race = 0; race < MAX_VERSION_RACES; race++) {
    if (row.payoutStatus === 'REVERSED') return row;
    if (!canTransition(row.payoutStatus, 'REVERSED')) {
      throw new PermanentEventError(`ledger row ${row.revenueShareId} is ${row.payoutStatus} and cannot be REVERSED`, {
        districtId: row.districtId,
        invoiceId: row.invoiceId,
      });
    }
    const result = await deps.ledger.update({
      revenueShareId: row.revenueShareId,
      expectedVersion: row.version,
      changes: { payoutStatus: 'REVERSED', lastError: reason, updatedAt: deps.clock.now().toISOString() },
    });
    if (result.updated) return result.row;
    if (!result.current) break;
    row = result.current;
  }
  throw new Error(`ledger row ${row.revenueShareId} kept changing while being marked REVERSED`);
}

/** A re-payment transfer (made by the clawback) names its row in metadata and in the row's history. */
async function repaymentOwner(
  transfer: Record<string, unknown>,
  transferId: string,
  deps: ProcessTransferReversedDeps,
): Promise<RevenueShare | undefined> {
  const metadata = transfer.metadata;
  const owner =
    typeof metadata === 'object' && metadata !== null
      ? (metadata as Record<string, unknown>).revenueShareId
      : undefined;
  if (typeof owner !== 'string') return undefined;
  const row = await deps.ledger.get(owner);
  return row?.moneyHistory?.some((m) => m.kind === 'REPAYMENT' && m.stripeId === transferId) ? row : undefined;
}

/** A reversal of part of a transfer made outside the clawback: its amount joins the history; alert. */
async function recordPartialReversal(
  event: StoredEvent,
  row: RevenueShare,
  transferId: string,
  amountCents: number,
  deps: ProcessTransferReversedDeps,
): Promise<TransferReversedResult> {
  const part = (row.transferParts ?? []).find((p) => p.stripeTransferId === transferId);
  const movement: MoneyMovement = {
    kind: 'REVERSAL',
    amountCents,
    partIndex: part?.index ?? 0,
    at: deps.clock.now().toISOString(),
    causeEventId: event.id,
    transferId,
    note: 'reversed outside this stack (transfer.reversed)',
  };
  const moneyHistory = [...(row.moneyHistory ?? []), movement];
  const totals = totalsOf({ ...row, moneyHistory });
  const status = clawbackStatus(row.shareCents, totals.reversedCents) ?? row.payoutStatus;
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    changes: {
      moneyHistory,
      reversedCents: totals.reversedCents,
      netPaidCents: totals.netPaidCents,
      owedCents: totals.owedCents,
      ...(canTransition(row.payoutStatus, status) ? { payoutStatus: status } : {}),
      updatedAt: deps.clock.now().toISOString(),
    },
  });
  if (!result.updated) throw new Error(`ledger row ${row.revenueShareId} changed while recording a reversal; retrying`);
  const { revenueShareId, districtId, invoiceId } = row;
  await raiseAlert(deps.alerts, deps.clock, {
    kind: 'TRANSFER_REVERSED',
    message: `transfer ${transferId} partly reversed outside this stack: ${amountCents} cents; ledger row ${revenueShareId} has ${totals.reversedCents} of ${row.shareCents} reversed`,
    stripeEventId: event.id,
    districtId,
    invoiceId,
    revenueShareId,
  });
  await deps.auditLog.markProcessed(event.id, deps.clock.now(), {
    districtId,
    invoiceId,
    metadata: { revenueShareId, stripeTransferId: transferId },
  });
  return { outcome: 'reversed', revenueShareId, districtId, invoiceId };
}
