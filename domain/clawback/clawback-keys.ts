/**
 * Idempotency keys of the clawback's Stripe requests. Each is derived from the row and the cumulative target the
 * request reaches, so it is the same on every retry of one movement and never repeats for another:
 *   reversal:  (row, transfer, Σ asked back from that transfer after it, refused asks included): only grows
 *   repayment: (row, part, Σ re-paid after it, re-payments of the part Stripe refused so far): the sum grows with
 *              each re-payment made, the count with each one refused (Stripe replays a stored refusal for 24 h, so
 *              the ask after a refusal needs a new key: once the cause is fixed, the very next replay pays)
 * A movement caused by a dispute step also names (dispute id, step). The key is written on the row (the pending
 * intent) before the request, so a retry after a crash sends the same key with the same amount.
 */

export interface DisputeCause {
  disputeId: string;
  step: string;
}

const disputeSuffix = (dispute?: DisputeCause) => (dispute ? `:${dispute.disputeId}:${dispute.step}` : '');

export const reversalIdempotencyKey = (
  revenueShareId: string,
  transferId: string,
  askedAfterCents: number,
  dispute?: DisputeCause,
): string => `clawback:${revenueShareId}:${transferId}:reversed:${askedAfterCents}${disputeSuffix(dispute)}`;

export const repaymentIdempotencyKey = (
  revenueShareId: string,
  partIndex: number,
  repaidAfterCents: number,
  refusals: number,
  dispute?: DisputeCause,
): string =>
  `clawback:${revenueShareId}:${partIndex}:repaid:${repaidAfterCents}` +
  `${refusals > 0 ? `:refused:${refusals}` : ''}${disputeSuffix(dispute)}`;

/** Re-payments are transfers of their own business action: grouped apart from the row's payout transfers. */
export const repaymentTransferGroupOf = (revenueShareId: string): string => `${revenueShareId}:repayment`;

/** The metadata key under which a reversal or re-payment names its idempotency key: how it is found again later. */
export const CLAWBACK_KEY_METADATA_KEY = 'clawbackKey';
