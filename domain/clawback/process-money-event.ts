/**
 * Money that comes back: charge.refunded, refund.updated, refund.failed and charge.dispute.* name a charge; the row
 * that charge paid (found through Stripe: row-paid-by.ts) is brought to the clawback target of the charge as Stripe has it
 * now (domain/clawback/charge-state.ts), one movement at a time, each written as an intent before it is sent.
 * credit_note.created is attribution only: the refund it makes arrives as its own charge.refunded, which moves the
 * money, so a credit note and its refund never reverse twice.
 */
import { isPaidStatus, type RevenueShare, type TransferMessage, type TransferPart } from '../model.js';
import { idempotencyKeyMayBeGone } from '../payouts/idempotency-window.js';
import { transferSendOptions } from '../payouts/messages.js';
import { raiseAlert } from '../payouts/raise-alert.js';
import { partsOf } from '../payouts/transfer-plan.js';
import { canRestoreToPending } from '../payouts/transitions.js';
import {
  type AlertSink,
  type AuditLog,
  type ClawbackProvider,
  type Clock,
  type DistrictStore,
  type LedgerStore,
  type MessageQueue,
  PaymentProviderError,
  type ProviderTransfer,
} from '../ports.js';
import { PermanentEventError } from '../revenue-share/permanent-event-error.js';
import { type StoredEvent, stringField } from '../revenue-share/stripe-event.js';
import { chargePartPlans } from './charge-part-plans.js';
import type { ChargeSnapshot } from './charge-state.js';
import type { ClawbackIntent } from './clawback-intent.js';
import { CLAWBACK_KEY_METADATA_KEY, type DisputeCause, repaymentTransferGroupOf } from './clawback-keys.js';
import { DEFAULT_DISPUTE_POLICY, type DisputePolicy, disputeOutcome } from './dispute-policy.js';
import { chargeIdOfMoneyEvent } from './money-event-charge.js';
import { clawbackStatus, type MoneyMovement, withRefusedRepayment } from './money-movements.js';
import { type MovementContext, movementOf, refusedRepayment, refusedReversal } from './plan-clawback.js';
import { rowPaidBy } from './row-paid-by.js';
import { isSettledWithoutTransfer, totalsChanges } from './row-totals.js';

export interface MoneyEventDeps {
  auditLog: AuditLog;
  ledger: LedgerStore;
  districts: DistrictStore;
  provider: ClawbackProvider;
  alerts: AlertSink;
  clock: Clock;
  /** A row cancelled before its transfer that got its money back is paid after all: its transfer is queued. */
  transferQueue: MessageQueue<TransferMessage>;
}

export interface MoneyEventResult {
  outcome: 'clawback' | 'attributed';
  revenueShareId?: string;
  districtId?: string;
  invoiceId?: string;
  reversedCents?: number;
  netPaidCents?: number;
  owedCents?: number;
}

const MAX_STEPS = 20;

export async function processMoneyEvent(event: StoredEvent, deps: MoneyEventDeps): Promise<MoneyEventResult> {
  if (event.type === 'credit_note.created') return await attribute(event, deps);
  const chargeId = chargeIdOf(event);
  const dispute = disputeCauseOf(event);
  // The charge is read twice: first for the invoices it paid, then, once the row is read, for the target. A target
  // from a snapshot older than the row could sit below a clawback another money event made meanwhile, and would pay
  // that clawback back; a snapshot read after the row is at least as new as every clawback the row records.
  const found = await rowPaidBy(await deps.provider.chargeSnapshot(chargeId), deps);
  if (!found) throw new PermanentEventError(`no ledger row was paid by charge ${chargeId} (${event.type} ${event.id})`);
  const context = { districtId: found.districtId, invoiceId: found.invoiceId };
  const { row, policy, refusedRepayments } = await bringChargeToTarget(found, chargeId, deps, event.id, dispute);
  // A dispute Stripe reports already closed (prevented before it became a chargeback) opened nothing to warn of.
  const createdOpen =
    dispute?.step === 'created' && disputeOutcome(stringField(event.object, 'status') ?? '') === 'open';
  if (createdOpen && dispute) {
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'DISPUTE_OPENED',
      severity: 'warning',
      message: `dispute ${dispute.disputeId} opened on charge ${chargeId}; under ${policy} the share is now ${row.netPaidCents ?? row.shareCents} of ${row.shareCents} cents`,
      stripeEventId: event.id,
      revenueShareId: row.revenueShareId,
      ...context,
    });
  }
  await queueTransferIfDue(row, event.id, deps);
  if (refusedRepayments.length > 0) {
    // Not PROCESSED: re-sync replays a FAILED event (the catch-up's on every run), and that replay asks again with a
    // new key, so funding the platform balance is all it takes. REPAYMENT_REFUSED was the page: no EVENT_FAILED too.
    throw new PermanentEventError(`re-payment refused: ${refusedRepayments.join('; ')}`, context, { alerted: true });
  }
  await deps.auditLog.markProcessed(event.id, deps.clock.now(), {
    ...context,
    metadata: { revenueShareId: row.revenueShareId, chargeId },
  });
  return {
    outcome: 'clawback',
    revenueShareId: row.revenueShareId,
    ...context,
    reversedCents: row.reversedCents ?? 0,
    netPaidCents: row.netPaidCents ?? row.shareCents,
    owedCents: row.owedCents ?? 0,
  };
}

