/**
 * The transfer worker's use case: pay one ledger row's share with one provider transfer, record its id, queue the
 * verification. At most one transfer per row, even when a worker dies between creating and recording:
 *   - the idempotency key is (row, attempt), so a retry of an attempt gets the same transfer back;
 *   - before creating, the row's transfer group is listed, so a transfer made under a pruned key or an earlier
 *     attempt is found and recorded instead of paying again;
 *   - the id is recorded in one transaction with a guard item, conditional on the version read.
 * A permanent provider error -> TRANSFER_FAILED with `<code>: <message>` and an alert; a transient one is thrown.
 */
import type { MarkPaidMessage, RevenueShare, TransferMessage } from '../model.js';
import {
  type AlertSink,
  type Clock,
  type DistrictStore,
  type LedgerStore,
  type MessageQueue,
  type PaymentProvider,
  PaymentProviderError,
  type ProviderTransfer,
} from '../ports.js';
import { markPaidSendOptions } from './messages.js';
import { raiseAlert } from './raise-alert.js';
import { transferGroupOf, transferIdempotencyKey, transferMetadata } from './transfer-keys.js';
import { assertTransition } from './transitions.js';

export interface ExecuteTransferDeps {
  ledger: LedgerStore;
  districts: DistrictStore;
  payments: PaymentProvider;
  markPaidQueue: MessageQueue<MarkPaidMessage>;
  alerts: AlertSink;
  clock: Clock;
}

export type ExecuteTransferResult =
  | { outcome: 'transferred'; stripeTransferId: string; reusedExisting: boolean }
  | { outcome: 'already_transferred'; stripeTransferId: string }
  | { outcome: 'failed'; lastError: string }
  | { outcome: 'skipped'; reason: string };

export async function executeTransfer(
  message: TransferMessage,
  deps: ExecuteTransferDeps,
): Promise<ExecuteTransferResult> {
  const row = await deps.ledger.get(message.revenueShareId);
  if (!row) return { outcome: 'skipped', reason: `ledger row ${message.revenueShareId} does not exist` };
  if (message.transferAttempt !== row.transferAttempt) {
    return {
      outcome: 'skipped',
      reason: `stale attempt ${message.transferAttempt}: the row is at attempt ${row.transferAttempt}`,
    };
  }
  if (row.stripeTransferId) {
    // Recorded by an earlier delivery that may have died before queueing the verification: queue it again.
    if (row.payoutStatus === 'PENDING') await queueVerification(row.revenueShareId, row.stripeTransferId, deps);
    return { outcome: 'already_transferred', stripeTransferId: row.stripeTransferId };
  }
  if (row.payoutStatus !== 'PENDING' && row.payoutStatus !== 'TRANSFER_FAILED') {
    return { outcome: 'skipped', reason: `ledger row is ${row.payoutStatus}` };
  }
  if (row.shareCents <= 0) return { outcome: 'skipped', reason: 'nothing to transfer' };

  const existing = await transfersAlreadyMade(row, deps);
  if (existing.length > 0) return await reuseExisting(row, existing, deps);

  const district = await deps.districts.get(row.districtId);
  if (!district || district.stripeAccountId !== row.destinationAccountId) {
    const now = district ? `is now ${district.stripeAccountId}` : 'is no longer configured';
    return await markFailed(
      row,
      `district_changed: district ${row.districtId} ${now}; row pays ${row.destinationAccountId}`,
      deps,
    );
  }

  let transfer: ProviderTransfer;
  try {
    transfer = await deps.payments.createTransfer(
      {
        amountCents: row.shareCents,
        currency: row.currency,
        destinationAccountId: row.destinationAccountId,
        transferGroup: transferGroupOf(row.revenueShareId),
        metadata: transferMetadata(row),
        description: `Revenue share of invoice ${row.invoiceId} for district ${row.districtId}`,
      },
      transferIdempotencyKey(row.revenueShareId, row.transferAttempt),
    );
  } catch (error) {
    if (error instanceof PaymentProviderError && error.permanent) {
      return await markFailed(row, `${error.code}: ${error.message}`, deps);
    }
    throw error;
  }
  return await record(row, transfer, false, deps);
}

/** Transfers in the row's group that name this row, oldest first. */
async function transfersAlreadyMade(row: RevenueShare, deps: ExecuteTransferDeps): Promise<ProviderTransfer[]> {
  const found = await deps.payments.findTransfersByGroup(transferGroupOf(row.revenueShareId));
  return found.filter((transfer) => transfer.metadata.revenueShareId === row.revenueShareId);
}

async function reuseExisting(
  row: RevenueShare,
  existing: ProviderTransfer[],
  deps: ExecuteTransferDeps,
): Promise<ExecuteTransferResult> {
  const live = existing.filter((transfer) => !transfer.reversed);
  const [first, ...more] = live;
  if (!first) {
    // Every earlier transfer was reversed: paying again is a human decision.
    const ids = existing.map((t) => t.id).join(', ');
    return await markFailed(row, `reversed_transfer_exists: ${ids} already made for this row and reversed`, deps);
  }
  if (more.length > 0) {
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'TRANSFER_MISMATCH',
      message: `ledger row ${row.revenueShareId} has several transfers at the provider: ${live.map((t) => t.id).join(', ')}`,
      ...rowContext(row),
    });
  }
  return await record(row, first, true, deps);
}

async function record(
  row: RevenueShare,
  transfer: ProviderTransfer,
  reusedExisting: boolean,
  deps: ExecuteTransferDeps,
): Promise<ExecuteTransferResult> {
  if (row.payoutStatus !== 'PENDING') assertTransition(row.payoutStatus, 'PENDING');
  const outcome = await deps.ledger.recordTransfer({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    stripeTransferId: transfer.id,
    now: deps.clock.now(),
  });
  if (outcome.recorded) {
    await queueVerification(row.revenueShareId, transfer.id, deps);
    return { outcome: 'transferred', stripeTransferId: transfer.id, reusedExisting };
  }
  if (outcome.reason === 'transfer_id_taken') {
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'TRANSFER_MISMATCH',
      message: `transfer ${transfer.id} made for ledger row ${row.revenueShareId} is already recorded on ${outcome.ownerRevenueShareId}`,
      ...rowContext(row),
    });
    return { outcome: 'skipped', reason: `transfer ${transfer.id} belongs to ${outcome.ownerRevenueShareId}` };
  }
  const current = outcome.current ?? (await deps.ledger.get(row.revenueShareId));
  if (current?.stripeTransferId === transfer.id) {
    // A concurrent delivery recorded the same transfer first.
    if (current.payoutStatus === 'PENDING') await queueVerification(row.revenueShareId, transfer.id, deps);
    return { outcome: 'already_transferred', stripeTransferId: transfer.id };
  }
  if (current?.stripeTransferId) {
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'TRANSFER_MISMATCH',
      message: `ledger row ${row.revenueShareId} records ${current.stripeTransferId} but ${transfer.id} was also made for it`,
      ...rowContext(row),
    });
    return { outcome: 'skipped', reason: `row already records ${current.stripeTransferId}` };
  }
  // The row changed without getting a transfer id: retry; the group listing will find this transfer.
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

function queueVerification(revenueShareId: string, stripeTransferId: string, deps: ExecuteTransferDeps) {
  const message = { revenueShareId };
  return deps.markPaidQueue.send(message, markPaidSendOptions(message, stripeTransferId));
}

export const rowContext = (row: RevenueShare) => ({
  districtId: row.districtId,
  invoiceId: row.invoiceId,
  revenueShareId: row.revenueShareId,
  stripeEventId: row.stripeEventId,
});
