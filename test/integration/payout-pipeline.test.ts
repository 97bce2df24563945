import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('invoice.paid through the three payout workers over the real queues', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('pipeline');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('pays the district share once and marks it PAID after verification', async () => {
    // Prepare: what the webhook leaves behind (audit row + message on the revenue-share queue)
    const district = await harness.addDistrict({ shareBps: 1_250 });
    const message = await harness.invoicePaid({
      amount_paid: 10_001,
      parent: { subscription_details: { metadata: { districtId: district.districtId } } },
    });
    await harness.queue('revenueShare').send(message, {
      groupId: message.stripeEventId,
      deduplicationId: message.stripeEventId,
    });

    // Act
    const runs = [
      await harness.runQueue('revenueShare', harness.revenueShareHandler()),
      await harness.runQueue('transfer', harness.transferHandler()),
      await harness.runQueue('markPaid', harness.markPaidHandler()),
    ];

    // Assess
    expect(runs.map((run) => run.failedMessageIds)).toEqual([[], [], []]);
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers).toEqual([expect.objectContaining({ amount: 1_250, currency: 'usd' })]);
    const revenueShareId = deriveRevenueShareId(message.invoiceId);
    expect(await harness.ledger.get(revenueShareId)).toMatchObject({
      amountCents: 10_001,
      shareCents: 1_250,
      payoutStatus: 'PAID',
      stripeTransferId: transfers[0]?.id,
      version: 3,
    });
    expect((await harness.auditLog.get(message.stripeEventId))?.status).toBe('PROCESSED');
    expect(await harness.alerts()).toEqual([]);
  });
});