export type ClawbackDeps = Pick<MoneyEventDeps, 'ledger' | 'districts' | 'provider' | 'alerts' | 'clock'>;

/**
 * A PENDING row with a part that has money to transfer and no transfer (its money came back: reduceTransfer restored
 * it) needs a transfer message for its attempt. Sent before the event is PROCESSED, on every delivery, as invoice.paid
 * does: a crash after the restore is repaired by the retry, and the FIFO dedup id drops the duplicates. That id is
 * (row, attempt) while no part is transferred (a cancelled row restored gets a new attempt). Once a part is, the
 * attempt's message was consumed, maybe under 5 minutes ago, and a second one under its id would be dropped: the
 * money event names it. The transfer worker transfers only the parts without a transfer (it lists the row's transfer
 * group, its plan having changed), then queues the verification of them all.
 * A district without automatic transfers (attempt 0) waits for a person, as it did before the money went back.
 */
async function queueTransferIfDue(row: RevenueShare, eventId: string, deps: MoneyEventDeps): Promise<void> {
  const parts = partsOf(row);
  const due =
    row.payoutStatus === 'PENDING' &&
    row.transferAttempt > 0 &&
    parts.some((part) => part.stripeTransferId === undefined && part.amountCents > 0);
  if (!due) return;
  const started = row.stripeTransferId !== undefined || parts.some((part) => part.stripeTransferId !== undefined);
  const message = { revenueShareId: row.revenueShareId, transferAttempt: row.transferAttempt };
  await deps.transferQueue.send(message, transferSendOptions(message, started ? eventId : undefined));
}

/**
 * Brings the parts of `found` paid by `chargeId` to the clawback target of the charge as Stripe has it now (read
 * here, after `found`: see processMoneyEvent), one movement at a time, then sets the status from what was taken
 * back. A part whose re-payment Stripe refused is left short of its target (its refusal recorded and alerted, in
 * `refusedRepayments`); the other parts are still brought to theirs. Also run by the transfer worker after it records
 * a transfer made for a plan a refund has since made smaller (the money event that came meanwhile saw no transfer to
 * reverse): the result converges whichever came first.
 */
export async function bringChargeToTarget(
  found: RevenueShare,
  chargeId: string,
  deps: ClawbackDeps,
  causeEventId?: string,
  dispute?: DisputeCause,
): Promise<{ row: RevenueShare; policy: DisputePolicy; refusedRepayments: string[] }> {
  const district = await deps.districts.get(found.districtId);
  const policy = district?.disputePolicy ?? DEFAULT_DISPUTE_POLICY;
  const charge = await deps.provider.chargeSnapshot(chargeId);
  // Re-payments Stripe refused in this run, by part: not asked again now (the cause is not fixed in between).
  const refused = new Map<number, string>();
  let row = found;
  for (let step = 0; step < MAX_STEPS; step++) {
    if (row.clawbackIntent) {
      row = await completeIntent(row, row.clawbackIntent, deps, refused);
      continue;
    }
    const next = nextStep(row, charge, policy, refused, causeEventId, dispute);
    if (!next) break;
    row = await next(row, deps);
  }
  if (row.clawbackIntent || nextStep(row, charge, policy, refused, causeEventId, dispute)) {
    throw new Error(`ledger row ${row.revenueShareId} did not reach its clawback target in ${MAX_STEPS} steps`);
  }
  return { row: await settleStatus(row, deps), policy, refusedRepayments: [...refused.values()] };
}

