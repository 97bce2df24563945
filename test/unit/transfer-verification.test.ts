import { describe, expect, it } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import { transferMismatches } from '../../domain/payouts/transfer-verification.js';
import type { ProviderTransfer } from '../../domain/ports.js';

const row: RevenueShare = {
  revenueShareId: 'rs_1',
  districtId: 'd1',
  invoiceId: 'in_1',
  stripeEventId: 'evt_1',
  amountCents: 10_000,
  currency: 'usd',
  shareBps: 1_500,
  shareCents: 1_500,
  payoutStatus: 'PENDING',
  destinationAccountId: 'acct_d1',
  version: 2,
  transferAttempt: 1,
  stripeTransferId: 'tr_1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const district: District = {
  districtId: 'd1',
  stripeAccountId: 'acct_d1',
  shareBps: 1_500,
  currency: 'usd',
  autoTransfer: true,
  stripeCustomerIds: [],
  createdAt: row.createdAt,
  updatedAt: row.createdAt,
};
const transfer: ProviderTransfer = {
  id: 'tr_1',
  amountCents: 1_500,
  amountReversedCents: 0,
  reversed: false,
  currency: 'usd',
  destinationAccountId: 'acct_d1',
  transferGroup: 'rs_1',
  metadata: { revenueShareId: 'rs_1' },
  created: 1,
};

describe('transfer verification before PAID', () => {
  it('accepts the row own, unreversed transfer of exactly shareCents', () => {
    expect(transferMismatches(row, district, transfer)).toEqual([]);
  });

  it.each([
    ['amount', { amountCents: 1_499 }, 'amount 1499 differs from shareCents 1500'],
    ['currency', { currency: 'eur' }, 'currency eur differs from usd'],
    ['destination', { destinationAccountId: 'acct_other' }, 'destination acct_other differs from acct_d1'],
    ['reversal', { reversed: true, amountReversedCents: 1_500 }, 'transfer is reversed'],
    ['partial reversal', { amountReversedCents: 1 }, 'amount_reversed is 1'],
    ['metadata', { metadata: { revenueShareId: 'rs_2' } }, 'metadata.revenueShareId rs_2 is not this row'],
  ])('names a mismatched %s', (_label, change, reason) => {
    expect(transferMismatches(row, district, { ...transfer, ...change })).toContain(reason);
  });

  it('refuses when the district now pays another account or is gone', () => {
    expect(transferMismatches(row, { ...district, stripeAccountId: 'acct_new' }, transfer)).toEqual([
      "district account acct_new differs from the row's acct_d1",
    ]);
    expect(transferMismatches(row, undefined, transfer)).toEqual(['district d1 is not configured']);
  });
});
