/**
 * What a dispute does to the district's share. A dispute debits the platform's balance (not the district's), so the
 * platform decides when to claw the share of the disputed amount back.
 *
 * REVERSE_ON_DISPUTE (the default): reverse the share when the dispute is opened (created, funds withdrawn), pay it
 *   again when the dispute is won, keep it reversed when it is lost.
 * REVERSE_ON_LOSS: leave the share with the district while the dispute is open, reverse it only when it is lost.
 *
 * Under both, a dispute Stripe prevented (stopped before it became a chargeback: resolved, as by Visa RDR, or blocked)
 * counts nothing, as a won one: no money went back through it. When RDR resolved it with a refund, that refund is the
 * charge's own (amount_refunded) and counts as a refund, once.
 *
 * Settable per district (District.disputePolicy); a district without one has the default.
 */

export const DISPUTE_POLICIES = ['REVERSE_ON_DISPUTE', 'REVERSE_ON_LOSS'] as const;
export type DisputePolicy = (typeof DISPUTE_POLICIES)[number];
export const DEFAULT_DISPUTE_POLICY: DisputePolicy = 'REVERSE_ON_DISPUTE';

/** Stripe's dispute statuses, grouped by what they mean for the money. */
const WON = new Set(['won', 'warning_closed']);
const LOST = new Set(['lost']);
const PREVENTED = new Set(['prevented']);

export interface DisputeSnapshot {
  disputeId: string;
  /** The disputed amount (cents). */
  amountCents: number;
  /** Stripe's dispute status: warning_needs_response, needs_response, under_review, won, lost, prevented, ... */
  status: string;
}

export type DisputeOutcome = 'open' | 'won' | 'lost' | 'prevented';

export function disputeOutcome(status: string): DisputeOutcome {
  if (WON.has(status)) return 'won';
  if (LOST.has(status)) return 'lost';
  if (PREVENTED.has(status)) return 'prevented';
  return 'open';
}

/** The cents of this dispute that count as gone under `policy`. */
export function disputedCentsCounted(dispute: DisputeSnapshot, policy: DisputePolicy): number {
  const outcome = disputeOutcome(dispute.status);
  if (outcome === 'lost') return dispute.amountCents;
  if (outcome === 'open' && policy === 'REVERSE_ON_DISPUTE') return dispute.amountCents;
  return 0;
}

export const isDisputePolicy = (value: unknown): value is DisputePolicy =>
  typeof value === 'string' && (DISPUTE_POLICIES as readonly string[]).includes(value);