function chargeIdOf(event: StoredEvent): string {
  const id = chargeIdOfMoneyEvent(event);
  if (!id) throw new PermanentEventError(`${event.type} event ${event.id} names no charge`);
  return id;
}

function disputeCauseOf(event: StoredEvent): DisputeCause | undefined {
  if (!event.type.startsWith('charge.dispute.')) return undefined;
  const disputeId = stringField(event.object, 'id') ?? 'dispute';
  const step = event.type.slice('charge.dispute.'.length);
  const byStatus = step === 'closed' || step === 'updated';
  return { disputeId, step: byStatus ? (stringField(event.object, 'status') ?? step) : step };
}

type Step = (row: RevenueShare, deps: ClawbackDeps) => Promise<RevenueShare>;

function nextStep(
  row: RevenueShare,
  charge: ChargeSnapshot,
  policy: DisputePolicy,
  refused: Map<number, string>,
  causeEventId: string | undefined,
  dispute: DisputeCause | undefined,
): Step | undefined {
  for (const { part, shareCents, movements, plan, atTarget } of chargePartPlans(row, charge, policy, dispute)) {
    // (`none` is at its target: named again so the plan's type narrows.)
    if (atTarget || plan.action === 'none' || (plan.action === 'repay' && refused.has(part.index))) continue;
    if (plan.action === 'reduce-transfer') {
      return (current, deps) => reduceTransfer(current, part.index, shareCents, plan.transferCents, deps);
    }
    // A transfer made but not yet verified is reversed now, against its recorded id: mark-paid accepts the
    // reversals the row records (domain/payouts/transfer-verification.ts), so nothing waits or dead-letters.
    const context = {
      partIndex: part.index,
      chargeId: charge.chargeId,
      ...(causeEventId ? { causeEventId } : {}),
      ...(dispute ? { dispute } : {}),
    };
    if (plan.action === 'reverse' || plan.action === 'repay') {
      const intent: Omit<ClawbackIntent, 'at'> = {
        action: plan.action,
        partIndex: part.index,
        amountCents: plan.amountCents,
        idempotencyKey: plan.idempotencyKey,
        ...(plan.action === 'reverse' ? { transferId: plan.transferId } : {}),
        ...(plan.action === 'repay' && paysItsOwnTransfer(row, part, movements) && part.sourceChargeId
          ? { sourceChargeId: part.sourceChargeId }
          : {}),
        chargeId: charge.chargeId,
        ...(causeEventId ? { causeEventId } : {}),
        ...(dispute ? { disputeId: dispute.disputeId, disputeStep: dispute.step } : {}),
      };
      return async (current, deps) => {
        // The time it is first sent: a retry after the idempotency window looks for what it made (madeEarlier).
        const written = { ...intent, at: deps.clock.now().toISOString() };
        return completeIntent(await writeIntent(current, written, deps), written, deps, refused);
      };
    }
    return (current, deps) =>
      record(current, [movementOf(plan, { ...context, at: deps.clock.now().toISOString() })], deps);
  }
  return undefined;
}

/**
 * The first re-payment of a part its row was verified without (its charge went back before the transfer, then the
 * money came back) stands in for the transfer it never had: it is funded by the part's charge (source_transaction),
 * which no transfer drew on yet, as that transfer would have been. Later re-payments of it are paid as every other
 * re-payment, from the platform balance: the charge may already fund as much as it can.
 */
const paysItsOwnTransfer = (row: RevenueShare, part: TransferPart, movements: readonly MoneyMovement[]): boolean =>
  isSettledWithoutTransfer(row, part) && !movements.some((m) => m.kind === 'REPAYMENT');

