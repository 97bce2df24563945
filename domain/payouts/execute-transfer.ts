/**
 * The transfer worker's use case: pay one ledger row's share with its planned transfers (one per charge that paid
 * the invoice, each naming its charge as `source_transaction` and never more than it; a person-approved part without
 * a charge is paid from the platform balance), record each id, queue the verification once all are recorded.
 * At most one transfer per part, even when a worker dies between creating and recording:
 *   - the idempotency key is (row, attempt[, part]), so a retry of an attempt gets the same transfer back;
 *   - before creating, the row's transfer group is listed, so a transfer made under a pruned key or an earlier
 *     attempt is found (by its metadata's part) and recorded instead of paying again; a first attempt younger than
 *     Stripe's key retention skips the listing (its key replays any create it made), saving a call per invoice;
 *   - each id is recorded with a guard item (the guard first, then the row), conditional on the version read.
 * A permanent provider error -> TRANSFER_FAILED with `<code>: <message>` and an alert; a transient one is thrown.
 * A payable row without a plan (no charge to pay from) is refused: TRANSFER_FAILED `no_transfer_plan`, an alert.
 * A row a person approved is first brought to its charges' clawback targets (refunds and disputes while it waited).
 * A row moved to its district's new account whose group shows a transfer to its old one goes back (moved-row.ts).
 */
import { netDebts } from '../clawback/net-debts.js';
import { bringChargeToTarget } from '../clawback/process-money-event.js';
import type { MarkPaidMessage, RevenueShare, TransferMessage, TransferPart } from '../model.js';
import {
  type AlertSink,
  type ClawbackProvider,
  type Clock,
  type DebtLedger,
  type DistrictStore,
  type LedgerStore,
  type MessageQueue,
  type PaymentProvider,
  PaymentProviderError,
  type ProviderTransfer,
} from '../ports.js';
import { idempotencyKeyMayBeGone } from './idempotency-window.js';
import { markPaidSendOptions } from './messages.js';
import { backToAccountPaid, wasMoved } from './moved-row.js';
import { raiseAlert } from './raise-alert.js';
import {
  TRANSFER_PART_METADATA_KEY,
  transferGroupOf,
  transferIdempotencyKey,
  transferMetadata,
  transferPartOf,
} from './transfer-keys.js';
import { allPartsTransferred, heldBackUntransferred, partsOf } from './transfer-plan.js';
import { assertTransition } from './transitions.js';

export interface ExecuteTransferDeps {
  ledger: LedgerStore;
  /** The district's rows that owe (refused reversals): netted from this payout before its transfers are made. */
  debts: DebtLedger;
  /**
   * Re-applies the clawback after recording a transfer made for a plan a refund has since made smaller (the money
   * event saw no transfer to reverse). Unset: such a row is left to mark-paid, which reports the amount mismatch.
   */
  clawback?: ClawbackProvider;
  districts: DistrictStore;
  payments: PaymentProvider;
  markPaidQueue: MessageQueue<MarkPaidMessage>;
  alerts: AlertSink;
  clock: Clock;
}

export type ExecuteTransferResult =
  | { outcome: 'transferred'; stripeTransferId: string; reusedExisting: boolean; transfers: number }
  | { outcome: 'already_transferred'; stripeTransferId: string }
  | { outcome: 'failed'; lastError: string }
  | { outcome: 'skipped'; reason: string };

/** Where one part stands after an attempt to record it: recorded (the row as it is now), or stop with a result. */
type PartStep = { row: RevenueShare; newlyRecorded: boolean } | { stop: ExecuteTransferResult };

