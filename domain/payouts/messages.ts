/** How payout messages are named on their FIFO queues, so every sender deduplicates the same way. */
import type { MarkPaidMessage, TransferMessage } from '../model.js';
import type { SendOptions } from '../ports.js';

/**
 * Group = the row (one transfer at a time per row); dedup = row + attempt (a re-queued attempt is dropped), and
 * `reason` when the attempt is queued again on purpose after its first message was consumed (a part of a partly
 * transferred row got its money back: the money event's id).
 */
export const transferSendOptions = (message: TransferMessage, reason?: string): SendOptions => ({
  groupId: message.revenueShareId,
  deduplicationId: `${message.revenueShareId}#${message.transferAttempt}${reason ? `#${reason}` : ''}`,
});

/**
 * Group = the row. `dedupKey` names why the verification is queued: the transfer worker uses the transfer id, so
 * its re-deliveries collapse; a caller that wants a fresh verification passes something new (e.g. a request id).
 */
export const markPaidSendOptions = (message: MarkPaidMessage, dedupKey: string): SendOptions => ({
  groupId: message.revenueShareId,
  deduplicationId: `${message.revenueShareId}#${dedupKey}`,
});
