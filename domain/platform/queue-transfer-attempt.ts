/**
 * Queues the transfer attempt a platform request has just written on a row (a retry, an approval). When the queue
 * refuses the message, nothing would ever run that attempt, so the row is put back as it was before the request
 * (`before`: the fields the request changed, as they were), conditional on the version the request wrote: a row
 * changed since is left alone. The caller says what that means for the operator.
 */
import type { RevenueShare, TransferMessage } from '../model.js';
import { transferSendOptions } from '../payouts/messages.js';
import type { LedgerChanges, LedgerStore, MessageQueue } from '../ports.js';

export interface QueueTransferAttemptDeps {
  ledger: LedgerStore;
  transferQueue: MessageQueue<TransferMessage>;
}

/** `restored`: the row is back as it was; false: it still has the attempt written (the row changed, or the write failed). */
export type QueueTransferAttemptOutcome = { queued: true } | { queued: false; restored: boolean; error: unknown };

export async function queueTransferAttempt(
  written: RevenueShare,
  before: LedgerChanges,
  deps: QueueTransferAttemptDeps,
): Promise<QueueTransferAttemptOutcome> {
  const message: TransferMessage = { revenueShareId: written.revenueShareId, transferAttempt: written.transferAttempt };
  try {
    await deps.transferQueue.send(message, transferSendOptions(message));
    return { queued: true };
  } catch (error) {
    return { queued: false, restored: await putBack(written, before, deps.ledger), error };
  }
}

async function putBack(written: RevenueShare, before: LedgerChanges, ledger: LedgerStore): Promise<boolean> {
  try {
    const reverted = await ledger.update({
      revenueShareId: written.revenueShareId,
      expectedVersion: written.version,
      expectedStatus: written.payoutStatus,
      changes: before,
    });
    return reverted.updated;
  } catch {
    return false;
  }
}