export async function executeTransfer(
  message: TransferMessage,
  deps: ExecuteTransferDeps,
): Promise<ExecuteTransferResult> {
  const found = await deps.ledger.get(message.revenueShareId);
  if (!found) return { outcome: 'skipped', reason: `ledger row ${message.revenueShareId} does not exist` };
  let row = found;
  if (message.transferAttempt !== row.transferAttempt) {
    return {
      outcome: 'skipped',
      reason: `stale attempt ${message.transferAttempt}: the row is at attempt ${row.transferAttempt}`,
    };
  }
  // A netting whose owing row a dying worker did not reach is settled whatever became of the paying row since (a full
  // refund cancelled it, a person's mark-paid verified it): a payable row settles it on the way to its transfer.
  if (hasOpenNetting(row) && !PAYABLE_STATUSES.includes(row.payoutStatus)) row = await settleNetting(row, deps);
  const recordedId = row.stripeTransferId;
  if (recordedId && (allPartsTransferred(row) || partsOf(row).length === 0) && !heldBackUnlisted(row)) {
    // Recorded by an earlier delivery that may have stopped before queueing the verification, or before bringing a
    // transfer made for the plan before a refund back to its charge's target (a 429, a crash): what it left of that
    // is known only to Stripe's charge and the row's clawback intent, so the charges are brought to their targets
    // again before the verification is queued again. Only redeliveries come here; the first delivery does not. A row
    // a person's mark-paid verified meanwhile (PAID at what was sent) is brought to its targets too.
    if (CLAWBACK_DUE_STATUSES.includes(row.payoutStatus) && deps.clawback) {
      row = await clawBackCharges(row, chargesOf(row), deps.clawback, deps);
    }
    if (row.payoutStatus === 'PENDING') await queueVerification(row, deps);
    return { outcome: 'already_transferred', stripeTransferId: row.stripeTransferId ?? recordedId };
  }
  if (refundedAwayBeforeTransfer(row)) return await reverseTransfersMadeMeanwhile(row, deps);
  if (approvalUndone(row)) return await alertIfTransferredWhileUndone(row, deps);
  if (row.payoutStatus !== 'PENDING' && row.payoutStatus !== 'TRANSFER_FAILED') {
    return { outcome: 'skipped', reason: `ledger row is ${row.payoutStatus}` };
  }
  if (row.shareCents <= 0) return { outcome: 'skipped', reason: 'nothing to transfer' };
  const parts = partsOf(row);
  // A refund that came before the transfer made a part smaller (domain/clawback): the plan is its planned share.
  const planned = parts.reduce((sum, part) => sum + (part.plannedCents ?? part.amountCents), 0);
  if (parts.length === 0 || planned !== row.shareCents) {
    const why =
      parts.length === 0
        ? 'the row has no transfer plan (no charge it can be paid from, and no approval to pay it from the platform balance)'
        : `its transfer parts add up to ${planned}, not shareCents ${row.shareCents}`;
    return await markFailed(row, `no_transfer_plan: ${why}`, deps);
  }
  if (deps.clawback && approvedBeforeAnyTransfer(row)) {
    row = await clawBackCharges(row, chargesOf(row), deps.clawback, deps);
    if (refundedAwayBeforeTransfer(row)) return await reverseTransfersMadeMeanwhile(row, deps);
  }

  // What the district owes on other rows is netted from the parts not yet transferred (domain/clawback/net-debts.ts).
  const owing = (await deps.debts.listOwing(row.districtId)).filter((o) => o.revenueShareId !== row.revenueShareId);
  const netting = owing.length > 0 || hasOpenNetting(row);
  // A plan changed after the row was written (a refund, a netting) may have a transfer made for the earlier plan
  // whose record was lost to that change: list the group so it is found, never made again under another amount.
  // A row moved to another account may have a transfer to the one it paid before, unrecorded: list it too. A part
  // whose transfer may already exist at Stripe keeps its amount: the group is listed whenever there are debts.
  const existing = await transfersAlreadyMade(
    row,
    deps,
    partsOf(row).some((p) => p.plannedCents !== undefined) || wasMoved(row) || netting,
  );
  if (netting) {
    const made = new Set(existing.map((t) => transferPartOf(t.metadata)).filter((i) => i !== undefined));
    row = await netDebts(row, deps, owing, made);
  }
  const moved = await backToAccountPaid(row, existing, deps);
  if ('refuse' in moved) return await markFailed(row, moved.refuse, deps);
  row = moved.row;
  let districtChecked = false;
  let reusedExisting = false;
  let newlyRecorded = 0;
  const reapply = new Set<string>();
  for (const planPart of parts) {
    const part = partsOf(row)[planPart.index] ?? planPart;
    if (part.stripeTransferId) continue;
    const made = existing.filter((transfer) => transferPartOf(transfer.metadata) === part.index);
    // Nothing to pay on this part (its charge was refunded before the transfer, or its share settled a debt),
    // unless a transfer was already made for it under its earlier plan: that one is recorded below.
    if (part.amountCents === 0 && made.length === 0) continue;
    let transfer: ProviderTransfer;
    if (made.length > 0) {
      const live = made.filter((t) => !t.reversed);
      const [first, ...more] = live;
      if (!first) {
        // Every earlier transfer of this part was reversed: paying again is a human decision.
        const ids = made.map((t) => t.id).join(', ');
        return await markFailed(row, `reversed_transfer_exists: ${ids} already made for this row and reversed`, deps);
      }
      if (more.length > 0) {
        await raiseAlert(deps.alerts, deps.clock, {
          kind: 'TRANSFER_MISMATCH',
          message: `ledger row ${row.revenueShareId} has several transfers for part ${part.index} at the provider: ${live.map((t) => t.id).join(', ')}`,
          ...rowContext(row),
        });
      }
      transfer = first;
      reusedExisting = true;
    } else {
      if (!districtChecked) {
        const district = await deps.districts.get(row.districtId);
        if (!district || district.stripeAccountId !== row.destinationAccountId) {
          const now = district ? `is now ${district.stripeAccountId}` : 'is no longer configured';
          return await markFailed(
            row,
            `district_changed: district ${row.districtId} ${now}; row pays ${row.destinationAccountId}`,
            deps,
          );
        }
        districtChecked = true;
      }
      try {
        transfer = await createPart(row, part, parts.length, deps);
      } catch (error) {
        if (error instanceof PaymentProviderError && error.permanent) {
          const where = parts.length > 1 ? ` (part ${part.index + 1} of ${parts.length}${sourceNote(part)})` : '';
          return await markFailed(row, `${error.code}: ${error.message}${where}`, deps);
        }
        throw error;
      }
    }
    // Made for the plan before a refund made the part smaller: record what was sent, then claw the rest back.
    const planned = part.plannedCents ?? part.amountCents;
    const madeForEarlierPlan =
      transfer.amountCents !== part.amountCents && transfer.amountCents <= planned && part.sourceChargeId !== undefined;
    if (madeForEarlierPlan && part.sourceChargeId) reapply.add(part.sourceChargeId);
    const step = await record(
      row,
      part,
      transfer,
      deps,
      madeForEarlierPlan ? { amountCents: transfer.amountCents } : {},
    );
    if ('stop' in step) return step.stop;
    row = step.row;
    if (step.newlyRecorded) newlyRecorded++;
  }

  if (partsOf(row).every((p) => !p.stripeTransferId)) return await settleWithoutTransfer(row, deps);
  if (deps.clawback) row = await clawBackCharges(row, reapply, deps.clawback, deps);
  const stripeTransferId = row.stripeTransferId ?? '';
  if (row.payoutStatus === 'PENDING') await queueVerification(row, deps);
  if (newlyRecorded === 0) return { outcome: 'already_transferred', stripeTransferId };
  return { outcome: 'transferred', stripeTransferId, reusedExisting, transfers: newlyRecorded };
}

