import { describe, expect, it } from 'vitest';
import type { ChargeSnapshot } from '../../domain/clawback/charge-state.js';
import type { DisputePolicy } from '../../domain/clawback/dispute-policy.js';
import type { MoneyMovement } from '../../domain/clawback/money-movements.js';
import type { RevenueShare } from '../../domain/model.js';
import { type ChargeClawbackCheck, clawbackMatch } from '../../domain/reconcile/clawback-match.js';

const AT = '2026-12-01T10:00:00.000Z';

/** 100.00 paid by charge ch_1, a 15% share of 15.00 transferred as tr_1 and verified. */
const paidRow = (overrides: Partial<RevenueShare> = {}): RevenueShare => ({
  revenueShareId: 'rs_1',
  districtId: 'shahdol',
  invoiceId: 'in_1',
  stripeEventId: 'evt_paid',
  amountCents: 10_000,
  currency: 'usd',
  shareBps: 1_500,
  shareCents: 1_500,
  payoutStatus: 'PAID',
  destinationAccountId: 'acct_shahdol',
  version: 3,
  transferAttempt: 1,
  stripeTransferId: 'tr_1',
  collectedCents: 10_000,
  sourceCharges: [{ chargeId: 'ch_1', amountCents: 10_000 }],
  transferParts: [{ index: 0, amountCents: 1_500, sourceChargeId: 'ch_1', stripeTransferId: 'tr_1' }],
  createdAt: AT,
  updatedAt: AT,
  paidAt: AT,
  ...overrides,
});

const charge = (overrides: Partial<ChargeSnapshot> = {}): ChargeSnapshot => ({
  chargeId: 'ch_1',
  amountCents: 10_000,
  refundedCents: 0,
  disputes: [],
  paymentIntentId: 'pi_1',
  ...overrides,
});

const reversal = (amountCents: number): MoneyMovement => ({
  kind: 'REVERSAL',
  amountCents,
  partIndex: 0,
  at: AT,
  transferId: 'tr_1',
  stripeId: `trr_${amountCents}`,
  chargeId: 'ch_1',
});

const check = (
  row: RevenueShare,
  state: ChargeSnapshot,
  policy: DisputePolicy = 'REVERSE_ON_DISPUTE',
): ChargeClawbackCheck => ({ chargeId: state.chargeId, rows: [row], state: { charge: state, policy } });

