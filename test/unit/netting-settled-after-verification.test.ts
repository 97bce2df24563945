/**
 * A netting whose owing row a dying worker did not reach, on a paying row a person's mark-paid verified before the
 * worker's retry: the retry settles the owing row, so the district owes that debt once (on in-memory ports).
 */
import { describe, expect, it } from 'vitest';
import { nettingKey } from '../../domain/clawback/net-debts.js';
import type { District, MarkPaidMessage, RevenueShare } from '../../domain/model.js';
import { executeTransfer } from '../../domain/payouts/execute-transfer.js';
import { MemoryDistricts, MemoryLedger, MemoryPaymentProvider, MemoryQueue } from './support/in-memory-payouts.js';

const AT = '2026-11-20T10:00:00.000Z';

const district: District = {
  districtId: 'district-netting',
  stripeAccountId: 'acct_netting',
  shareBps: 1_500,
  currency: 'usd',
  autoTransfer: true,
  stripeCustomerIds: [],
  createdAt: AT,
  updatedAt: AT,
};

const base = {
  districtId: district.districtId,
  amountCents: 10_000,
  currency: 'usd',
  shareBps: 1_500,
  shareCents: 1_500,
  destinationAccountId: district.stripeAccountId,
  transferAttempt: 1,
  createdAt: AT,
  updatedAt: AT,
} as const;

/** A reversal Stripe refused left the district owing 6.00 on this row. */
const owingRow = (): RevenueShare => ({
  ...base,
  revenueShareId: 'rs_owing',
  invoiceId: 'in_owing',
  stripeEventId: 'evt_owing',
  payoutStatus: 'PARTIALLY_REVERSED',
  version: 3,
  stripeTransferId: 'tr_owing',
  transferParts: [{ index: 0, amountCents: 1_500, sourceChargeId: 'ch_owing', stripeTransferId: 'tr_owing' }],
  moneyHistory: [{ kind: 'OWED', amountCents: 600, partIndex: 0, at: AT, note: 'insufficient_funds' }],
  owedCents: 600,
  reversedCents: 600,
  netPaidCents: 900,
});

/**
 * Paid by two charges: part 0 transferred, part 1 netted in full against that debt (NETTED written) by a worker that
 * died before the owing row's OWED_RECOVERED; a person's mark-paid verified the row before the worker's retry.
 */
const payingRow = (): RevenueShare => ({
  ...base,
  revenueShareId: 'rs_paying',
  invoiceId: 'in_paying',
  stripeEventId: 'evt_paying',
  payoutStatus: 'PAID',
  version: 5,
  paidAt: AT,
  stripeTransferId: 'tr_paying_0',
  transferParts: [
    { index: 0, amountCents: 900, sourceChargeId: 'ch_paying_0', stripeTransferId: 'tr_paying_0' },
    { index: 1, amountCents: 0, plannedCents: 600, sourceChargeId: 'ch_paying_1' },
  ],
  moneyHistory: [
    {
      kind: 'NETTED',
      amountCents: 600,
      partIndex: 1,
      at: AT,
      counterpartRowId: 'rs_owing',
      counterpartPartIndex: 0,
      idempotencyKey: nettingKey('rs_paying', 1, 0),
      note: `settles what district ${district.districtId} owes on rs_owing`,
    },
  ],
});

describe('a netting cut short on a row verified before the retry', () => {
  it('is settled by the retry: the owing row recovers the netted 6.00 once', async () => {
    // Prepare
    const ledger = new MemoryLedger();
    await ledger.create(owingRow());
    await ledger.create(payingRow());
    const deps = {
      ledger,
      debts: ledger,
      districts: new MemoryDistricts([district]),
      payments: new MemoryPaymentProvider(),
      markPaidQueue: new MemoryQueue<MarkPaidMessage>(),
      alerts: { raise: async () => {} },
      clock: { now: () => new Date('2026-11-20T11:00:00.000Z') },
    };

    // Act: the worker's retry, twice (a redelivery of it)
    await executeTransfer({ revenueShareId: 'rs_paying', transferAttempt: 1 }, deps);
    await executeTransfer({ revenueShareId: 'rs_paying', transferAttempt: 1 }, deps);

    // Assess: before, the retry took the already-transferred path and the owing row still owed 6.00 that the paying
    // row's share had already settled (the district's next payout netted it again)
    const owing = await ledger.get('rs_owing');
    expect(owing?.owedCents).toBe(0);
    expect(owing?.moneyHistory?.filter((m) => m.kind === 'OWED_RECOVERED').map((m) => m.amountCents)).toEqual([600]);
    expect(await ledger.get('rs_paying')).toMatchObject({ payoutStatus: 'PAID', stripeTransferId: 'tr_paying_0' });
    expect(deps.payments.transfers).toEqual([]);
  });
});
