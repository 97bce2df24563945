/**
 * The next money movement that brings one transfer part to its clawback target. Pure: given the part's share, its
 * recorded movements and the target, it names one Stripe request (or ledger entry) to make; the caller records it
 * and asks again until nothing is left to do. Reaching the target from any history, again and again, is what makes
 * redeliveries and replays harmless: once the target is reached the plan is `none`.
 *
 *   clawed back < target: reverse from the part's newest transfer with something left to reverse; with nothing left
 *                         the district owes it
 *   clawed back > target: forgive what is still owed first, then pay the rest again with a new transfer (a new key
 *                         after each refusal of it)
 *   not transferred yet:  the transfer itself is made smaller; what it cannot give back (the share netted to settle
 *                         the district's debts on other rows is no longer in it) is owed on the part
 */
import { type DisputeCause, repaymentIdempotencyKey, reversalIdempotencyKey } from './clawback-keys.js';
import {
  askedFromTransfer,
  type MoneyMovement,
  type PartTotals,
  partTotals,
  repaymentRefusals,
  reversibleTransfers,
} from './money-movements.js';

export interface PlanInput {
  revenueShareId: string;
  partIndex: number;
  /** S: the part's share. */
  shareCents: number;
  /** This part's movements only. */
  movements: readonly MoneyMovement[];
  /** 0..S, from the clawback rule. */
  targetCents: number;
  /** Set when a dispute step caused this plan: it goes into the key and the ledger entry. */
  dispute?: DisputeCause;
}

export type ClawbackPlan =
  | { action: 'none' }
  /** Not transferred yet: nothing moves now; the transfer will be `transferCents` (0: cancelled). */
  | { action: 'reduce-transfer'; transferCents: number }
  | { action: 'reverse'; transferId: string; amountCents: number; idempotencyKey: string }
  | { action: 'owe'; amountCents: number; note: string }
  | { action: 'forgive'; amountCents: number }
  | { action: 'repay'; amountCents: number; idempotencyKey: string };

export class ClawbackTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClawbackTargetError';
  }
}

export function planClawback(input: PlanInput): ClawbackPlan {
  const { shareCents, targetCents, movements } = input;
  if (!Number.isSafeInteger(targetCents) || targetCents < 0 || targetCents > shareCents) {
    throw new ClawbackTargetError(`clawback target ${targetCents} is outside 0..${shareCents}`);
  }
  const totals = partTotals(shareCents, movements);
  if (!totals.hasTransfer) return planBeforeTransfer(shareCents, targetCents, totals);
  const delta = targetCents - totals.clawedBackCents;
  if (delta > 0) {
    const source = reversibleTransfers(movements).find((t) => t.remainingCents > 0);
    if (!source) return { action: 'owe', amountCents: delta, note: 'no transfer left to reverse' };
    const amountCents = Math.min(delta, source.remainingCents);
    const askedAfter = askedFromTransfer(movements, source.transferId) + amountCents;
    return {
      action: 'reverse',
      transferId: source.transferId,
      amountCents,
      idempotencyKey: reversalIdempotencyKey(input.revenueShareId, source.transferId, askedAfter, input.dispute),
    };
  }
  if (delta < 0) {
    const giveBack = -delta;
    if (totals.owedCents > 0) return { action: 'forgive', amountCents: Math.min(totals.owedCents, giveBack) };
    const repaidAfter = totals.repaidCents + giveBack;
    return {
      action: 'repay',
      amountCents: giveBack,
      idempotencyKey: repaymentIdempotencyKey(
        input.revenueShareId,
        input.partIndex,
        repaidAfter,
        repaymentRefusals(movements),
        input.dispute,
      ),
    };
  }
  return { action: 'none' };
}

/**
 * A part not transferred can give back at most what its transfer would pay, S − netted: the netted share already
 * went to the district (its debt on another row was settled with it). The target above that, E, is owed on this part:
 * owed until what it raised (less what was forgiven) is E, forgiven down to E when less goes back (a refund failed),
 * then the transfer is made smaller. Recovered debt stays counted: netting it from another payout settled it.
 */
function planBeforeTransfer(shareCents: number, targetCents: number, totals: PartTotals): ClawbackPlan {
  const transferableCents = Math.max(0, shareCents - totals.nettedCents);
  const excessCents = Math.max(0, targetCents - transferableCents);
  const chargedCents = totals.owedRaisedCents - totals.owedForgivenCents;
  if (chargedCents < excessCents) {
    return { action: 'owe', amountCents: excessCents - chargedCents, note: 'netted to settle a debt, then taken back' };
  }
  if (chargedCents > excessCents && totals.owedCents > 0) {
    return { action: 'forgive', amountCents: Math.min(totals.owedCents, chargedCents - excessCents) };
  }
  return { action: 'reduce-transfer', transferCents: Math.max(0, transferableCents - targetCents) };
}

/** What every movement of a clawback names: its part, when, and what caused it. */
export interface MovementContext {
  partIndex: number;
  at: string;
  causeEventId?: string;
  chargeId?: string;
  dispute?: DisputeCause;
}

/** The ledger entry a plan makes once its request succeeded (reverse, repay: with the Stripe id) or at once. */
export function movementOf(
  plan: Exclude<ClawbackPlan, { action: 'none' } | { action: 'reduce-transfer' }>,
  context: MovementContext,
  stripeId?: string,
): MoneyMovement {
  const base = {
    partIndex: context.partIndex,
    at: context.at,
    ...(context.causeEventId ? { causeEventId: context.causeEventId } : {}),
    ...(context.chargeId ? { chargeId: context.chargeId } : {}),
    ...(context.dispute ? { disputeId: context.dispute.disputeId, disputeStep: context.dispute.step } : {}),
  };
  switch (plan.action) {
    case 'reverse':
      return {
        ...base,
        kind: 'REVERSAL',
        amountCents: plan.amountCents,
        transferId: plan.transferId,
        idempotencyKey: plan.idempotencyKey,
        ...(stripeId ? { stripeId } : {}),
      };
    case 'repay':
      return {
        ...base,
        kind: 'REPAYMENT',
        amountCents: plan.amountCents,
        idempotencyKey: plan.idempotencyKey,
        ...(stripeId ? { stripeId } : {}),
      };
    case 'owe':
      return { ...base, kind: 'OWED', amountCents: plan.amountCents, note: plan.note };
    case 'forgive':
      return { ...base, kind: 'OWED_FORGIVEN', amountCents: plan.amountCents };
  }
}

/** A reversal Stripe refused (the destination's balance cannot cover it): the district owes its amount. */
export function refusedReversal(
  plan: { amountCents: number; idempotencyKey: string; transferId: string },
  context: MovementContext,
  reason: string,
): MoneyMovement {
  return {
    ...movementOf({ action: 'owe', amountCents: plan.amountCents, note: reason }, context),
    idempotencyKey: plan.idempotencyKey,
    transferId: plan.transferId,
  };
}

/** A re-payment Stripe refused: nothing moved, so no total counts it (withRefusedRepayment counts it on its part). */
export function refusedRepayment(
  plan: { amountCents: number; idempotencyKey: string },
  context: MovementContext,
  reason: string,
): MoneyMovement {
  return {
    ...movementOf({ action: 'repay', amountCents: plan.amountCents, idempotencyKey: plan.idempotencyKey }, context),
    kind: 'REPAYMENT_REFUSED',
    note: reason,
  };
}
