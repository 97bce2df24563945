/**
 * POST /platform/payout/mark-paid: queues the verification of a row's transfer. The mark-paid worker does the
 * real work (retrieve the transfer at Stripe, check it, PENDING -> PAID conditionally); this refuses early what
 * it would refuse anyway. A row without stripeTransferId is refused as a bad request: there is nothing to verify.
 */
import type { MarkPaidMessage } from '../model.js';
import { markPaidSendOptions } from '../payouts/messages.js';
import type { LedgerStore, MessageQueue } from '../ports.js';
import { ConflictError, InvalidRequestError, NotFoundError, TemporarilyUnavailableError } from './errors.js';

export interface RequestMarkPaidDeps {
  ledger: LedgerStore;
  markPaidQueue: MessageQueue<MarkPaidMessage>;
}

export interface RequestMarkPaidResult {
  revenueShareId: string;
  stripeTransferId: string;
}

export async function requestMarkPaid(
  revenueShareId: string,
  deps: RequestMarkPaidDeps,
): Promise<RequestMarkPaidResult> {
  const row = await deps.ledger.get(revenueShareId);
  if (!row) throw new NotFoundError(`revenue share ${revenueShareId} does not exist`);
  if (row.payoutStatus === 'PAID') throw new ConflictError(`revenue share ${revenueShareId} is already PAID`);
  if (!row.stripeTransferId) {
    throw new InvalidRequestError(
      'revenueShareId',
      `revenue share ${revenueShareId} has no stripeTransferId: there is no transfer to verify (retry the payout first)`,
    );
  }
  if (row.payoutStatus !== 'PENDING') {
    throw new ConflictError(`revenue share ${revenueShareId} is ${row.payoutStatus}: it cannot be marked paid`);
  }
  const message: MarkPaidMessage = { revenueShareId };
  // One verification per version of the row: repeated requests for an unchanged row collapse into one message.
  try {
    await deps.markPaidQueue.send(message, markPaidSendOptions(message, `v${row.version}`));
  } catch (error) {
    throw new TemporarilyUnavailableError(`the verification of ${revenueShareId} could not be queued; retry`, {
      cause: error,
    });
  }
  return { revenueShareId, stripeTransferId: row.stripeTransferId };
}
