/**
 * The mark-paid worker's use case: PENDING -> PAID only after the provider confirms every transfer of the row
 * (each part's amount, currency, destination, its charge as source_transaction, not reversed, metadata naming the
 * row; the parts adding up to shareCents). A row whose parts are not all transferred is refused. The update is
 * conditional on the status and version read, so concurrent runs make one change; a run that loses to a writer that
 * left the row PENDING verifies it again (verifyAndMarkPaid). A row with a clawback in flight is not judged (thrown:
 * retried). A mismatch leaves the status alone, records why in lastError and raises TRANSFER_MISMATCH.
 */
import { clawbackStatus } from '../clawback/money-movements.js';
import type { MarkPaidMessage, RevenueShare } from '../model.js';
import {
  type AlertSink,
  type Clock,
  type DistrictStore,
  type LedgerStore,
  type PaymentProvider,
  PaymentProviderError,
} from '../ports.js';
import { assertHasTransferId, ClawbackInFlightError, MissingTransferIdError } from './errors.js';
import { rowContext } from './execute-transfer.js';
import { raiseAlert } from './raise-alert.js';
import { partsOf, recordedTransferIds } from './transfer-plan.js';
import { planMismatches, transferMismatches } from './transfer-verification.js';
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
  const reasons = await mismatchesAtProvider(row, row.stripeTransferId, deps);
  if (reasons.length > 0) {
    // A clawback may have written its intent and reversed at Stripe after the row was read: judge the row as it is
    // now, which says so (the intent is written before the reversal is asked for).
    if ((await deps.ledger.get(row.revenueShareId))?.version !== row.version) return { outcome: 'changed' };
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
  const status = clawbackStatus(row.shareCents, row.reversedCents ?? 0) ?? 'PAID';
  assertTransition(row.payoutStatus, status);
  const now = deps.clock.now().toISOString();
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    expectedStatus: 'PENDING',
    changes: { payoutStatus: status, paidAt: now, lastError: null, updatedAt: now },
  });
  if (result.updated) return { outcome: 'paid', row: result.row };
  return result.current?.payoutStatus === 'PENDING' ? { outcome: 'changed' } : { outcome: 'conflict' };
}

async function mismatchesAtProvider(
  row: RevenueShare,
  stripeTransferId: string,
  deps: VerifyAndMarkPaidDeps,
): Promise<string[]> {
  try {
    const parts = partsOf(row);
    const district = await deps.districts.get(row.districtId);
    if (parts.length === 0) {
      return transferMismatches(row, district, await deps.payments.retrieveTransfer(stripeTransferId));
    }
    const reasons = planMismatches(row);
    for (const part of parts) {
      if (!part.stripeTransferId && part.amountCents === 0) continue;
      const transfer = await deps.payments.retrieveTransfer(part.stripeTransferId ?? '');
      const found = transferMismatches(row, district, transfer, part);
      reasons.push(...(parts.length > 1 ? found.map((reason) => `part ${part.index}: ${reason}`) : found));
    }
    return reasons;
  } catch (error) {
    if (error instanceof PaymentProviderError && error.permanent) {
      return [`transfer ${stripeTransferId} could not be retrieved: ${error.code}: ${error.message}`];
    }
    throw error;
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
