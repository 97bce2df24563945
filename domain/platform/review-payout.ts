/**
 * POST /platform/payout/approve and /platform/payout/close: a person's decision on a NEEDS_REVIEW row, the one
 * whose money did not (all) come through a Stripe charge (paid out of band, partly out of band, a $0 invoice).
 * Both record who decided, why and when (plus the authenticated caller, when the API knows it) on the row.
 *
 *   approve: NEEDS_REVIEW -> PENDING with a transfer plan: one part per charge that did pay the invoice (each
 *            naming its charge) and one part for the out-of-band money, paid from the platform balance; the
 *            transfer is queued. A zero share becomes NO_PAYOUT (nothing to transfer). If the queue refuses the
 *            transfer, the row is put back (NEEDS_REVIEW, undecided) and the answer is 503: approve it again.
 *   close:   NEEDS_REVIEW -> CLOSED: never paid.
 *
 * The update is conditional on the status and version read, so of two concurrent decisions one wins and the
 * other gets 409; approving twice is refused (409, naming the first decision), so it pays once.
 */
import type { RevenueShare, ReviewDecision, TransferMessage } from '../model.js';
import { moneySources, planTransferParts } from '../payouts/transfer-plan.js';
import { assertTransition } from '../payouts/transitions.js';
import type { Clock, LedgerStore, MessageQueue } from '../ports.js';
import { ConflictError, InvalidRequestError, NotFoundError, TemporarilyUnavailableError } from './errors.js';
import { queueTransferAttempt } from './queue-transfer-attempt.js';
import { retryableAfter } from './retry-payout.js';
import { parseRevenueShareId } from './revenue-share-request.js';
import { rejectUnknownFields, requiredString, requireObject } from './validate.js';

export const MAX_DECIDED_BY_LENGTH = 200;
export const MAX_REASON_LENGTH = 1_000;

export interface ReviewRequest {
  revenueShareId: string;
  /** Who decides, as they name themselves (e-mail, user name). */
  by: string;
  reason: string;
}

/** `{ "revenueShareId": "rs_...", "by": "jane@example.org", "reason": "cheque 1042 cleared" }`, all required. */
export function parseReviewRequest(body: unknown): ReviewRequest {
  const input = requireObject(body);
  rejectUnknownFields(input, ['revenueShareId', 'by', 'reason']);
  const revenueShareId = parseRevenueShareId(input.revenueShareId);
  const by = requiredString(input.by, 'by');
  const reason = requiredString(input.reason, 'reason');
  return { revenueShareId, by: decisionText(by, 'by'), reason: decisionText(reason, 'reason') };
}

/** Who decided, or why, as a person's request gives it (approve, close, a retry that moves a row): trimmed, bounded. */
export function decisionText(value: string, field: 'by' | 'reason'): string {
  const text = value.trim();
  const maxLength = field === 'by' ? MAX_DECIDED_BY_LENGTH : MAX_REASON_LENGTH;
  if (text === '')
    throw new InvalidRequestError(field, field === 'by' ? 'by must name who decides' : 'reason must say why');
  if (text.length > maxLength) throw new InvalidRequestError(field, `${field} must be at most ${maxLength} characters`);
  return text;
}

export interface ReviewPayoutDeps {
  ledger: LedgerStore;
  transferQueue: MessageQueue<TransferMessage>;
  clock: Clock;
  /** As for a retry (RetryPayoutDeps): when an approval left without its message can be retried. */
  attemptInFlightSeconds: number;
}

export interface ReviewPayoutResult {
  revenueShareId: string;
  payoutStatus: RevenueShare['payoutStatus'];
  transferAttempt: number;
  decision: ReviewDecision;
}

