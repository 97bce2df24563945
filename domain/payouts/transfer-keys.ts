/** Names the transfer worker gives a ledger row's transfers at the payment provider. */

/** One key per (row, attempt): a retry of the same attempt gets the same transfer (or the same stored error). */
export const transferIdempotencyKey = (revenueShareId: string, transferAttempt: number): string =>
  `transfer:${revenueShareId}:${transferAttempt}`;

/**
 * One group per row, across attempts: listing it finds every transfer ever made for the row, so neither a pruned
 * idempotency key nor a new attempt after an unrecorded success can pay twice.
 */
export const transferGroupOf = (revenueShareId: string): string => revenueShareId;

export const transferMetadata = (row: {
  revenueShareId: string;
  invoiceId: string;
  districtId: string;
  transferAttempt: number;
}): Record<string, string> => ({
  revenueShareId: row.revenueShareId,
  invoiceId: row.invoiceId,
  districtId: row.districtId,
  transferAttempt: String(row.transferAttempt),
});
