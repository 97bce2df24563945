/**
 * Money that went back, clawed back? For each charge the day's money events name (refunds made or failed, disputes
 * opened, funds withdrawn or reinstated, closed), the row it paid against the clawback target of the charge as Stripe
 * has it now, computed as the clawback worker computes it (domain/clawback/charge-part-plans.ts). A part is reported
 * exactly when the worker, handed that charge's money event now, would still move money or change the row: the event
 * was lost, or is stuck (FAILED, dead-lettered, a worker that died after writing its intent). Pure: the caller reads
 * each charge's rows, state and dispute policy (clawback-charges.ts).
 *
 * Not a mismatch: a charge that paid no ledger row (outside any invoice, or of an invoice without a row, which
 * MISSING_LEDGER_ROW reports on its paid day); a row with no part funded by the charge, as a row waiting for review
 * has none (the transfer worker brings an approved row's charges to their targets before its first transfer).
 */

import { type ChargePartPlan, chargePartPlans } from '../clawback/charge-part-plans.js';
import type { ChargeSnapshot } from '../clawback/charge-state.js';
import type { ClawbackIntent } from '../clawback/clawback-intent.js';
import type { DisputePolicy } from '../clawback/dispute-policy.js';
import { partTotals, repaymentRefusals } from '../clawback/money-movements.js';
import type { RevenueShare } from '../model.js';
import type { Mismatch } from './three-way-match.js';

export interface ChargeClawbackCheck {
  chargeId: string;
  /** Every ledger row the charge paid (domain/clawback/row-paid-by.ts): none, one, or several. */
  rows: readonly RevenueShare[];
  /** When it paid one row: the charge as Stripe has it, read after the row, and the row's district's policy. */
  state?: { charge: ChargeSnapshot; policy: DisputePolicy };
}

/** One CLAWBACK_DIFFERS per charge whose row is not at its target (or that paid several rows), in input order. */
export function clawbackMatch(checks: readonly ChargeClawbackCheck[]): Mismatch[] {
  return checks.flatMap(compareCharge);
}

function compareCharge({ chargeId, rows, state }: ChargeClawbackCheck): Mismatch[] {
  if (rows.length > 1) {
    const named = rows.map((row) => `${row.revenueShareId} (${row.invoiceId})`).join(', ');
    return [
      {
        kind: 'CLAWBACK_DIFFERS',
        chargeId,
        detail: `charge ${chargeId} paid ${rows.length} ledger rows: ${named}; the clawback fails its money events rather than guess which to claw back`,
      },
    ];
  }
  const [row] = rows;
  if (!row || !state) return [];
  const plans = chargePartPlans(row, state.charge, state.policy);
  const ids = { invoiceId: row.invoiceId, revenueShareId: row.revenueShareId, chargeId };
  const charge = describeCharge(state.charge, row.currency, state.policy);
  const intent = row.clawbackIntent;
  if (intent && plans.some((p) => p.part.index === intent.partIndex)) {
    // The worker completes a written intent before anything else: it is what it would do first.
    return [
      {
        kind: 'CLAWBACK_DIFFERS',
        ...ids,
        ...(intent.transferId ? { stripeTransferId: intent.transferId } : {}),
        detail: `${charge}; an unfinished clawback intent written ${intent.at}: would ${intentStep(intent)}`,
      },
    ];
  }
  const behind = plans.filter((p) => !p.atTarget);
  const [first] = behind;
  if (!first) return [];
  const transferId = first.plan.action === 'reverse' ? first.plan.transferId : first.part.stripeTransferId;
  return [
    {
      kind: 'CLAWBACK_DIFFERS',
      ...ids,
      ...(transferId ? { stripeTransferId: transferId } : {}),
      detail: `${charge}; ${behind.map(describePart).join('; ')}`,
    },
  ];
}

function describeCharge(charge: ChargeSnapshot, currency: string, policy: DisputePolicy): string {
  const disputes = charge.disputes.map((d) => `, dispute ${d.disputeId} ${d.status} ${d.amountCents}`).join('');
  return `charge ${charge.chargeId} now ${charge.refundedCents} of ${charge.amountCents} ${currency} refunded${disputes} (${policy})`;
}

function describePart({ part, shareCents, movements, targetCents, plan }: ChargePartPlan): string {
  const taken = partTotals(shareCents, movements, part.amountCents).clawedBackCents;
  const where = `part ${part.index} has ${taken} of its ${shareCents} taken back, target ${targetCents}: would`;
  switch (plan.action) {
    case 'reverse':
      return `${where} reverse ${plan.amountCents} from ${plan.transferId}`;
    case 'repay': {
      const refusals = repaymentRefusals(movements);
      const refused = refusals > 0 ? ` (Stripe refused ${refusals} re-payment(s) of it so far)` : '';
      return `${where} re-pay ${plan.amountCents} with a new transfer${refused}`;
    }
    case 'owe':
      return `${where} record ${plan.amountCents} as owed by the district (${plan.note})`;
    case 'forgive':
      return `${where} forgive ${plan.amountCents} the district owes`;
    case 'reduce-transfer':
      return `${where} make its transfer, not made yet, ${plan.transferCents} instead of ${part.amountCents}`;
    case 'none':
      return `${where} do nothing`;
  }
}

function intentStep(intent: ClawbackIntent): string {
  return intent.action === 'reverse'
    ? `reverse ${intent.amountCents} from ${intent.transferId ?? 'its transfer'} (part ${intent.partIndex})`
    : `re-pay ${intent.amountCents} with a new transfer (part ${intent.partIndex})`;
}
