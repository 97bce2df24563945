/**
 * transfer.reversed -> the ledger row that owns the transfer (found through its guard item, or for a re-payment
 * through its metadata) records what Stripe reversed that the row does not know yet: a REVERSAL movement of that
 * amount on the part that owns the transfer, the totals derived again, and a paid row's status from them
 * (PARTIALLY_REVERSED, or REVERSED once the whole share is taken back). On-call is alerted, the audit row is
 * PROCESSED. The clawback's own reversals are already recorded and change nothing. A transfer no row owns is a
 * permanent failure.
 */

import { clawbackStatus, type MoneyMovement, partTotals, reversedFromTransfer } from '../clawback/money-movements.js';
import { partMovements, totalsChanges } from '../clawback/row-totals.js';
import { isPaidStatus, type RevenueShare } from '../model.js';
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
  if (found.clawbackIntent?.transferId === transferId) {
    throw new Error(`ledger row ${found.revenueShareId} has a clawback of ${transferId} in flight; retrying`);
  }

  const reversedAtStripe = typeof transfer.amount_reversed === 'number' ? transfer.amount_reversed : undefined;
  const partIndex = partOwning(found, transferId);
  if (reversedAtStripe !== undefined && typeof transfer.amount === 'number' && partIndex !== undefined) {
    // Stripe's amount_reversed is cumulative: only what the row does not record yet is new (the clawback's own
    // reversals, or an earlier delivery of this reversal, are recorded already).
    const newCents = reversedAtStripe - reversedFromTransfer(found.moneyHistory ?? [], transferId);
    if (newCents <= 0) return await markKnown(event, found, transferId, deps);
    return await recordOutsideReversal(event, found, { transferId, partIndex, amountCents: newCents }, deps);
  }

  // An event without Stripe's amounts (or a row without transfer parts): the whole row is marked REVERSED.
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

/** The part a transfer belongs to: the part it paid, or the part a re-payment gave back to. */
function partOwning(row: RevenueShare, transferId: string): number | undefined {
  const part = (row.transferParts ?? []).find((p) => p.stripeTransferId === transferId);
  if (part) return part.index;
  return (row.moneyHistory ?? []).find((m) => m.kind === 'REPAYMENT' && m.stripeId === transferId)?.partIndex;
}

async function markKnown(
  event: StoredEvent,
  row: RevenueShare,
  transferId: string,
  deps: ProcessTransferReversedDeps,
): Promise<TransferReversedResult> {
  const { revenueShareId, districtId, invoiceId } = row;
  await deps.auditLog.markProcessed(event.id, deps.clock.now(), {
    districtId,
    invoiceId,
    metadata: { revenueShareId, stripeTransferId: transferId, known: 'clawback' },
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

/**
 * A reversal made outside the clawback (the dashboard), in part or in whole: its amount joins the history of the
 * part that owns the transfer; alert. It settles what the part's district still owes first (a refused reversal, then
 * the dashboard reversed it): as much as it takes back, up to the debt, is OWED_FORGIVEN.
 */
async function recordOutsideReversal(
  event: StoredEvent,
  row: RevenueShare,
  reversal: { transferId: string; partIndex: number; amountCents: number },
  deps: ProcessTransferReversedDeps,
): Promise<TransferReversedResult> {
  const { transferId, partIndex, amountCents } = reversal;
  const at = deps.clock.now().toISOString();
  const base = { partIndex, at, causeEventId: event.id };
  const reversed: MoneyMovement = {
    ...base,
    kind: 'REVERSAL',
    amountCents,
    transferId,
    note: 'reversed outside this stack (transfer.reversed)',
  };
  const movements = [reversed];
  const settledCents = owedSettledBy(row, partIndex, reversed);
  if (settledCents > 0) {
    movements.push({
      ...base,
      kind: 'OWED_FORGIVEN',
      amountCents: settledCents,
      transferId,
      note: 'settled by the reversal outside this stack',
    });
  }
  const moneyHistory = [...(row.moneyHistory ?? []), ...movements];
  const totals = totalsChanges({ ...row, moneyHistory });
  // A row not yet verified stays PENDING: mark-paid accepts the reversals the row records and sets the status then.
  const status = isPaidStatus(row.payoutStatus)
    ? (clawbackStatus(row.shareCents, totals.reversedCents) ?? 'PAID')
    : row.payoutStatus;
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    changes: {
      moneyHistory,
      ...totals,
      ...(canTransition(row.payoutStatus, status) ? { payoutStatus: status } : {}),
      updatedAt: at,
    },
  });
  if (!result.updated) throw new Error(`ledger row ${row.revenueShareId} changed while recording a reversal; retrying`);
  const { revenueShareId, districtId, invoiceId } = row;
  const over = totals.reversedCents - row.shareCents;
  await raiseAlert(deps.alerts, deps.clock, {
    kind: 'TRANSFER_REVERSED',
    message:
      `transfer ${transferId} reversed outside this stack: ${amountCents} cents` +
      (settledCents > 0 ? ` (${settledCents} of them settle what the district owed)` : '') +
      `; ledger row ${revenueShareId} has ${totals.reversedCents} of ${row.shareCents} reversed` +
      (over > 0 ? `, ${over} cents more than its share` : '') +
      `, status ${result.row.payoutStatus}`,
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

/**
 * Of what the part still owes, how much `reversal` pays: all of it, up to the reversal's amount. A refused reversal
 * is owed; the dashboard reversal that follows collects that debt, so it is not owed (and netted) a second time.
 */
function owedSettledBy(row: RevenueShare, partIndex: number, reversal: MoneyMovement): number {
  const part = (row.transferParts ?? []).find((p) => p.index === partIndex);
  if (!part) return 0;
  const { shareCents, movements } = partMovements(row, part);
  const { owedCents } = partTotals(shareCents, movements);
  return Math.max(0, Math.min(owedCents, reversal.amountCents));
}