export async function approvePayout(
  request: ReviewRequest,
  deps: ReviewPayoutDeps,
  callerArn?: string,
): Promise<ReviewPayoutResult> {
  const row = await reviewable(request.revenueShareId, 'approve', deps);
  const now = deps.clock.now();
  const decision = decisionOf('approve', request, now, callerArn);
  const outOfBandCents = Math.max(0, row.amountCents - (row.collectedCents ?? 0));
  const transferParts = planTransferParts(row.shareCents, moneySources(row.sourceCharges ?? [], outOfBandCents));
  const payoutStatus = transferParts.length > 0 ? 'PENDING' : 'NO_PAYOUT';
  assertTransition(row.payoutStatus, payoutStatus);
  const transferAttempt = payoutStatus === 'PENDING' ? row.transferAttempt + 1 : row.transferAttempt;
  const updated = await decide(row, deps, {
    payoutStatus,
    transferAttempt,
    transferParts,
    decision,
    lastError: null,
    updatedAt: now.toISOString(),
  });
  if (payoutStatus === 'PENDING') {
    // Nothing else would ever queue this attempt (the invoice's event is processed): if the queue refuses it, the
    // row goes back to NEEDS_REVIEW undecided, so the approval can simply be made again. It keeps the attempt
    // number: a refused send may still have been enqueued, and the next approval's message, were it to reuse the
    // number, would be dropped as a duplicate of that one (skipped by the worker while the row waited for review).
    const queued = await queueTransferAttempt(
      updated,
      {
        payoutStatus: row.payoutStatus,
        transferParts: row.transferParts ?? null,
        decision: null,
        lastError: row.lastError ?? null,
        updatedAt: row.updatedAt,
      },
      deps,
    );
    if (!queued.queued) throw notQueued(updated, queued.restored, deps, queued.error);
  }
  return resultOf(updated);
}

function notQueued(
  approved: RevenueShare,
  restored: boolean,
  deps: ReviewPayoutDeps,
  cause: unknown,
): TemporarilyUnavailableError {
  const id = approved.revenueShareId;
  const message = restored
    ? `the transfer of revenue share ${id} could not be queued, so it is not approved: it is NEEDS_REVIEW as ` +
      'before, with no decision; approve it again (`payouts approve`)'
    : `revenue share ${id} is approved (PENDING, attempt ${approved.transferAttempt}) but its transfer could not be ` +
      'queued, nor the approval undone: nothing will transfer it until `payouts retry ' +
      `${id}\` after ${retryableAfter(approved, deps.attemptInFlightSeconds).toISOString()} (refused before then)`;
  return new TemporarilyUnavailableError(message, { cause });
}

export async function closePayout(
  request: ReviewRequest,
  deps: Pick<ReviewPayoutDeps, 'ledger' | 'clock'>,
  callerArn?: string,
): Promise<ReviewPayoutResult> {
  const row = await reviewable(request.revenueShareId, 'close', deps);
  const now = deps.clock.now();
  assertTransition(row.payoutStatus, 'CLOSED');
  const updated = await decide(row, deps, {
    payoutStatus: 'CLOSED',
    decision: decisionOf('close', request, now, callerArn),
    updatedAt: now.toISOString(),
  });
  return resultOf(updated);
}

async function reviewable(
  revenueShareId: string,
  action: ReviewDecision['action'],
  deps: Pick<ReviewPayoutDeps, 'ledger'>,
): Promise<RevenueShare> {
  const row = await deps.ledger.get(revenueShareId);
  if (!row) throw new NotFoundError(`revenue share ${revenueShareId} does not exist`);
  if (row.decision) {
    const { decision } = row;
    throw new ConflictError(
      `revenue share ${revenueShareId} was already ${decision.action === 'approve' ? 'approved' : 'closed'} by ` +
        `${decision.by} at ${decision.at} (${decision.reason}); it is ${row.payoutStatus}`,
    );
  }
  if (row.payoutStatus !== 'NEEDS_REVIEW') {
    throw new ConflictError(
      `revenue share ${revenueShareId} is ${row.payoutStatus}: only a NEEDS_REVIEW row can be ${action === 'approve' ? 'approved' : 'closed'}`,
    );
  }
  return row;
}

async function decide(
  row: RevenueShare,
  deps: Pick<ReviewPayoutDeps, 'ledger'>,
  changes: Parameters<LedgerStore['update']>[0]['changes'],
): Promise<RevenueShare> {
  const outcome = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    expectedStatus: 'NEEDS_REVIEW',
    changes,
  });
  if (!outcome.updated) {
    throw new ConflictError(
      `revenue share ${row.revenueShareId} changed while deciding (another decision won); read it again`,
    );
  }
  return outcome.row;
}

function decisionOf(
  action: ReviewDecision['action'],
  request: ReviewRequest,
  now: Date,
  callerArn: string | undefined,
): ReviewDecision {
  return {
    action,
    by: request.by,
    reason: request.reason,
    at: now.toISOString(),
    ...(callerArn ? { callerArn } : {}),
  };
}

const resultOf = (row: RevenueShare): ReviewPayoutResult => ({
  revenueShareId: row.revenueShareId,
  payoutStatus: row.payoutStatus,
  transferAttempt: row.transferAttempt,
  decision: row.decision as ReviewDecision,
});
