import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChargeSnapshot, partTargetCents } from '../../domain/clawback/charge-state.js';
import { clawbackTargetCents, keptShareCents } from '../../domain/clawback/clawback-rule.js';
import {
  DISPUTE_POLICIES,
  type DisputePolicy,
  disputedCentsCounted,
  disputeOutcome,
} from '../../domain/clawback/dispute-policy.js';
import { type MoneyMovement, partTotals, rowMoneyTotals } from '../../domain/clawback/money-movements.js';
import { planNetting } from '../../domain/clawback/netting.js';
import { movementOf, planClawback, refusedReversal } from '../../domain/clawback/plan-clawback.js';
import { computeShareCents } from '../../domain/revenue-share/share.js';

const ROW = 'rs_test';
const AT = '2026-01-01T00:00:00.000Z';

describe('the clawback rule', () => {
  it('reverses exactly the README examples', () => {
    // Prepare: a 10000-cent charge at 1500 bps funded a share of 1500
    const base = { chargeAmountCents: 10_000, shareCents: 1500, shareBps: 1500 };
    // Act + Assess
    expect(clawbackTargetCents({ ...base, goneCents: 0 })).toBe(0);
    expect(clawbackTargetCents({ ...base, goneCents: 3333 })).toBe(1500 - 1000); // kept floor(6667 × 0.15) = 1000
    expect(clawbackTargetCents({ ...base, goneCents: 10_000 })).toBe(1500);
    expect(clawbackTargetCents({ chargeAmountCents: 101, goneCents: 1, shareCents: 50, shareBps: 5000 })).toBe(0);
    expect(clawbackTargetCents({ chargeAmountCents: 101, goneCents: 2, shareCents: 50, shareBps: 5000 })).toBe(1);
  });

  it('is cumulative: never decreasing in what went back, 0 with nothing, all of S with everything', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: -1, max: 1 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (amount, bps, skew, cuts) => {
          // Prepare: S within a cent of the rounding rule's share (a part of a split share can be one above)
          const share = Math.min(amount, Math.max(0, computeShareCents(amount, bps) + skew));
          const gones = [0, ...cuts.map((c) => (amount === 0 ? 0 : c % (amount + 1))), amount].sort((a, b) => a - b);
          // Act
          const targets = gones.map((goneCents) =>
            clawbackTargetCents({ chargeAmountCents: amount, goneCents, shareCents: share, shareBps: bps }),
          );
          // Assess
          expect(targets[0]).toBe(0);
          expect(targets.at(-1)).toBe(amount === 0 ? 0 : share);
          for (let i = 1; i < targets.length; i++) expect(targets[i]).toBeGreaterThanOrEqual(targets[i - 1] ?? 0);
          for (const t of targets) expect(t).toBeGreaterThanOrEqual(0);
          for (const t of targets) expect(t).toBeLessThanOrEqual(share);
          if (share === computeShareCents(amount, bps)) {
            gones.forEach((g, i) => {
              if (g > 0) expect(targets[i]).toBe(share - keptShareCents(amount, g, bps));
            });
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('refuses amounts that are not cents', () => {
    // Act + Assess
    expect(() => clawbackTargetCents({ chargeAmountCents: 10.5, goneCents: 0, shareCents: 1, shareBps: 1 })).toThrow(
      /chargeAmountCents must be a non-negative safe integer/,
    );
    expect(() => clawbackTargetCents({ chargeAmountCents: 10, goneCents: -1, shareCents: 1, shareBps: 1 })).toThrow(
      /goneCents/,
    );
  });
});

describe('the dispute policy', () => {
  it('counts an open dispute only under REVERSE_ON_DISPUTE, a lost one always, a won or prevented one never', () => {
    const open = { disputeId: 'dp_1', amountCents: 700, status: 'needs_response' };
    expect(disputedCentsCounted(open, 'REVERSE_ON_DISPUTE')).toBe(700);
    expect(disputedCentsCounted(open, 'REVERSE_ON_LOSS')).toBe(0);
    for (const policy of DISPUTE_POLICIES) {
      expect(disputedCentsCounted({ ...open, status: 'lost' }, policy)).toBe(700);
      expect(disputedCentsCounted({ ...open, status: 'won' }, policy)).toBe(0);
      expect(disputedCentsCounted({ ...open, status: 'prevented' }, policy)).toBe(0);
    }
    expect(disputeOutcome('prevented')).toBe('prevented');
  });
});

/**
 * A model of Stripe for one charge-funded part: the charge's refunds and disputes, the part's transfers with their
 * reversals, the district's available balance (a reversal it cannot cover is refused), and idempotency keys that
 * replay the first answer. The worker under test is the plan/record loop the clawback worker runs.
 */
interface StripeModel {
  amount: number;
  refunds: { amount: number; failed: boolean }[];
  disputes: { id: string; amount: number; status: string }[];
  transfers: Map<string, { amount: number; reversed: number }>;
  districtBalance: number;
  keys: Map<string, { params: string; result: { ok: true; id: string } | { ok: false; code: string } }>;
  nextId: number;
}

const snapshot = (s: StripeModel): ChargeSnapshot => ({
  chargeId: 'ch_1',
  amountCents: s.amount,
  refundedCents: s.refunds.filter((r) => !r.failed).reduce((t, r) => t + r.amount, 0),
  disputes: s.disputes.map((d) => ({ disputeId: d.id, amountCents: d.amount, status: d.status })),
});

function stripeCall(
  s: StripeModel,
  key: string,
  params: string,
  act: () => { ok: true; id: string } | { ok: false; code: string },
) {
  const stored = s.keys.get(key);
  if (stored) {
    // The same key with other parameters is Stripe's idempotency_error: a second movement under one key
    expect(stored.params).toBe(params);
    return stored.result;
  }
  const result = act();
  s.keys.set(key, { params, result });
  return result;
}

type Op =
  | { op: 'refund'; cents: number }
  | { op: 'failRefund'; index: number }
  | { op: 'dispute'; cents: number }
  | { op: 'close'; outcome: 'won' | 'lost' }
  | { op: 'prevent'; refund: boolean }
  | { op: 'transfer' }
  | { op: 'process'; crashAfterStripe: boolean }
  | { op: 'drain' }
  | { op: 'topUp'; cents: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('refund' as const), cents: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({ op: fc.constant('failRefund' as const), index: fc.nat(5) }),
  fc.record({ op: fc.constant('dispute' as const), cents: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({ op: fc.constant('close' as const), outcome: fc.constantFrom<'won' | 'lost'>('won', 'lost') }),
  fc.record({ op: fc.constant('prevent' as const), refund: fc.boolean() }),
  fc.record({ op: fc.constant('transfer' as const) }),
  fc.record({ op: fc.constant('process' as const), crashAfterStripe: fc.boolean() }),
  fc.record({ op: fc.constant('process' as const), crashAfterStripe: fc.constant(false) }),
  fc.record({ op: fc.constant('drain' as const) }),
  fc.record({ op: fc.constant('topUp' as const), cents: fc.integer({ min: 1, max: 20_000 }) }),
);

describe('clawback of one charge: any sequence of refunds, disputes, redeliveries, crashes and refusals', () => {
  it('keeps Σ reversed ≤ S, net = S − reversed, Stripe = ledger, and ends at the share of what the platform kept', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 20_000 })),
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom<DisputePolicy>(...DISPUTE_POLICIES),
        fc.nat(30_000),
        fc.array(opArb, { maxLength: 40 }),
        (amount, bps, policy, balance, ops) => {
          // Prepare
          const share = computeShareCents(amount, bps);
          const s: StripeModel = {
            amount,
            refunds: [],
            disputes: [],
            transfers: new Map(),
            districtBalance: balance,
            keys: new Map(),
            nextId: 1,
          };
          let movements: MoneyMovement[] = [];
          const disputed = () =>
            s.disputes.reduce((t, d) => t + (d.status === 'won' || d.status === 'prevented' ? 0 : d.amount), 0);
          const isClosed = (d: { status: string }) => ['won', 'lost', 'prevented'].includes(d.status);
          const refundedNow = () => snapshot(s).refundedCents;

          /** One delivery of a money event: the worker reads the charge now and runs the plan to the target. */
          const processOnce = (crashAfterStripe: boolean) => {
            const target = partTargetCents(share, bps, snapshot(s), policy);
            for (let step = 0; step < 20; step++) {
              const plan = planClawback({
                revenueShareId: ROW,
                partIndex: 0,
                shareCents: share,
                movements,
                targetCents: target,
              });
              if (plan.action === 'none' || plan.action === 'reduce-transfer') return;
              const context = { partIndex: 0, at: AT, chargeId: 'ch_1' };
              if (plan.action === 'reverse') {
                const result = stripeCall(s, plan.idempotencyKey, `rev:${plan.transferId}:${plan.amountCents}`, () => {
                  const t = s.transfers.get(plan.transferId);
                  if (!t || t.amount - t.reversed < plan.amountCents) return { ok: false, code: 'amount_too_large' };
                  if (s.districtBalance < plan.amountCents) return { ok: false, code: 'balance_insufficient' };
                  t.reversed += plan.amountCents;
                  s.districtBalance -= plan.amountCents;
                  return { ok: true, id: `trr_${s.nextId++}` };
                });
                expect(result).not.toEqual({ ok: false, code: 'amount_too_large' });
                if (crashAfterStripe) {
                  crashAfterStripe = false;
                  continue; // the worker died before recording: the next run sends the same key
                }
                movements = [
                  ...movements,
                  result.ok ? movementOf(plan, context, result.id) : refusedReversal(plan, context, result.code),
                ];
              } else if (plan.action === 'repay') {
                const result = stripeCall(s, plan.idempotencyKey, `repay:${plan.amountCents}`, () => {
                  const id = `tr_${s.nextId++}`;
                  s.transfers.set(id, { amount: plan.amountCents, reversed: 0 });
                  s.districtBalance += plan.amountCents;
                  return { ok: true, id };
                });
                if (crashAfterStripe) {
                  crashAfterStripe = false;
                  continue;
                }
                movements = [...movements, movementOf(plan, context, result.ok ? result.id : undefined)];
              } else {
                movements = [...movements, movementOf(plan, context)];
              }
            }
            throw new Error('the plan did not reach its target in 20 steps');
          };

          const check = () => {
            const totals = partTotals(share, movements);
            const row = rowMoneyTotals(share, [], movements);
            expect(row.reversedCents).toBeGreaterThanOrEqual(0);
            expect(row.reversedCents).toBeLessThanOrEqual(share);
            expect(row.netPaidCents).toBe(share - row.reversedCents);
            expect(totals.owedCents).toBeGreaterThanOrEqual(0);
            // Money is given back by forgiving what the district still owes before any re-payment
            movements.forEach((m, i) => {
              if (m.kind === 'REPAYMENT') expect(partTotals(share, movements.slice(0, i)).owedCents).toBe(0);
            });
            let stripeNet = 0;
            for (const t of s.transfers.values()) {
              expect(t.reversed).toBeLessThanOrEqual(t.amount);
              stripeNet += t.amount - t.reversed;
            }
            expect(totals.stripeNetCents).toBe(stripeNet);
            if (totals.hasTransfer)
              expect(row.netPaidCents).toBe(
                stripeNet + totals.nettedCents - totals.owedRaisedCents + totals.owedForgivenCents,
              );
          };

          // Act
          for (const op of ops) {
            switch (op.op) {
              case 'refund': {
                const left = amount - refundedNow() - disputed();
                if (left > 0 && s.disputes.every(isClosed)) {
                  // Mostly partial refunds (a fifth of the charge or less), so one transfer sees many reversals
                  s.refunds.push({
                    amount: Math.min(left, 1 + (op.cents % Math.max(1, Math.ceil(amount / 5)))),
                    failed: false,
                  });
                }
                break;
              }
              case 'failRefund': {
                const refund = s.refunds[op.index];
                if (refund) refund.failed = true;
                break;
              }
              case 'dispute': {
                const left = amount - refundedNow() - disputed();
                if (left > 0 && s.disputes.every(isClosed)) {
                  s.disputes.push({
                    id: `dp_${s.disputes.length + 1}`,
                    amount: Math.min(left, op.cents),
                    status: 'needs_response',
                  });
                }
                break;
              }
              case 'close': {
                const open = s.disputes.find((d) => d.status === 'needs_response');
                if (open) open.status = op.outcome;
                break;
              }
              case 'prevent': {
                // Stripe stops the dispute before it becomes a chargeback; resolved by RDR, it refunds the amount
                const open = s.disputes.find((d) => d.status === 'needs_response');
                if (!open) break;
                open.status = 'prevented';
                const refundable = Math.min(open.amount, amount - refundedNow());
                if (op.refund && refundable > 0) s.refunds.push({ amount: refundable, failed: false });
                break;
              }
              case 'transfer': {
                if (movements.some((m) => m.kind === 'TRANSFER')) break;
                const target = partTargetCents(share, bps, snapshot(s), policy);
                const plan = planClawback({
                  revenueShareId: ROW,
                  partIndex: 0,
                  shareCents: share,
                  movements,
                  targetCents: target,
                });
                if (plan.action !== 'reduce-transfer') throw new Error('an untransferred part plans its transfer');
                if (plan.transferCents > 0) {
                  const id = `tr_${s.nextId++}`;
                  s.transfers.set(id, { amount: plan.transferCents, reversed: 0 });
                  s.districtBalance += plan.transferCents;
                  movements = [
                    ...movements,
                    { kind: 'TRANSFER', amountCents: plan.transferCents, partIndex: 0, at: AT, stripeId: id },
                  ];
                } else {
                  movements = [
                    ...movements,
                    { kind: 'TRANSFER', amountCents: 0, partIndex: 0, at: AT, note: 'cancelled' },
                  ];
                }
                break;
              }
              case 'process':
                processOnce(op.crashAfterStripe);
                break;
              case 'drain':
                s.districtBalance = 0;
                break;
              case 'topUp':
                s.districtBalance += op.cents;
                break;
            }
            check();
          }
          // The last deliveries: the transfer (if it never happened) and the events, twice
          if (!movements.some((m) => m.kind === 'TRANSFER')) {
            const target = partTargetCents(share, bps, snapshot(s), policy);
            const plan = planClawback({
              revenueShareId: ROW,
              partIndex: 0,
              shareCents: share,
              movements,
              targetCents: target,
            });
            if (plan.action === 'reduce-transfer' && plan.transferCents > 0) {
              const id = `tr_${s.nextId++}`;
              s.transfers.set(id, { amount: plan.transferCents, reversed: 0 });
              s.districtBalance += plan.transferCents;
              movements = [
                ...movements,
                { kind: 'TRANSFER', amountCents: plan.transferCents, partIndex: 0, at: AT, stripeId: id },
              ];
            } else {
              movements = [...movements, { kind: 'TRANSFER', amountCents: 0, partIndex: 0, at: AT, note: 'cancelled' }];
            }
          }
          processOnce(false);
          const settled = [...movements];
          processOnce(false);

          // Assess
          check();
          expect(movements).toEqual(settled); // a replay changes nothing
          const target = partTargetCents(share, bps, snapshot(s), policy);
          const row = rowMoneyTotals(share, [], movements);
          expect(row.reversedCents).toBe(target);
          // What went back, as the model counts it: refunds, lost disputes, open ones under REVERSE_ON_DISPUTE
          const counted = (d: { amount: number; status: string }) =>
            d.status === 'lost' || (d.status === 'needs_response' && policy === 'REVERSE_ON_DISPUTE') ? d.amount : 0;
          const gone = refundedNow() + s.disputes.reduce((t, d) => t + counted(d), 0);
          expect(row.netPaidCents).toBe(gone === 0 ? share : Math.min(share, keptShareCents(amount, gone, bps)));
        },
      ),
      { numRuns: 1_500 },
    );
  });
});