describe('clawbackMatch: the row a refunded or disputed charge paid, against its clawback target', () => {
  it('finds nothing when the row is at its target: nothing went back, or 40.00 refunded and 6.00 reversed', () => {
    // Act
    const mismatches = clawbackMatch([
      check(paidRow(), charge()),
      check(paidRow({ moneyHistory: [reversal(600)] }), charge({ refundedCents: 4_000 })),
    ]);

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('reports a row behind its target (the refund was never clawed back) with what the worker would reverse', () => {
    // Act
    const mismatches = clawbackMatch([check(paidRow(), charge({ refundedCents: 4_000 }))]);

    // Assess
    expect(mismatches).toEqual([
      {
        kind: 'CLAWBACK_DIFFERS',
        invoiceId: 'in_1',
        revenueShareId: 'rs_1',
        chargeId: 'ch_1',
        stripeTransferId: 'tr_1',
        detail:
          'charge ch_1 now 4000 of 10000 usd refunded (REVERSE_ON_DISPUTE); ' +
          'part 0 has 0 of its 1500 taken back, target 600: would reverse 600 from tr_1',
      },
    ]);
  });

  it('reports a row ahead of its target (the refund failed, nothing re-paid) with the re-payment it is owed', () => {
    // Act: 6.00 reversed for a refund that then failed (amount_refunded back to 0)
    const mismatches = clawbackMatch([check(paidRow({ moneyHistory: [reversal(600)] }), charge())]);

    // Assess
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]?.detail).toContain('part 0 has 600 of its 1500 taken back, target 0: would re-pay 600');
  });

  it('judges a part not transferred yet by what its transfer will send: held back is at target, the full share is not', () => {
    // Prepare: PENDING, the transfer not made; 40.00 of the charge refunded
    const untransferred = { payoutStatus: 'PENDING' as const, stripeTransferId: undefined, paidAt: undefined };
    const heldBack = paidRow({
      ...untransferred,
      transferParts: [{ index: 0, amountCents: 900, plannedCents: 1_500, sourceChargeId: 'ch_1' }],
    });
    const full = paidRow({
      ...untransferred,
      transferParts: [{ index: 0, amountCents: 1_500, sourceChargeId: 'ch_1' }],
    });
    const refunded = charge({ refundedCents: 4_000 });

    // Act
    const mismatches = clawbackMatch([check(heldBack, refunded), check(full, refunded)]);

    // Assess
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]).toMatchObject({ kind: 'CLAWBACK_DIFFERS', revenueShareId: 'rs_1' });
    expect(mismatches[0]?.stripeTransferId).toBeUndefined();
    expect(mismatches[0]?.detail).toContain(
      'part 0 has 0 of its 1500 taken back, target 600: would make its transfer, not made yet, 900 instead of 1500',
    );
  });

  it('leaves a row waiting for review alone: it has no part to claw back (its approval nets the refund first)', () => {
    // Prepare: partly paid out of band, NEEDS_REVIEW, no transfer plan; the charge then refunded in full
    const waiting = paidRow({
      payoutStatus: 'NEEDS_REVIEW',
      stripeTransferId: undefined,
      paidAt: undefined,
      collectedCents: 6_000,
      transferParts: undefined,
      reviewReason: 'partly_out_of_band',
    });

    // Act
    const mismatches = clawbackMatch([check(waiting, charge({ amountCents: 6_000, refundedCents: 6_000 }))]);

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('counts an open dispute as the district policy does', () => {
    // Prepare: all 100.00 disputed, still open; nothing clawed back
    const disputed = charge({ disputes: [{ disputeId: 'dp_1', amountCents: 10_000, status: 'needs_response' }] });

    // Act
    const onLoss = clawbackMatch([check(paidRow(), disputed, 'REVERSE_ON_LOSS')]);
    const onDispute = clawbackMatch([check(paidRow(), disputed, 'REVERSE_ON_DISPUTE')]);

    // Assess
    expect(onLoss).toEqual([]);
    expect(onDispute.map((m) => m.detail)).toEqual([
      'charge ch_1 now 0 of 10000 usd refunded, dispute dp_1 needs_response 10000 (REVERSE_ON_DISPUTE); ' +
        'part 0 has 0 of its 1500 taken back, target 1500: would reverse 1500 from tr_1',
    ]);
  });

  it('reports an unfinished clawback intent on the charge part as what the worker would do first', () => {
    // Prepare: the worker wrote its intent to reverse 6.00, then died
    const stuck = paidRow({
      clawbackIntent: {
        action: 'reverse',
        partIndex: 0,
        amountCents: 600,
        idempotencyKey: 'clawback:rs_1:tr_1:reversed:600',
        transferId: 'tr_1',
        chargeId: 'ch_1',
        at: AT,
      },
    });

    // Act
    const mismatches = clawbackMatch([check(stuck, charge({ refundedCents: 4_000 }))]);

    // Assess
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]).toMatchObject({ revenueShareId: 'rs_1', stripeTransferId: 'tr_1', chargeId: 'ch_1' });
    expect(mismatches[0]?.detail).toContain(`an unfinished clawback intent written ${AT}: would reverse 600 from tr_1`);
  });

  it('checks only the parts the charge funded, on a row split over two charges', () => {
    // Prepare: ch_1 paid 60.00 (part 0: 9.00, tr_1), ch_2 40.00 (part 1: 6.00, tr_2); ch_2 refunded in full
    const split = paidRow({
      sourceCharges: [
        { chargeId: 'ch_1', amountCents: 6_000 },
        { chargeId: 'ch_2', amountCents: 4_000 },
      ],
      transferParts: [
        { index: 0, amountCents: 900, sourceChargeId: 'ch_1', stripeTransferId: 'tr_1' },
        { index: 1, amountCents: 600, sourceChargeId: 'ch_2', stripeTransferId: 'tr_2' },
      ],
    });

    // Act
    const mismatches = clawbackMatch([
      check(split, charge({ amountCents: 6_000 })),
      check(split, charge({ chargeId: 'ch_2', amountCents: 4_000, refundedCents: 4_000 })),
    ]);

    // Assess
    expect(mismatches.map((m) => [m.chargeId, m.stripeTransferId])).toEqual([['ch_2', 'tr_2']]);
    expect(mismatches[0]?.detail).toContain(
      'part 1 has 0 of its 600 taken back, target 600: would reverse 600 from tr_2',
    );
  });

  it('reports a charge that paid two rows (the clawback fails its events), and not one that paid none', () => {
    // Act
    const mismatches = clawbackMatch([
      { chargeId: 'ch_1', rows: [paidRow(), paidRow({ revenueShareId: 'rs_2', invoiceId: 'in_2' })] },
      { chargeId: 'ch_outside_any_invoice', rows: [] },
    ]);

    // Assess
    expect(mismatches).toEqual([
      {
        kind: 'CLAWBACK_DIFFERS',
        chargeId: 'ch_1',
        detail:
          'charge ch_1 paid 2 ledger rows: rs_1 (in_1), rs_2 (in_2); the clawback fails its money events rather than guess which to claw back',
      },
    ]);
  });
});