/**
 * A person approved the row (NEEDS_REVIEW -> PENDING) with a plan of the charges' full shares: the platform API never
 * reads Stripe, and a refund or dispute while the row waited found no part to reduce. Before its first transfer its
 * charges are brought to their clawback targets, so what went back meanwhile is not paid. Only approved rows pay
 * these calls; invoice.paid already plans a normal row net of its charges' state (netOfChargeStates).
 */
const approvedBeforeAnyTransfer = (row: RevenueShare): boolean =>
  row.decision?.action === 'approve' && partsOf(row).every((part) => !part.stripeTransferId);

/**
 * A part held back to 0 (its charge refunded, or its share netted) while the row is not verified yet: a transfer
 * for it may have been made before the hold-back and not recorded (the record lost to the clawback's write, or a
 * crash), so the row is not done until its group is listed; a transfer found there is recorded and clawed back.
 */
const heldBackUnlisted = (row: RevenueShare): boolean =>
  row.payoutStatus === 'PENDING' && partsOf(row).some(heldBackUntransferred);

/** A transferred row whose charges a redelivery brings to their clawback targets. */
const CLAWBACK_DUE_STATUSES: readonly RevenueShare['payoutStatus'][] = ['PENDING', 'PAID', 'PARTIALLY_REVERSED'];

/**
 * A row waiting for review (or closed) that a message of its current attempt reaches: an approval wrote that attempt
 * and was undone because its send was reported failed (domain/platform/queue-transfer-attempt.ts). The send may have
 * reached the queue, and a worker may have made the transfer before the undo and died before recording it.
 */
const approvalUndone = (row: RevenueShare): boolean =>
  (row.payoutStatus === 'NEEDS_REVIEW' || row.payoutStatus === 'CLOSED') && row.transferAttempt > 0;