async function writeIntent(row: RevenueShare, intent: ClawbackIntent, deps: ClawbackDeps): Promise<RevenueShare> {
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    changes: { clawbackIntent: intent, updatedAt: deps.clock.now().toISOString() },
  });
  if (result.updated) return result.row;
  if (!result.current) throw new Error(`ledger row ${row.revenueShareId} vanished`);
  // Another worker moved first: start again from what it wrote (its intent, if any, is completed next).
  throw new Error(`ledger row ${row.revenueShareId} changed while planning its clawback; retrying`);
}

/** Sends the intent (same key, same amount on every retry) and records what Stripe answered. */
async function completeIntent(
  row: RevenueShare,
  intent: ClawbackIntent,
  deps: ClawbackDeps,
  refused: Map<number, string>,
): Promise<RevenueShare> {
  if (!row.clawbackIntent || row.clawbackIntent.idempotencyKey !== intent.idempotencyKey) {
    throw new Error(`ledger row ${row.revenueShareId} holds another clawback intent; retrying`);
  }
  const context = {
    partIndex: intent.partIndex,
    at: deps.clock.now().toISOString(),
    ...(intent.chargeId ? { chargeId: intent.chargeId } : {}),
    ...(intent.causeEventId ? { causeEventId: intent.causeEventId } : {}),
    ...(intent.disputeId ? { dispute: { disputeId: intent.disputeId, step: intent.disputeStep ?? '' } } : {}),
  };
  const metadata = {
    revenueShareId: row.revenueShareId,
    [CLAWBACK_KEY_METADATA_KEY]: intent.idempotencyKey,
    ...(intent.causeEventId ? { stripeEventId: intent.causeEventId } : {}),
  };
  if (intent.action === 'reverse') {
    const plan = {
      action: 'reverse' as const,
      transferId: intent.transferId ?? '',
      amountCents: intent.amountCents,
      idempotencyKey: intent.idempotencyKey,
    };
    const made = await madeEarlier(row, intent, deps);
    if (made) return await record(row, [movementOf(plan, context, made)], deps, true);
    try {
      const reversal = await deps.provider.createReversal(
        plan.transferId,
        plan.amountCents,
        metadata,
        plan.idempotencyKey,
      );
      return await record(row, [movementOf(plan, context, reversal.id)], deps, true);
    } catch (error) {
      if (!(error instanceof PaymentProviderError) || !error.permanent) throw error;
      const owed = refusedReversal(plan, context, `${error.code}: ${error.message}`);
      const updated = await record(row, [owed], deps, true);
      await raiseAlert(deps.alerts, deps.clock, {
        kind: 'REVERSAL_REFUSED',
        message:
          `Stripe refused reversing ${plan.amountCents} cents of ${plan.transferId} (${error.code}); district ` +
          `${row.districtId} owes it (row ${row.revenueShareId} owes ${updated.owedCents ?? 0} cents)`,
        ...(intent.causeEventId ? { stripeEventId: intent.causeEventId } : {}),
        districtId: row.districtId,
        invoiceId: row.invoiceId,
        revenueShareId: row.revenueShareId,
      });
      return updated;
    }
  }
  const plan = { action: 'repay' as const, amountCents: intent.amountCents, idempotencyKey: intent.idempotencyKey };
  const made = await madeEarlier(row, intent, deps);
  if (made) return await record(row, [movementOf(plan, context, made)], deps, true);
  let transfer: ProviderTransfer;
  try {
    transfer = await deps.provider.createTransfer(
      {
        amountCents: intent.amountCents,
        currency: row.currency,
        destinationAccountId: row.destinationAccountId,
        transferGroup: repaymentTransferGroupOf(row.revenueShareId),
        metadata: { ...metadata, invoiceId: row.invoiceId, districtId: row.districtId },
        description: `Re-payment of the share of ${row.invoiceId}`,
        ...(intent.sourceChargeId ? { sourceTransaction: intent.sourceChargeId } : {}),
      },
      intent.idempotencyKey,
    );
  } catch (error) {
    if (!(error instanceof PaymentProviderError) || !error.permanent) throw error;
    return await recordRefusedRepayment(
      row,
      intent,
      { ...context, at: deps.clock.now().toISOString() },
      error,
      deps,
      refused,
    );
  }
  return await record(row, [movementOf(plan, context, transfer.id)], deps, true);
}

