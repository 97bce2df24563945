import { describe, expect, it } from 'vitest';
import {
  clawbackStatus,
  type MoneyMovement,
  rowMoneyTotals,
  withRefusedRepayment,
} from '../../domain/clawback/money-movements.js';
import { ClawbackTargetError, movementOf, planClawback, refusedReversal } from '../../domain/clawback/plan-clawback.js';

const AT = '2026-01-01T00:00:00.000Z';
const transfer: MoneyMovement = { kind: 'TRANSFER', amountCents: 1500, partIndex: 0, at: AT, stripeId: 'tr_1' };
const base = { revenueShareId: 'rs_1', partIndex: 0, shareCents: 1500 };
const context = { partIndex: 0, at: AT, causeEventId: 'evt_1', chargeId: 'ch_1' };

describe('planning the next clawback movement', () => {
  it('reverses target minus what is already reversed, with a key naming the row, the transfer and the total asked', () => {
    // Prepare: 450 already reversed, the target is now 900
    const movements = [
      transfer,
      movementOf({ action: 'reverse', transferId: 'tr_1', amountCents: 450, idempotencyKey: 'k' }, context, 'trr_1'),
    ];
    // Act
    const plan = planClawback({ ...base, movements, targetCents: 900 });
    // Assess
    expect(plan).toEqual({
      action: 'reverse',
      transferId: 'tr_1',
      amountCents: 450,
      idempotencyKey: 'clawback:rs_1:tr_1:reversed:900',
    });
  });

  it('plans nothing once the target is reached, however often it is asked', () => {
    const movements = [
      transfer,
      movementOf({ action: 'reverse', transferId: 'tr_1', amountCents: 450, idempotencyKey: 'k' }, context, 'trr_1'),
    ];
    expect(planClawback({ ...base, movements, targetCents: 450 })).toEqual({ action: 'none' });
    expect(planClawback({ ...base, movements, targetCents: 450 })).toEqual({ action: 'none' });
  });

  it('before the transfer, makes the transfer smaller instead, and cancels it when everything went back', () => {
    expect(planClawback({ ...base, movements: [], targetCents: 300 })).toEqual({
      action: 'reduce-transfer',
      transferCents: 1200,
    });
    expect(planClawback({ ...base, movements: [], targetCents: 1500 })).toEqual({
      action: 'reduce-transfer',
      transferCents: 0,
    });
  });

  it('before the transfer, owes what the netted share settled once more goes back than the transfer can give', () => {
    // Prepare: 1000 of the 1500 share netted to settle a debt; 500 left to transfer
    const netted: MoneyMovement = { kind: 'NETTED', amountCents: 1000, partIndex: 0, at: AT, counterpartRowId: 'rs_0' };
    const owe = (movements: MoneyMovement[], targetCents: number) => planClawback({ ...base, movements, targetCents });
    // Act + Assess: a full refund owes 1000 first, then cancels the transfer; asked again, nothing more is owed
    const first = owe([netted], 1500);
    expect(first).toEqual({ action: 'owe', amountCents: 1000, note: 'netted to settle a debt, then taken back' });
    const owed = movementOf(first as Extract<typeof first, { action: 'owe' }>, context);
    expect(owe([netted, owed], 1500)).toEqual({ action: 'reduce-transfer', transferCents: 0 });
    // Within what the transfer can give back, nothing is owed
    expect(owe([netted], 300)).toEqual({ action: 'reduce-transfer', transferCents: 200 });
    // Less goes back (the refund failed): the debt is forgiven down to what is still above 500, then the transfer
    expect(owe([netted, owed], 900)).toEqual({ action: 'forgive', amountCents: 600 });
    const forgiven = movementOf({ action: 'forgive', amountCents: 600 }, context);
    expect(owe([netted, owed, forgiven], 900)).toEqual({ action: 'reduce-transfer', transferCents: 0 });
    expect(owe([netted, owed, forgiven], 0)).toEqual({ action: 'forgive', amountCents: 400 });
  });

  it('records a refused reversal as owed, and forgives what is owed before paying anything again', () => {
    // Prepare: a reversal of 600 refused
    const refused = refusedReversal(
      { amountCents: 600, idempotencyKey: 'clawback:rs_1:tr_1:reversed:600', transferId: 'tr_1' },
      context,
      'balance_insufficient',
    );
    const movements = [transfer, refused];
    // Act: the refund failed, the target is back to 0
    const plan = planClawback({ ...base, movements, targetCents: 0 });
    // Assess
    expect(refused).toMatchObject({ kind: 'OWED', amountCents: 600, note: 'balance_insufficient' });
    expect(rowMoneyTotals(1500, [], movements)).toMatchObject({
      reversedCents: 600,
      owedCents: 600,
      stripeNetCents: 1500,
    });
    expect(plan).toEqual({ action: 'forgive', amountCents: 600 });
    // A new ask of the same transfer after the refusal gets a new key (Stripe replays a stored refusal)
    expect(planClawback({ ...base, movements, targetCents: 700 })).toMatchObject({
      action: 'reverse',
      amountCents: 100,
      idempotencyKey: 'clawback:rs_1:tr_1:reversed:700',
    });
  });

  it('pays a won dispute again with a key naming the dispute and its step', () => {
    const dispute = { disputeId: 'dp_1', step: 'won' };
    const movements = [
      transfer,
      movementOf({ action: 'reverse', transferId: 'tr_1', amountCents: 1500, idempotencyKey: 'k' }, context, 'trr_1'),
    ];
    expect(planClawback({ ...base, movements, targetCents: 0, dispute })).toEqual({
      action: 'repay',
      amountCents: 1500,
      idempotencyKey: 'clawback:rs_1:0:repaid:1500:dp_1:won',
    });
  });

  it('asks a refused re-payment again with a new key, the refusal counted on the part and in no total', () => {
    // Prepare: 600 reversed; its re-payment refused twice (the part keeps one entry, counting both)
    const reversal = movementOf(
      { action: 'reverse', transferId: 'tr_1', amountCents: 600, idempotencyKey: 'k' },
      context,
      'trr_1',
    );
    const refusal: MoneyMovement = { kind: 'REPAYMENT_REFUSED', amountCents: 600, partIndex: 0, at: AT, note: 'x' };
    const otherPart: MoneyMovement = { ...refusal, partIndex: 1, refusals: 4 };
    const once = withRefusedRepayment([transfer, reversal, otherPart], refusal);
    const twice = withRefusedRepayment(once, { ...refusal, note: 'y' });
    // Assess: one entry per part, the count grown; the totals as without it; the next key names the count
    expect(twice.map((m) => [m.kind, m.partIndex, m.refusals, m.note])).toEqual([
      ['TRANSFER', 0, undefined, undefined],
      ['REVERSAL', 0, undefined, undefined],
      ['REPAYMENT_REFUSED', 1, 4, 'x'],
      ['REPAYMENT_REFUSED', 0, 2, 'y'],
    ]);
    const part0 = twice.filter((m) => m.partIndex === 0);
    expect(rowMoneyTotals(1500, [], part0)).toEqual(rowMoneyTotals(1500, [], [transfer, reversal]));
    expect(planClawback({ ...base, movements: [transfer, reversal], targetCents: 0 })).toMatchObject({
      idempotencyKey: 'clawback:rs_1:0:repaid:600',
    });
    expect(planClawback({ ...base, movements: part0, targetCents: 0 })).toEqual({
      action: 'repay',
      amountCents: 600,
      idempotencyKey: 'clawback:rs_1:0:repaid:600:refused:2',
    });
  });

  it('owes what no transfer is left to cover', () => {
    const movements = [
      { ...transfer, amountCents: 1000 },
      movementOf({ action: 'reverse', transferId: 'tr_1', amountCents: 1000, idempotencyKey: 'k' }, context, 'trr_1'),
    ];
    // The transfer was 1000 of a 1500 share (500 netted), all reversed; 500 more to claw back
    const netted: MoneyMovement = { kind: 'NETTED', amountCents: 500, partIndex: 0, at: AT, counterpartRowId: 'rs_0' };
    expect(planClawback({ ...base, movements: [...movements, netted], targetCents: 1500 })).toEqual({
      action: 'owe',
      amountCents: 500,
      note: 'no transfer left to reverse',
    });
  });

  it('refuses a target outside 0..S', () => {
    expect(() => planClawback({ ...base, movements: [transfer], targetCents: 1501 })).toThrow(ClawbackTargetError);
    expect(() => planClawback({ ...base, movements: [transfer], targetCents: -1 })).toThrow(ClawbackTargetError);
  });
});

describe('row status from what was taken back', () => {
  it('is PARTIALLY_REVERSED for some, REVERSED for all, nothing for none', () => {
    expect(clawbackStatus(1500, 0)).toBeUndefined();
    expect(clawbackStatus(1500, 1)).toBe('PARTIALLY_REVERSED');
    expect(clawbackStatus(1500, 1500)).toBe('REVERSED');
  });
});
