import { describe, expect, it } from 'vitest';
import { PAYOUT_STATUSES, type PayoutStatus } from '../../domain/model.js';
import {
  assertTransition,
  canRestoreToPending,
  canTransition,
  InvalidPayoutTransitionError,
} from '../../domain/payouts/transitions.js';

const allowed: Array<[PayoutStatus, PayoutStatus]> = [
  ['PENDING', 'PAID'],
  ['PENDING', 'TRANSFER_FAILED'],
  ['PENDING', 'REVERSED'],
  ['TRANSFER_FAILED', 'PENDING'],
  ['PAID', 'REVERSED'],
  ['PENDING', 'PARTIALLY_REVERSED'],
  ['PAID', 'PARTIALLY_REVERSED'],
  ['PARTIALLY_REVERSED', 'REVERSED'],
  ['PARTIALLY_REVERSED', 'PAID'],
  ['REVERSED', 'PARTIALLY_REVERSED'],
  ['REVERSED', 'PAID'],
  ['NEEDS_REVIEW', 'PENDING'],
  ['NEEDS_REVIEW', 'NO_PAYOUT'],
  ['NEEDS_REVIEW', 'CLOSED'],
];

describe('payout state machine', () => {
  it('allows exactly the documented transitions', () => {
    // Act
    const actual = PAYOUT_STATUSES.flatMap((from) =>
      PAYOUT_STATUSES.filter((to) => canTransition(from, to)).map((to) => [from, to]),
    );

    // Assess
    expect(actual.sort()).toEqual([...allowed].sort());
  });

  it('lets PAID go only to REVERSED or PARTIALLY_REVERSED (money that came back)', () => {
    for (const to of PAYOUT_STATUSES) {
      expect(canTransition('PAID', to), `PAID -> ${to}`).toBe(to === 'REVERSED' || to === 'PARTIALLY_REVERSED');
    }
  });

  it('keeps NO_PAYOUT and CLOSED terminal, and REVERSED left only when money is given back', () => {
    for (const to of PAYOUT_STATUSES) {
      expect(canTransition('REVERSED', to)).toBe(to === 'PARTIALLY_REVERSED' || to === 'PAID');
      expect(canTransition('NO_PAYOUT', to)).toBe(false);
      expect(canTransition('CLOSED', to)).toBe(false);
    }
  });

  it('restores REVERSED to PENDING only for a row never paid in any way that has money to transfer again', () => {
    const cancelled = {
      payoutStatus: 'REVERSED' as const,
      transferParts: [{ index: 0, amountCents: 1500, plannedCents: 1500, sourceChargeId: 'ch_1' }],
    };
    expect(canRestoreToPending(cancelled)).toBe(true);
    // Not a transition of the table: no other use case may make it
    expect(canTransition('REVERSED', 'PENDING')).toBe(false);
    expect(canRestoreToPending({ ...cancelled, paidAt: '2026-01-01T00:00:00.000Z' })).toBe(false);
    expect(canRestoreToPending({ ...cancelled, stripeTransferId: 'tr_1' })).toBe(false);
    const transferred = [{ index: 0, amountCents: 1500, stripeTransferId: 'tr_1' }];
    expect(canRestoreToPending({ ...cancelled, transferParts: transferred })).toBe(false);
    expect(
      canRestoreToPending({ ...cancelled, transferParts: [{ index: 0, amountCents: 0, plannedCents: 1500 }] }),
    ).toBe(false);
    expect(canRestoreToPending({ ...cancelled, payoutStatus: 'PAID' })).toBe(false);
  });

  it('throws a typed error naming both statuses', () => {
    // Act
    const act = () => assertTransition('PAID', 'PENDING');

    // Assess
    expect(act).toThrow(InvalidPayoutTransitionError);
    expect(act).toThrow('payout status cannot change from PAID to PENDING');
    expect(() => assertTransition('PENDING', 'PAID')).not.toThrow();
  });
});
