/**
 * For each part of a row funded by one charge: its share, its movements, the clawback target of the charge as given,
 * and the next step planClawback names to reach it. Pure. The clawback worker takes the first part not at its target
 * and makes that step (process-money-event.ts); the daily reconcile reports every part not at its target
 * (domain/reconcile/clawback-match.ts). One computation for both, so reconcile judges by the worker's own rule.
 */
import type { RevenueShare, TransferPart } from '../model.js';
import { partsOf } from '../payouts/transfer-plan.js';
import { type ChargeSnapshot, partTargetCents } from './charge-state.js';
import type { DisputeCause } from './clawback-keys.js';
import type { DisputePolicy } from './dispute-policy.js';
import type { MoneyMovement } from './money-movements.js';
import { type ClawbackPlan, planClawback } from './plan-clawback.js';
import { partMovements } from './row-totals.js';

export interface ChargePartPlan {
  part: TransferPart;
  /** The part's share before any reduction. */
  shareCents: number;
  /** The part's movements, its transfer included. */
  movements: MoneyMovement[];
  targetCents: number;
  plan: ClawbackPlan;
  /**
   * Nothing to do: `none`, or a part not transferred yet whose transfer is already what the plan makes it (a part
   * not transferred is always planned as `reduce-transfer`, to the amount it should send).
   */
  atTarget: boolean;
}

type RowMoney = Pick<
  RevenueShare,
  'revenueShareId' | 'shareBps' | 'shareCents' | 'transferParts' | 'moneyHistory' | 'paidAt' | 'updatedAt'
>;

export function chargePartPlans(
  row: RowMoney,
  charge: ChargeSnapshot,
  policy: DisputePolicy,
  dispute?: DisputeCause,
): ChargePartPlan[] {
  return partsOf(row)
    .filter((part) => part.sourceChargeId === charge.chargeId)
    .map((part) => {
      const { shareCents, movements } = partMovements(row, part);
      const targetCents = partTargetCents(shareCents, row.shareBps, charge, policy);
      const plan = planClawback({
        revenueShareId: row.revenueShareId,
        partIndex: part.index,
        shareCents,
        movements,
        targetCents,
        ...(dispute ? { dispute } : {}),
      });
      const atTarget =
        plan.action === 'none' || (plan.action === 'reduce-transfer' && plan.transferCents === part.amountCents);
      return { part, shareCents, movements, targetCents, plan, atTarget };
    });
}