describe('netting what a district owes from its next payout', () => {
  it('settles debts oldest first and transfers the rest, never more than the payout or the debts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ owedCents: fc.nat(5_000), day: fc.integer({ min: 10, max: 28 }) }), { maxLength: 8 }),
        fc.nat(20_000),
        (raw, payout) => {
          // Prepare
          const debts = raw.map((d, i) => ({
            revenueShareId: `rs_${i}`,
            partIndex: 0,
            owedCents: d.owedCents,
            since: `2026-01-${d.day}T00:00:00.000Z`,
          }));
          // Act
          const plan = planNetting(debts, payout);
          // Assess
          const owed = debts.reduce((t, d) => t + d.owedCents, 0);
          expect(plan.nettedCents).toBe(Math.min(payout, owed));
          expect(plan.nettedCents + plan.transferCents).toBe(payout);
          expect(plan.allocations.reduce((t, a) => t + a.amountCents, 0)).toBe(plan.nettedCents);
          for (const a of plan.allocations) {
            const debt = debts.find((d) => d.revenueShareId === a.revenueShareId);
            expect(a.amountCents).toBeGreaterThan(0);
            expect(a.amountCents).toBeLessThanOrEqual(debt?.owedCents ?? 0);
          }
        },
      ),
    );
  });

  it('refuses a payout that is not cents', () => {
    expect(() => planNetting([], -1)).toThrow(RangeError);
  });
});
