import { createHash } from 'node:crypto';

const ID_HASH_LENGTH = 26;

/**
 * The ledger row id of (districtId, invoiceId): `rs_` + the first 26 base64url characters (156 bits) of
 * sha256(districtId + '\n' + invoiceId). Deterministic, so every delivery of one invoice names the same row and
 * the conditional put makes at most one; URL-safe, so it can sit in a path.
 */
export function deriveRevenueShareId(districtId: string, invoiceId: string): string {
  const digest = createHash('sha256').update(`${districtId}\n${invoiceId}`).digest('base64url');
  return `rs_${digest.slice(0, ID_HASH_LENGTH)}`;
}