/**
 * The Stripe id of the reversal or re-payment this intent already made, looked up once its key may have expired
 * (the intent was first sent over the idempotency window ago: its message dead-lettered and was re-driven later).
 * Stripe would execute the re-send as a new request: the district charged twice, or paid twice. Within the window
 * nothing is looked up: the re-send with the same key returns what was made.
 */
async function madeEarlier(row: RevenueShare, intent: ClawbackIntent, deps: ClawbackDeps): Promise<string | undefined> {
  if (!idempotencyKeyMayBeGone(intent.at, deps.clock.now())) return undefined;
  const madeByIntent = (metadata: Record<string, string>) =>
    metadata[CLAWBACK_KEY_METADATA_KEY] === intent.idempotencyKey;
  if (intent.action === 'reverse') {
    const reversals = await deps.provider.findReversals(intent.transferId ?? '');
    return reversals.find((reversal) => madeByIntent(reversal.metadata))?.id;
  }
  const transfers = await deps.provider.findTransfersByGroup(repaymentTransferGroupOf(row.revenueShareId));
  return transfers.find((transfer) => madeByIntent(transfer.metadata))?.id;
}

/**
 * A re-payment without a source charge (all but the first of a part never transferred) is paid from the platform
 * balance, which Stripe may refuse (balance_insufficient). No money moved: the intent is cleared (a later money event is not blocked by it), the row
 * still shows the money as taken back, the refusal is counted on the part (REPAYMENT_REFUSED, which no total counts
 * and the next re-payment's key names), and on-call is told the district is owed it. The money event that asked is
 * left FAILED (processMoneyEvent), so re-sync asks again until Stripe pays.
 */
async function recordRefusedRepayment(
  row: RevenueShare,
  intent: ClawbackIntent,
  context: MovementContext,
  error: PaymentProviderError,
  deps: ClawbackDeps,
  refused: Map<number, string>,
): Promise<RevenueShare> {
  const reason = `${error.code}: ${error.message}`;
  const refusal = refusedRepayment(intent, context, reason.slice(0, 300));
  const updated = await writeHistory(row, withRefusedRepayment(row.moneyHistory ?? [], refusal), deps, true);
  refused.set(
    intent.partIndex,
    `Stripe refused re-paying ${intent.amountCents} ${row.currency} cents of part ${intent.partIndex} of row ` +
      `${row.revenueShareId} to ${row.destinationAccountId} (${reason})`,
  );
  await raiseAlert(deps.alerts, deps.clock, {
    kind: 'REPAYMENT_REFUSED',
    message:
      `Stripe refused re-paying ${intent.amountCents} ${row.currency} cents to ${row.destinationAccountId} ` +
      `(${reason}); district ${row.districtId} is owed them on row ${row.revenueShareId} ` +
      `(part ${intent.partIndex}${intent.chargeId ? `, charge ${intent.chargeId}` : ''}), which still counts them ` +
      'as taken back. Fix the cause (platform balance, Connect account); the money event stays FAILED and re-sync ' +
      'replays it (the catch-up every run, or ops resync), asking again with a new key. Do not pay it by hand: the ' +
      'row would pay it again',
    ...(intent.causeEventId ? { stripeEventId: intent.causeEventId } : {}),
    districtId: row.districtId,
    invoiceId: row.invoiceId,
    revenueShareId: row.revenueShareId,
  });
  return updated;
}

async function reduceTransfer(
  row: RevenueShare,
  partIndex: number,
  plannedCents: number,
  transferCents: number,
  deps: ClawbackDeps,
): Promise<RevenueShare> {
  const parts = partsOf(row).map((p) =>
    p.index === partIndex ? { ...p, amountCents: transferCents, plannedCents } : p,
  );
  const nothingLeft = parts.every((p) => p.amountCents === 0 && !p.stripeTransferId);
  const restored = { ...row, transferParts: parts };
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    // A part must still have no transfer: the plan may only change before any transfer is recorded.
    changes: {
      transferParts: parts,
      // What the smaller transfer holds back is taken back now (row-totals.ts), not once it is made.
      ...totalsChanges(restored),
      ...(nothingLeft ? { payoutStatus: 'REVERSED' } : {}),
      ...(canRestoreToPending(restored) ? await restoredToPending(restored, deps) : {}),
      updatedAt: deps.clock.now().toISOString(),
    },
  });
  if (!result.updated)
    throw new Error(`ledger row ${row.revenueShareId} changed while its transfer was reduced; retrying`);
  return result.row;
}

