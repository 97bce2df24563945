/**
 * The mark-paid worker's use case: PENDING -> PAID only after the provider confirms every transfer of the row
 * (each part's amount, currency, destination, its charge as source_transaction, not reversed, metadata naming the
 * row; the parts adding up to shareCents). A row whose parts are not all transferred is refused. The update is
 * conditional on the status and version read, so concurrent runs make one change; a run that loses to a writer that
 * left the row PENDING verifies it again (verifyAndMarkPaid). A row with a clawback in flight is not judged (thrown:
 * retried), nor one whose transfer Stripe shows reversed beyond what the row records, while nothing else differs: a
 * reversal whose transfer.reversed is not processed yet (thrown: retried once it records the reversal). Any other
 * mismatch leaves the status alone, records why in lastError and raises TRANSFER_MISMATCH.
 */
import { clawbackStatus } from '../clawback/money-movements.js';
import { totalsChanges } from '../clawback/row-totals.js';
import type { MarkPaidMessage, RevenueShare, TransferPart } from '../model.js';
import {
  type AlertSink,
  type Clock,
  type DistrictStore,
  type LedgerStore,
  type PaymentProvider,
  PaymentProviderError,
} from '../ports.js';
import {
  assertHasTransferId,
  ClawbackInFlightError,
  HeldBackPartTransferredError,
  MissingTransferIdError,
  UnrecordedReversalError,
} from './errors.js';
import { rowContext, rowTransfersInGroup } from './execute-transfer.js';
import { raiseAlert } from './raise-alert.js';
import { transferPartOf } from './transfer-keys.js';
import { heldBackUntransferred, partsOf, recordedTransferIds } from './transfer-plan.js';
import { planMismatches, reversalCheck, transferFieldMismatches } from './transfer-verification.js';
import { assertTransition } from './transitions.js';

export interface VerifyAndMarkPaidDeps {
  ledger: LedgerStore;
  districts: DistrictStore;
  payments: PaymentProvider;
  alerts: AlertSink;
  clock: Clock;
}

export type VerifyAndMarkPaidResult =
  | { outcome: 'paid'; row: RevenueShare }
  | { outcome: 'already_paid' }
  /** The row moved past PENDING between read and write (e.g. a concurrent mark-paid): this run changed nothing. */
  | { outcome: 'conflict' }
  | { outcome: 'mismatch'; reasons: string[] }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'skipped'; reason: string };

/** How many times one message verifies a row that other writers keep changing while it stays PENDING. */
export const MAX_VERIFICATIONS = 3;

/**
 * A row that changed between its read and the conditional update (a reversal recorded, a debt netted) and is still
 * PENDING is verified again on what it is now; nothing else would queue it. A row that moved past PENDING was decided
 * by someone else: `conflict`. Still changing after MAX_VERIFICATIONS: thrown, so the message comes back.
 */
export async function verifyAndMarkPaid(
  message: MarkPaidMessage,
  deps: VerifyAndMarkPaidDeps,
): Promise<VerifyAndMarkPaidResult> {
  for (let verification = 1; ; verification++) {
    const result = await verifyOnce(message, deps);
    if (result.outcome !== 'changed') return result;
    if (verification >= MAX_VERIFICATIONS) {
      throw new Error(
        `ledger row ${message.revenueShareId} changed under each of ${MAX_VERIFICATIONS} verifications and is still PENDING`,
      );
    }
  }
}

