/**
 * The clawback rule: what the district keeps of a charge's share once money went back to the customer.
 *
 * A charge of A cents funded a share of S cents at shareBps. After G cents of it went back (refunds, and disputes as
 * the district's dispute policy counts them), the district keeps the share of what the platform kept, with the
 * rounding rule's floor: kept = floor((A − G) × shareBps / 10000). The target reversed is S − kept, cumulative: it
 * is recomputed from the totals every time, never from the last refund alone, so several partial refunds never drift
 * by rounding, and a redelivered, replayed or out-of-order event computes the same target again.
 *
 * The target is kept within 0..S: 0 while nothing went back (a share split across several charges can be one cent
 * above floor(A × shareBps / 10000) of its charge), S once everything went back. It never decreases as G grows.
 */
import { MAX_SHARE_BPS, validateAmountCents, validateShareBps } from '../revenue-share/share.js';

export interface ClawbackInput {
  /** A: what the charge collected (cents). */
  chargeAmountCents: number;
  /** G: what of it went back (cents): refunded, and disputed as the policy counts it. Capped at A. */
  goneCents: number;
  /** S: the share this charge funded (cents). */
  shareCents: number;
  shareBps: number;
}

/** floor((A − G) × shareBps / 10000), with BigInt, G capped at A. */
export function keptShareCents(chargeAmountCents: number, goneCents: number, shareBps: number): number {
  const amount = validateAmountCents(chargeAmountCents, 'chargeAmountCents');
  const gone = Math.min(validateAmountCents(goneCents, 'goneCents'), amount);
  const bps = BigInt(validateShareBps(shareBps));
  return Number((BigInt(amount - gone) * bps) / BigInt(MAX_SHARE_BPS));
}

/** The target reversed: S − floor((A − G) × shareBps / 10000), kept within 0..S, 0 when nothing went back. */
export function clawbackTargetCents(input: ClawbackInput): number {
  const share = validateAmountCents(input.shareCents, 'shareCents');
  const gone = validateAmountCents(input.goneCents, 'goneCents');
  const kept = keptShareCents(input.chargeAmountCents, gone, input.shareBps);
  if (gone === 0) return 0;
  return Math.min(share, Math.max(0, share - kept));
}
