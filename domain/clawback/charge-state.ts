/**
 * What the clawback reads of a charge: its amount, what is refunded of it now, and its disputes. Money events only
 * name the charge; the worker reads its current state from Stripe, so an old, duplicated or out-of-order event
 * computes the same target as the newest one and can never roll a clawback back.
 */
import { clawbackTargetCents } from './clawback-rule.js';
import { type DisputePolicy, type DisputeSnapshot, disputedCentsCounted } from './dispute-policy.js';

export interface ChargeSnapshot {
  chargeId: string;
  /** What the charge collected (cents). */
  amountCents: number;
  /** Stripe's amount_refunded now: succeeded and pending refunds; a failed refund is no longer in it. */
  refundedCents: number;
  disputes: DisputeSnapshot[];
  /** The payment intent that made the charge (`pi_...`): what names the invoices it paid. */
  paymentIntentId?: string;
}

/** G: refunded plus disputed as the policy counts it, at most the charge's amount. */
export function goneCents(charge: ChargeSnapshot, policy: DisputePolicy): number {
  const disputed = charge.disputes.reduce((total, d) => total + disputedCentsCounted(d, policy), 0);
  return Math.min(charge.amountCents, charge.refundedCents + disputed);
}

/** The target reversed of a part of `shareCents` funded by `charge`: the clawback rule on the charge's state now. */
export function partTargetCents(
  shareCents: number,
  shareBps: number,
  charge: ChargeSnapshot,
  policy: DisputePolicy,
): number {
  return clawbackTargetCents({
    chargeAmountCents: charge.amountCents,
    goneCents: goneCents(charge, policy),
    shareCents,
    shareBps,
  });
}
