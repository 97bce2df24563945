/**
 * POST /platform/payout/retry: starts a new transfer attempt for a row that has no transfer yet: one whose
 * transfer failed (TRANSFER_FAILED), or a PENDING row that was never transferred (transferAttempt 0: its district
 * does not transfer automatically), or a PENDING row whose last attempt was queued so long ago that it cannot
 * still be running (its message was dead-lettered or lost). A PENDING row whose attempt was queued within
 * `attemptInFlightSeconds` is refused (409): that attempt may still run, and a second click must not start
 * another. The attempt number is incremented with an update conditional on the version read, so of concurrent
 * retries of one row exactly one starts an attempt and the others get a conflict.
 *
 * The new attempt gets a new idempotency key at Stripe (a failed attempt's key would replay the stored error),
 * and the transfer worker lists the row's transfer group before creating, so a retry can never pay a row twice.
 *
 * A row whose district's account is no longer the one it pays is moved to the district's current account in the same
 * update, when no money went to the old one and the request says who moves it and why (domain/platform/account-move.ts).
 */
import type { DestinationChange, RevenueShare, TransferMessage } from '../model.js';
import { destinationChangeFields } from '../payouts/moved-row.js';
import { allPartsTransferred, partsOf } from '../payouts/transfer-plan.js';
import { assertTransition } from '../payouts/transitions.js';
import type { Clock, DistrictStore, LedgerStore, MessageQueue } from '../ports.js';
import { accountMove, type MoveRequest } from './account-move.js';
import { ConflictError, NotFoundError, TemporarilyUnavailableError } from './errors.js';
import { queueTransferAttempt } from './queue-transfer-attempt.js';

export interface RetryPayoutDeps {
  ledger: LedgerStore;
  /** The row's district: its current account, which the row may be moved to. Unset: a retry never moves a row. */
  districts?: Pick<DistrictStore, 'get'>;
  transferQueue: MessageQueue<TransferMessage>;
  clock: Clock;
  /**
   * How long a queued attempt may still be running: the transfer queue's visibility timeout times its
   * maxReceiveCount (after that its message has been handled or dead-lettered).
   */
  attemptInFlightSeconds: number;
}

export interface RetryPayoutResult {
  revenueShareId: string;
  transferAttempt: number;
  /** Set when this retry moved the row to its district's current account. */
  destinationChange?: DestinationChange;
}

/** `move`: who moves the row and why, if it has to be moved; `callerArn`: the authenticated caller, recorded with it. */
export async function retryPayout(
  revenueShareId: string,
  deps: RetryPayoutDeps,
  move: MoveRequest = {},
  callerArn?: string,
): Promise<RetryPayoutResult> {
  const row = await deps.ledger.get(revenueShareId);
  if (!row) throw new NotFoundError(`revenue share ${revenueShareId} does not exist`);
  const now = deps.clock.now();
  assertRetryable(row, now, deps.attemptInFlightSeconds);
  const change = deps.districts && accountMove(row, await deps.districts.get(row.districtId), move, now, callerArn);

  const transferAttempt = row.transferAttempt + 1;
  if (row.payoutStatus !== 'PENDING') assertTransition(row.payoutStatus, 'PENDING');
  const outcome = await deps.ledger.update({
    revenueShareId,
    expectedVersion: row.version,
    expectedStatus: row.payoutStatus,
    changes: {
      payoutStatus: 'PENDING',
      transferAttempt,
      updatedAt: now.toISOString(),
      ...(change && destinationChangeFields(row, change)),
    },
  });
  if (!outcome.updated) {
    throw new ConflictError(
      `revenue share ${revenueShareId} changed while retrying (another request won); read it again`,
    );
  }
  // If the queue refuses, the row is put back as it was, except that it keeps the attempt number it took: a send
  // reported failed may have reached the queue after all, and the next retry's message must not carry that one's
  // deduplication id (SQS would drop it while the first, for an attempt put back, was skipped as stale).
  const queued = await queueTransferAttempt(
    outcome.row,
    {
      payoutStatus: row.payoutStatus,
      updatedAt: row.updatedAt,
      ...(change && {
        destinationAccountId: row.destinationAccountId,
        destinationChanges: row.destinationChanges ?? null,
      }),
    },
    deps,
  );
  if (!queued.queued) {
    // Not put back, the new attempt stands without a message: the in-flight rule lets it be retried once its
    // window has passed.
    const advice = queued.restored
      ? restoredAdvice(row, now, deps.attemptInFlightSeconds)
      : `retry after ${retryableAfter(outcome.row, deps.attemptInFlightSeconds).toISOString()}`;
    throw new TemporarilyUnavailableError(
      `attempt ${transferAttempt} of revenue share ${revenueShareId} could not be queued: ${advice}`,
      { cause: queued.error },
    );
  }
  return { revenueShareId, transferAttempt, ...(change && { destinationChange: change }) };
}

/** A row put back as it was: retry at once, unless it is PENDING and changed so recently that a retry waits. */
function restoredAdvice(row: RevenueShare, now: Date, attemptInFlightSeconds: number): string {
  const until = retryableAfter(row, attemptInFlightSeconds);
  return row.payoutStatus === 'PENDING' && now < until
    ? `nothing changed; retry after ${until.toISOString()}`
    : 'nothing changed; retry';
}

/** When a retry of a PENDING row's queued attempt is no longer refused as possibly still running. */
export const retryableAfter = (row: Pick<RevenueShare, 'updatedAt'>, attemptInFlightSeconds: number): Date =>
  new Date(Date.parse(row.updatedAt) + attemptInFlightSeconds * 1000);

function assertRetryable(row: RevenueShare, now: Date, attemptInFlightSeconds: number): void {
  // A row split over several charges may have some parts transferred: a new attempt makes the missing ones.
  if (row.stripeTransferId && (allPartsTransferred(row) || partsOf(row).length === 0)) {
    throw new ConflictError(
      `revenue share ${row.revenueShareId} is already transferred (${row.stripeTransferId}); use mark-paid to verify it`,
    );
  }
  if (row.payoutStatus === 'NEEDS_REVIEW') {
    throw new ConflictError(
      `revenue share ${row.revenueShareId} is NEEDS_REVIEW (${row.reviewReason ?? 'no reason recorded'}): ` +
        'approve or close it; a retry never pays money that did not come through a charge',
    );
  }
  if (row.payoutStatus !== 'TRANSFER_FAILED' && row.payoutStatus !== 'PENDING') {
    throw new ConflictError(`revenue share ${row.revenueShareId} is ${row.payoutStatus}: there is nothing to retry`);
  }
  if (row.payoutStatus === 'PENDING' && row.transferAttempt > 0) {
    const until = retryableAfter(row, attemptInFlightSeconds);
    if (now < until) {
      throw new ConflictError(
        `revenue share ${row.revenueShareId}: attempt ${row.transferAttempt} was queued at ${row.updatedAt} and may ` +
          `still be running; retry after ${until.toISOString()} if it has not transferred by then`,
      );
    }
  }
}
