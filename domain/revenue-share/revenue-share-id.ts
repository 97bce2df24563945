import { createHash } from 'node:crypto';

const ID_HASH_LENGTH = 26;

/**
 * The ledger row id of an invoice: `rs_` + the first 26 base64url characters (156 bits) of sha256(invoiceId).
 * It depends on the invoice alone, so every delivery of one invoice names the same row whichever district it is
 * found for, and the row's conditional put makes at most one (money rules 2 and 8); URL-safe, so it can sit in a
 * path.
 */
export function deriveRevenueShareId(invoiceId: string): string {
  const digest = createHash('sha256').update(invoiceId).digest('base64url');
  return `rs_${digest.slice(0, ID_HASH_LENGTH)}`;
}