/** Nothing is paid for such a row; a transfer already made for it is for a person to see before they decide. */
async function alertIfTransferredWhileUndone(
  row: RevenueShare,
  deps: ExecuteTransferDeps,
): Promise<ExecuteTransferResult> {
  const made = (await transfersAlreadyMade(row, deps, true)).filter((transfer) => !transfer.reversed);
  if (made.length > 0) {
    const ids = made.map((t) => `${t.id} (${t.amountCents} ${row.currency})`).join(', ');
    const todo =
      row.payoutStatus === 'NEEDS_REVIEW'
        ? 'approve it again to record it (the new attempt finds it); do not close it'
        : 'it is CLOSED although the district was paid: escalate to finance';
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'TRANSFER_MISMATCH',
      message:
        `ledger row ${row.revenueShareId} is ${row.payoutStatus}, but ${ids} was made for it while its approval ` +
        `was being undone: ${todo}`,
      ...rowContext(row),
    });
  }
  return { outcome: 'skipped', reason: `ledger row is ${row.payoutStatus}` };
}

/** The charges the row's parts are funded by, once each (a part paid from the platform balance has none). */
const chargesOf = (row: RevenueShare): Set<string> =>
  new Set(partsOf(row).flatMap((part) => (part.sourceChargeId ? [part.sourceChargeId] : [])));

/** Refunds of every charge cancelled the row (REVERSED, every part 0) before any transfer of it was recorded. */
const refundedAwayBeforeTransfer = (row: RevenueShare): boolean => {
  const parts = partsOf(row);
  return row.payoutStatus === 'REVERSED' && parts.length > 0 && parts.every(heldBackUntransferred);
};

/**
 * The refund landed while this worker was making the transfer: the transfer made for the plan before it is found in
 * the row's transfer group, recorded on the row (which stays REVERSED) and reversed in full by the clawback, so the
 * district keeps nothing of a share whose money went back. Nothing made: nothing to do.
 */
async function reverseTransfersMadeMeanwhile(
  row: RevenueShare,
  deps: ExecuteTransferDeps,
): Promise<ExecuteTransferResult> {
  const made = (await transfersAlreadyMade(row, deps, true)).filter((transfer) => !transfer.reversed);
  if (made.length === 0) return { outcome: 'skipped', reason: 'ledger row is REVERSED: refunded before its transfer' };
  if (!deps.clawback) {
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'TRANSFER_MISMATCH',
      message: `ledger row ${row.revenueShareId} was refunded away, yet ${made.map((t) => t.id).join(', ')} was made for it: reverse it`,
      ...rowContext(row),
    });
    return { outcome: 'skipped', reason: 'refunded away with a transfer made meanwhile: alerted' };
  }
  let current = row;
  const charges = new Set<string>();
  for (const transfer of made) {
    const index = transferPartOf(transfer.metadata);
    const part = index === undefined ? undefined : partsOf(current)[index];
    if (!part || part.stripeTransferId || transfer.amountCents > (part.plannedCents ?? 0)) {
      await raiseAlert(deps.alerts, deps.clock, {
        kind: 'TRANSFER_MISMATCH',
        message: `transfer ${transfer.id} (${transfer.amountCents}) of refunded-away ledger row ${row.revenueShareId} matches no part of its plan`,
        ...rowContext(row),
      });
      continue;
    }
    const step = await record(current, part, transfer, deps, {
      amountCents: transfer.amountCents,
      status: 'REVERSED',
    });
    if ('stop' in step) return step.stop;
    current = step.row;
    if (part.sourceChargeId) charges.add(part.sourceChargeId);
  }
  await clawBackCharges(current, charges, deps.clawback, deps);
  return {
    outcome: 'skipped',
    reason: `refunded while its transfer was made: ${made.map((t) => t.id).join(', ')} recorded and reversed`,
  };
}

/** Brings the row to each charge's clawback target, one charge after the other (domain/clawback). */
async function clawBackCharges(
  row: RevenueShare,
  chargeIds: Iterable<string>,
  clawback: ClawbackProvider,
  deps: ExecuteTransferDeps,
): Promise<RevenueShare> {
  let current = row;
  for (const chargeId of chargeIds) {
    current = (await bringChargeToTarget(current, chargeId, { ...deps, provider: clawback })).row;
  }
  return current;
}

const sourceNote = (part: TransferPart): string =>
  part.sourceChargeId ? `, source ${part.sourceChargeId}` : ', from the platform balance';