/** One verification; `changed`: the row changed under it (lost update, or a mismatch), so it is verified again. */
async function verifyOnce(
  message: MarkPaidMessage,
  deps: VerifyAndMarkPaidDeps,
): Promise<VerifyAndMarkPaidResult | { outcome: 'changed' }> {
  const row = await deps.ledger.get(message.revenueShareId);
  if (!row) return { outcome: 'skipped', reason: `ledger row ${message.revenueShareId} does not exist` };
  if (row.payoutStatus === 'PAID') return { outcome: 'already_paid' };
  try {
    assertHasTransferId(row);
  } catch (error) {
    if (!(error instanceof MissingTransferIdError)) throw error;
    if (row.payoutStatus === 'PENDING') await recordLastError(row, `mark-paid refused: ${error.message}`, deps);
    // Transfers recorded on its parts yet none naming the row: no worker will change that, a person must look.
    const recorded = recordedTransferIds(row);
    if (recorded.length > 0) {
      await raiseAlert(deps.alerts, deps.clock, {
        kind: 'TRANSFER_MISMATCH',
        message: `mark-paid refused ledger row ${row.revenueShareId}: it has no stripeTransferId, yet its parts record ${recorded.join(', ')}`,
        ...rowContext(row),
      });
    }
    return { outcome: 'refused', reason: error.message };
  }
  if (row.payoutStatus !== 'PENDING') return { outcome: 'skipped', reason: `ledger row is ${row.payoutStatus}` };
  // A part of 0 has nothing to transfer (refunded before its transfer, or netted): nothing to verify for it.
  const untransferred = partsOf(row).filter((part) => !part.stripeTransferId && part.amountCents > 0);
  if (untransferred.length > 0) {
    const reason =
      `ledger row ${row.revenueShareId} has ${untransferred.length} of ${partsOf(row).length} transfer parts ` +
      'not transferred yet: there is nothing complete to verify';
    await recordLastError(row, `mark-paid refused: ${reason}`, deps);
    return { outcome: 'refused', reason };
  }

  if (row.clawbackIntent) throw new ClawbackInFlightError(row.revenueShareId);
  await assertNoTransferForHeldBackPart(row, deps);
  const { mismatches, unrecordedReversals } = await mismatchesAtProvider(row, row.stripeTransferId, deps);
  if (mismatches.length > 0 || unrecordedReversals.length > 0) {
    // A clawback may have written its intent and reversed at Stripe after the row was read: judge the row as it is
    // now, which says so (the intent is written before the reversal is asked for).
    if ((await deps.ledger.get(row.revenueShareId))?.version !== row.version) return { outcome: 'changed' };
    if (mismatches.length === 0) throw new UnrecordedReversalError(row.revenueShareId, unrecordedReversals);
    const reasons = [...mismatches, ...unrecordedReversals];
    const why = `transfer verification failed: ${reasons.join('; ')}`;
    await recordLastError(row, why, deps);
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'TRANSFER_MISMATCH',
      message: `ledger row ${row.revenueShareId}, transfer ${row.stripeTransferId}: ${why}`,
      ...rowContext(row),
    });
    return { outcome: 'mismatch', reasons };
  }

  // Money that came back before the verification (domain/clawback) decides the status: PAID, or partly/fully reversed.
  // Held back before the transfer counts too (a part made smaller by a refund that came first); the totals the status
  // is decided from are written with it, derived from the row as it was verified.
  // A row without parts (written before plans) keeps what it recorded: its movements name no part.
  const totals = partsOf(row).length > 0 ? totalsChanges(row) : undefined;
  const status = clawbackStatus(row.shareCents, (totals ?? row).reversedCents ?? 0) ?? 'PAID';
  assertTransition(row.payoutStatus, status);
  const now = deps.clock.now().toISOString();
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    expectedStatus: 'PENDING',
    changes: { payoutStatus: status, paidAt: now, ...(totals ?? {}), lastError: null, updatedAt: now },
  });
  if (result.updated) return { outcome: 'paid', row: result.row };
  return result.current?.payoutStatus === 'PENDING' ? { outcome: 'changed' } : { outcome: 'conflict' };
}

interface ProviderMismatches {
  /** Why the transfers do not prove the row paid. */
  mismatches: string[];
  /** Transfers Stripe shows reversed beyond what the row records: their transfer.reversed will record it. */
  unrecordedReversals: string[];
}

async function mismatchesAtProvider(
  row: RevenueShare,
  stripeTransferId: string,
  deps: VerifyAndMarkPaidDeps,
): Promise<ProviderMismatches> {
  const found: ProviderMismatches = { mismatches: [], unrecordedReversals: [] };
  try {
    const parts = partsOf(row);
    const district = await deps.districts.get(row.districtId);
    const check = async (transferId: string, part?: TransferPart) => {
      const transfer = await deps.payments.retrieveTransfer(transferId);
      const named = (reasons: string[]) =>
        parts.length > 1 && part ? reasons.map((reason) => `part ${part.index}: ${reason}`) : reasons;
      found.mismatches.push(...named(transferFieldMismatches(row, district, transfer, part)));
      const reversal = reversalCheck(row, transfer);
      (reversal.unrecordedCents > 0 ? found.unrecordedReversals : found.mismatches).push(...named(reversal.reasons));
    };
    if (parts.length === 0) {
      await check(stripeTransferId);
      return found;
    }
    found.mismatches.push(...planMismatches(row));
    for (const part of parts) {
      if (!part.stripeTransferId && part.amountCents === 0) continue;
      await check(part.stripeTransferId ?? '', part);
    }
    return found;
  } catch (error) {
    if (error instanceof PaymentProviderError && error.permanent) {
      return {
        mismatches: [`transfer ${stripeTransferId} could not be retrieved: ${error.code}: ${error.message}`],
        unrecordedReversals: [],
      };
    }
    throw error;
  }
}

/**
 * A part held back to 0 before its transfer was recorded may have had its transfer made just before (a refund that
 * landed between the create and the record): only rows with such a part pay this listing.
 */
async function assertNoTransferForHeldBackPart(row: RevenueShare, deps: VerifyAndMarkPaidDeps): Promise<void> {
  const heldBack = new Set(
    partsOf(row)
      .filter(heldBackUntransferred)
      .map((part) => part.index),
  );
  if (heldBack.size === 0) return;
  const made = (await rowTransfersInGroup(deps.payments, row.revenueShareId)).filter((transfer) =>
    heldBack.has(transferPartOf(transfer.metadata) ?? -1),
  );
  if (made.length > 0) {
    throw new HeldBackPartTransferredError(
      row.revenueShareId,
      made.map((transfer) => transfer.id),
    );
  }
}

/** Records why, without changing the status; a lost condition means the row moved on, so it is left alone. */
async function recordLastError(row: RevenueShare, lastError: string, deps: VerifyAndMarkPaidDeps): Promise<void> {
  await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    expectedStatus: row.payoutStatus,
    changes: { lastError, updatedAt: deps.clock.now().toISOString() },
  });
}
