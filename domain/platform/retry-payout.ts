/**
 * POST /platform/payout/retry: starts a new transfer attempt for a row that has no transfer yet: one whose
 * transfer failed (TRANSFER_FAILED), or a PENDING row that was never transferred (e.g. its district does not
 * transfer automatically). The attempt number is incremented with an update conditional on the version read,
 * so of concurrent retries of one row exactly one starts an attempt and the others get a conflict. The new
 * attempt gets a new idempotency key at Stripe (a failed attempt's key would replay the stored error), and the
 * transfer worker lists the row's transfer group first, so a retry can never pay a row twice.
 */
import type { RevenueShare, TransferMessage } from '../model.js';
import { transferSendOptions } from '../payouts/messages.js';
import { assertTransition } from '../payouts/transitions.js';
import type { Clock, LedgerStore, MessageQueue } from '../ports.js';
import { ConflictError, NotFoundError, TemporarilyUnavailableError } from './errors.js';

export interface RetryPayoutDeps {
  ledger: LedgerStore;
  transferQueue: MessageQueue<TransferMessage>;
  clock: Clock;
}

export interface RetryPayoutResult {
  revenueShareId: string;
  transferAttempt: number;
}

export async function retryPayout(revenueShareId: string, deps: RetryPayoutDeps): Promise<RetryPayoutResult> {
  const row = await deps.ledger.get(revenueShareId);
  if (!row) throw new NotFoundError(`revenue share ${revenueShareId} does not exist`);
  assertRetryable(row);

  const transferAttempt = row.transferAttempt + 1;
  if (row.payoutStatus !== 'PENDING') assertTransition(row.payoutStatus, 'PENDING');
  const outcome = await deps.ledger.update({
    revenueShareId,
    expectedVersion: row.version,
    expectedStatus: row.payoutStatus,
    changes: { payoutStatus: 'PENDING', transferAttempt, updatedAt: deps.clock.now().toISOString() },
  });
  if (!outcome.updated) {
    throw new ConflictError(
      `revenue share ${revenueShareId} changed while retrying (another request won); read it again`,
    );
  }
  const message: TransferMessage = { revenueShareId, transferAttempt };
  try {
    await deps.transferQueue.send(message, transferSendOptions(message));
  } catch (error) {
    // The row is PENDING at the new attempt with no message: the next retry starts attempt + 1 and queues that.
    throw new TemporarilyUnavailableError(
      `attempt ${transferAttempt} of revenue share ${revenueShareId} could not be queued; retry again`,
      { cause: error },
    );
  }
  return { revenueShareId, transferAttempt };
}

function assertRetryable(row: RevenueShare): void {
  if (row.stripeTransferId) {
    throw new ConflictError(
      `revenue share ${row.revenueShareId} is already transferred (${row.stripeTransferId}); use mark-paid to verify it`,
    );
  }
  if (row.payoutStatus !== 'TRANSFER_FAILED' && row.payoutStatus !== 'PENDING') {
    throw new ConflictError(`revenue share ${row.revenueShareId} is ${row.payoutStatus}: there is nothing to retry`);
  }
}