function createPart(row: RevenueShare, part: TransferPart, partCount: number, deps: ExecuteTransferDeps) {
  const split = partCount > 1;
  return deps.payments.createTransfer(
    {
      amountCents: part.amountCents,
      currency: row.currency,
      destinationAccountId: row.destinationAccountId,
      transferGroup: transferGroupOf(row.revenueShareId),
      metadata: {
        ...transferMetadata(row),
        [TRANSFER_PART_METADATA_KEY]: String(part.index),
        ...(part.sourceChargeId ? { sourceCharge: part.sourceChargeId } : {}),
      },
      description:
        `Revenue share of invoice ${row.invoiceId} for district ${row.districtId}` +
        (split ? ` (part ${part.index + 1} of ${partCount})` : ''),
      ...(part.sourceChargeId ? { sourceTransaction: part.sourceChargeId } : {}),
    },
    transferIdempotencyKey(row.revenueShareId, row.transferAttempt, split ? part.index : undefined),
  );
}

/**
 * A create of attempt 1 can only have been made after the row was written, so while the row is younger than the
 * idempotency window a retry's create (same key, same parameters) gets that transfer back: no listing is needed.
 * Later, or for a later attempt (new keys), the transfer group is listed.
 */
async function transfersAlreadyMade(
  row: RevenueShare,
  deps: ExecuteTransferDeps,
  always = false,
): Promise<ProviderTransfer[]> {
  // A part whose amount changed since it was planned (a refund or a netting came first) may have been created with
  // the old amount: the same key with other parameters is refused, so only unchanged parts can trust their key.
  const unchanged = partsOf(row).every((part) => part.plannedCents === undefined);
  if (!always && unchanged && row.transferAttempt === 1 && !idempotencyKeyMayBeGone(row.createdAt, deps.clock.now())) {
    return [];
  }
  return await rowTransfersInGroup(deps.payments, row.revenueShareId);
}

/** The transfers of the row's transfer group that name the row (a group is the row's, but metadata says for sure). */
export async function rowTransfersInGroup(
  payments: Pick<PaymentProvider, 'findTransfersByGroup'>,
  revenueShareId: string,
): Promise<ProviderTransfer[]> {
  const found = await payments.findTransfersByGroup(transferGroupOf(revenueShareId));
  return found.filter((transfer) => transfer.metadata.revenueShareId === revenueShareId);
}

/**
 * `amountCents`: what was sent, when it differs from the part's amount. `status`: the row's status after (PENDING;
 * REVERSED keeps a refunded-away row as it is). The first part recorded names the row (the ledger decides it).
 */
interface RecordOptions {
  amountCents?: number;
  status?: 'PENDING' | 'REVERSED';
}

async function record(
  row: RevenueShare,
  part: TransferPart,
  transfer: ProviderTransfer,
  deps: ExecuteTransferDeps,
  { amountCents, status = 'PENDING' }: RecordOptions = {},
): Promise<PartStep> {
  if (row.payoutStatus !== status) assertTransition(row.payoutStatus, status);
  const outcome = await deps.ledger.recordTransfer({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    stripeTransferId: transfer.id,
    partIndex: part.index,
    ...(amountCents === undefined ? {} : { amountCents }),
    status,
    now: deps.clock.now(),
  });
  if (outcome.recorded) return { row: outcome.row, newlyRecorded: true };
  if (outcome.reason === 'transfer_id_taken') {
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'TRANSFER_MISMATCH',
      message: `transfer ${transfer.id} made for ledger row ${row.revenueShareId} is already recorded on ${outcome.ownerRevenueShareId}`,
      ...rowContext(row),
    });
    return {
      stop: { outcome: 'skipped', reason: `transfer ${transfer.id} belongs to ${outcome.ownerRevenueShareId}` },
    };
  }
  const current = outcome.current ?? (await deps.ledger.get(row.revenueShareId));
  const recordedId = current ? partsOf(current)[part.index]?.stripeTransferId : undefined;
  if (current && recordedId === transfer.id) {
    // A concurrent delivery recorded the same transfer first.
    return { row: current, newlyRecorded: false };
  }
  if (recordedId) {
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'TRANSFER_MISMATCH',
      message: `ledger row ${row.revenueShareId} records ${recordedId} for part ${part.index} but ${transfer.id} was also made for it`,
      ...rowContext(row),
    });
    return { stop: { outcome: 'skipped', reason: `row already records ${recordedId}` } };
  }
  // The row changed without getting this transfer id: retry; the group listing will find this transfer.
  throw new Error(`ledger row ${row.revenueShareId} changed before transfer ${transfer.id} could be recorded`);
}