/**
 * A row cancelled before its transfer (REVERSED, every part 0) whose money came back (a refund failed, a dispute was
 * won) is to be paid after all: PENDING again (domain/payouts/transitions.ts: canRestoreToPending), its totals from its
 * movements, and a new transfer attempt, so the message queued for it (queueTransferIfDue) is not dropped as a
 * duplicate of the one the transfer worker skipped while the row was REVERSED. The new attempt's keys are new too:
 * the transfer worker lists the row's transfer group first (its plan changed), so nothing made before is made again.
 * A row of a district without automatic transfers that no person started (attempt 0) stays at 0: it waits for one.
 */
async function restoredToPending(row: RevenueShare, deps: ClawbackDeps) {
  const automatic = row.transferAttempt > 0 || (await deps.districts.get(row.districtId))?.autoTransfer === true;
  return {
    payoutStatus: 'PENDING' as const,
    transferAttempt: automatic ? row.transferAttempt + 1 : row.transferAttempt,
  };
}

/** Appends movements (and clears the intent they complete), with the derived totals, conditional on the version. */
const record = (row: RevenueShare, movements: MoneyMovement[], deps: ClawbackDeps, clearIntent = false) =>
  writeHistory(row, [...(row.moneyHistory ?? []), ...movements], deps, clearIntent);

async function writeHistory(
  row: RevenueShare,
  moneyHistory: MoneyMovement[],
  deps: ClawbackDeps,
  clearIntent: boolean,
): Promise<RevenueShare> {
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    changes: {
      moneyHistory,
      ...totalsChanges({ ...row, moneyHistory }),
      ...(clearIntent ? { clawbackIntent: null } : {}),
      updatedAt: deps.clock.now().toISOString(),
    },
  });
  if (!result.updated)
    throw new Error(`ledger row ${row.revenueShareId} changed while recording its clawback; retrying`);
  return result.row;
}

/**
 * PAID / PARTIALLY_REVERSED / REVERSED from what was taken back, once the row was paid, written with the totals it
 * is decided from (a row written before the totals counted a smaller transfer gets them here).
 */
async function settleStatus(row: RevenueShare, deps: ClawbackDeps): Promise<RevenueShare> {
  if (!isPaidStatus(row.payoutStatus) || !row.paidAt) return row;
  const totals = totalsChanges(row);
  const status = clawbackStatus(row.shareCents, totals.reversedCents) ?? 'PAID';
  const unchanged =
    status === row.payoutStatus &&
    totals.reversedCents === (row.reversedCents ?? 0) &&
    totals.netPaidCents === (row.netPaidCents ?? row.shareCents) &&
    totals.owedCents === (row.owedCents ?? 0);
  if (unchanged) return row;
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    changes: { payoutStatus: status, ...totals, updatedAt: deps.clock.now().toISOString() },
  });
  if (!result.updated) throw new Error(`ledger row ${row.revenueShareId} changed while its status was set; retrying`);
  return result.row;
}

async function attribute(event: StoredEvent, deps: MoneyEventDeps): Promise<MoneyEventResult> {
  const invoiceId = stringField(event.object, 'invoice');
  const refunds = event.object.refunds;
  const metadata: Record<string, string> = { creditNoteId: stringField(event.object, 'id') ?? '' };
  if (Array.isArray(refunds)) metadata.refunds = JSON.stringify(refunds).slice(0, 500);
  await deps.auditLog.markProcessed(event.id, deps.clock.now(), { ...(invoiceId ? { invoiceId } : {}), metadata });
  return { outcome: 'attributed', ...(invoiceId ? { invoiceId } : {}) };
}
