import { describe, expect, it } from 'vitest';
import type { RevenueShare } from '../../domain/model.js';
import { revenueShareView } from '../../domain/platform/views.js';

describe('the revenue share view', () => {
  it('keeps how many times a re-payment was refused, which `payouts show` tells on-call', () => {
    // Prepare
    const row: RevenueShare = {
      revenueShareId: 'rs_view_refusals',
      districtId: 'district-view',
      invoiceId: 'in_view_refusals',
      stripeEventId: 'evt_view_refusals',
      amountCents: 10_000,
      currency: 'usd',
      shareBps: 1_500,
      shareCents: 1_500,
      payoutStatus: 'PARTIALLY_REVERSED',
      destinationAccountId: 'acct_view',
      version: 7,
      transferAttempt: 1,
      stripeTransferId: 'tr_view',
      moneyHistory: [
        { kind: 'REVERSAL', amountCents: 600, partIndex: 0, at: '2026-12-01T10:00:00.000Z', stripeId: 'trr_view' },
        {
          kind: 'REPAYMENT_REFUSED',
          amountCents: 600,
          partIndex: 0,
          at: '2026-12-01T11:00:00.000Z',
          note: 'balance_insufficient: no funds',
          refusals: 2,
        },
      ],
      createdAt: '2026-12-01T09:00:00.000Z',
      updatedAt: '2026-12-01T11:00:00.000Z',
    };

    // Act
    const view = revenueShareView(row);

    // Assess
    expect(view.moneyHistory).toEqual(row.moneyHistory);
  });
});