async function markFailed(
  row: RevenueShare,
  lastError: string,
  deps: ExecuteTransferDeps,
): Promise<ExecuteTransferResult> {
  if (row.payoutStatus !== 'TRANSFER_FAILED') assertTransition(row.payoutStatus, 'TRANSFER_FAILED');
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    changes: { payoutStatus: 'TRANSFER_FAILED', lastError, updatedAt: deps.clock.now().toISOString() },
  });
  // Someone changed the row meanwhile: retry and decide again on what it is now.
  if (!result.updated) throw new Error(`ledger row ${row.revenueShareId} changed while its transfer failed`);
  await raiseAlert(deps.alerts, deps.clock, {
    kind: 'TRANSFER_FAILED',
    message: `transfer of ${row.shareCents} ${row.currency} for ledger row ${row.revenueShareId} failed: ${lastError}`,
    ...rowContext(row),
  });
  return { outcome: 'failed', lastError };
}

const hasOpenNetting = (row: RevenueShare): boolean =>
  (row.moneyHistory ?? []).some(
    (m) => m.kind === 'NETTED' && !partsOf(row).find((p) => p.index === m.partIndex)?.stripeTransferId,
  );

const PAYABLE_STATUSES: readonly RevenueShare['payoutStatus'][] = ['PENDING', 'TRANSFER_FAILED'];

/**
 * A worker died between a netting's two writes (domain/clawback/net-debts.ts) and the row left the payable path
 * before the retry (a full refund cancelled it, counting the netted share as given to the district and owing it
 * here): the owing row is still settled, or the district would owe that debt on both rows. Nothing new is netted.
 * If the owing row gave less than the netting asked, the netting is lowered and its part raised: the charges are
 * then brought to their targets again, so what the refund owed for the netted share is forgiven and the part is 0.
 */
async function settleNetting(row: RevenueShare, deps: ExecuteTransferDeps): Promise<RevenueShare> {
  const settled = await netDebts(row, deps, []);
  // (A REVERSED row with an untransferred part above 0: a worker died between the lowering and the clawback.)
  const raised =
    settled.version !== row.version ||
    (settled.payoutStatus === 'REVERSED' && partsOf(settled).some((p) => !p.stripeTransferId && p.amountCents > 0));
  if (!raised || !deps.clawback) return settled;
  return await clawBackCharges(settled, chargesOf(settled), deps.clawback, deps);
}

/**
 * Every part is 0: nothing is left to transfer. When the share went to settle the district's debts (NETTED), the row
 * is PAID without a transfer (the netting is its payment, on both rows' history); otherwise it is left as it is.
 */
async function settleWithoutTransfer(row: RevenueShare, deps: ExecuteTransferDeps): Promise<ExecuteTransferResult> {
  const netted = (row.moneyHistory ?? []).some((m) => m.kind === 'NETTED' && m.amountCents > 0);
  if (!netted || row.payoutStatus !== 'PENDING') return { outcome: 'skipped', reason: 'nothing to transfer' };
  assertTransition(row.payoutStatus, 'PAID');
  const now = deps.clock.now().toISOString();
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    expectedStatus: 'PENDING',
    changes: { payoutStatus: 'PAID', paidAt: now, lastError: null, updatedAt: now },
  });
  if (!result.updated) throw new Error(`ledger row ${row.revenueShareId} changed while it was settled by netting`);
  return { outcome: 'skipped', reason: 'the whole share settled what the district owed: nothing to transfer' };
}

/**
 * Keyed by the row's transfer and version: redeliveries of one state collapse, while a row that changed since its
 * last verification was queued (a part transferred, held back or restored) is verified again, even within SQS's
 * 5-minute deduplication window. A verification of a row already verified changes nothing.
 */
function queueVerification(row: RevenueShare, deps: ExecuteTransferDeps) {
  const message = { revenueShareId: row.revenueShareId };
  const key = `${row.stripeTransferId ?? ''}@${row.version}`;
  return deps.markPaidQueue.send(message, markPaidSendOptions(message, key));
}

export const rowContext = (row: RevenueShare) => ({
  districtId: row.districtId,
  invoiceId: row.invoiceId,
  revenueShareId: row.revenueShareId,
  stripeEventId: row.stripeEventId,
});
