/**
 * The reads behind reconcile's clawback check (clawback-match.ts): one listing of the day's money events at Stripe
 * (the types the clawback processes), the charges they name, once each, and per charge what the clawback worker reads:
 * the rows it paid (rowsPaidBy, through its payment intent's invoices), then the charge as Stripe has it now, read
 * after the row as the worker reads it (a snapshot older than the row could sit below a clawback the row records),
 * and the dispute policy of the row's district.
 */
import { DEFAULT_DISPUTE_POLICY, type DisputePolicy } from '../clawback/dispute-policy.js';
import {
  CLAWBACK_EVENT_TYPES,
  chargeIdOfMoneyEvent,
  paymentIntentOfMoneyEvent,
} from '../clawback/money-event-charge.js';
import { rowsPaidBy } from '../clawback/row-paid-by.js';
import type { ChargeClawbackCheck } from './clawback-match.js';
import type { CreatedRange, ReconcileDistricts, ReconcileLedger, ReconcileStripeSource } from './sources.js';

const CONCURRENT_CHARGES = 4;

type ClawbackStripe = ReconcileStripeSource &
  Required<Pick<ReconcileStripeSource, 'events' | 'chargeSnapshot' | 'invoicesPaidWith'>>;

export interface ClawbackSources {
  stripe: ClawbackStripe;
  ledger: Pick<ReconcileLedger, 'row'>;
  districts: ReconcileDistricts;
}

/** The Stripe source can read what the check needs (a source without it skips the check). */
export const canCheckClawbacks = (stripe: ReconcileStripeSource): stripe is ClawbackStripe =>
  stripe.events !== undefined && stripe.chargeSnapshot !== undefined && stripe.invoicesPaidWith !== undefined;

export async function gatherClawbackChecks(
  sources: ClawbackSources,
  created: CreatedRange,
): Promise<ChargeClawbackCheck[]> {
  const events = await sources.stripe.events(CLAWBACK_EVENT_TYPES, created);
  // Charge -> the payment intent that made it, as the events name it (a charge's intent never changes).
  const charges = new Map<string, string | undefined>();
  for (const event of events) {
    const chargeId = chargeIdOfMoneyEvent(event);
    if (chargeId) charges.set(chargeId, charges.get(chargeId) ?? paymentIntentOfMoneyEvent(event));
  }
  const policies = new Map<string, Promise<DisputePolicy>>();
  const policyOf = (districtId: string) => {
    let policy = policies.get(districtId);
    if (!policy) {
      policy = sources.districts.get(districtId).then((d) => d?.disputePolicy ?? DEFAULT_DISPUTE_POLICY);
      policies.set(districtId, policy);
    }
    return policy;
  };
  const check = async ([chargeId, namedIntent]: [string, string | undefined]): Promise<ChargeClawbackCheck> => {
    // An event that names no intent: the charge says (a charge without one paid no invoice).
    const paymentIntentId = namedIntent ?? (await sources.stripe.chargeSnapshot(chargeId)).paymentIntentId;
    const rows = await rowsPaidBy(
      { chargeId, ...(paymentIntentId ? { paymentIntentId } : {}) },
      { provider: sources.stripe, ledger: { get: (id) => sources.ledger.row(id) } },
    );
    const [row] = rows;
    if (!row || rows.length > 1) return { chargeId, rows };
    const charge = await sources.stripe.chargeSnapshot(chargeId);
    return { chargeId, rows, state: { charge, policy: await policyOf(row.districtId) } };
  };
  const entries = [...charges];
  const checks: ChargeClawbackCheck[] = [];
  for (let start = 0; start < entries.length; start += CONCURRENT_CHARGES) {
    checks.push(...(await Promise.all(entries.slice(start, start + CONCURRENT_CHARGES).map(check))));
  }
  return checks;
}
