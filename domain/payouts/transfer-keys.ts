/** Names the transfer worker gives a ledger row's transfers at the payment provider. */

/**
 * One key per (row, attempt), and per part when the share is split across several charges: a retry of the same
 * attempt gets the same transfer (or the same stored error). A one-part row keeps the plain (row, attempt) key.
 */
export const transferIdempotencyKey = (revenueShareId: string, transferAttempt: number, partIndex?: number): string =>
  `transfer:${revenueShareId}:${transferAttempt}${partIndex === undefined ? '' : `:${partIndex}`}`;

/** The metadata key naming the part a transfer pays (absent on transfers made before rows had parts: part 0). */
export const TRANSFER_PART_METADATA_KEY = 'transferPart';

/** The part a transfer pays, from its metadata; undefined when the metadata names something that is not a part. */
export function transferPartOf(metadata: Record<string, string>): number | undefined {
  const value = metadata[TRANSFER_PART_METADATA_KEY];
  if (value === undefined) return 0;
  return /^(0|[1-9][0-9]{0,3})$/.test(value) ? Number(value) : undefined;
}

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
