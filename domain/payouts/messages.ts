/** How payout messages are named on their FIFO queues, so every sender deduplicates the same way. */
import type { MarkPaidMessage, TransferMessage } from '../model.js';
import type { SendOptions } from '../ports.js';

/** Group = the row (one transfer at a time per row); dedup = row + attempt (a re-queued attempt is dropped). */
export const transferSendOptions = (message: TransferMessage): SendOptions => ({
  groupId: message.revenueShareId,
  deduplicationId: `${message.revenueShareId}#${message.transferAttempt}`,
});

/**
 * Group = the row. `dedupKey` names why the verification is queued: the transfer worker uses the transfer id, so
 * its re-deliveries collapse; a caller that wants a fresh verification passes something new (e.g. a request id).
 */
export const markPaidSendOptions = (message: MarkPaidMessage, dedupKey: string): SendOptions => ({
  groupId: message.revenueShareId,
  deduplicationId: `${message.revenueShareId}#${dedupKey}`,
});
