/**
 * Stripe's budget bounds how fast districts are paid, so the happy path of a paid invoice costs at most three Stripe
 * calls: its payments (charges expanded), the transfer, and the verification. The money rules stay as strong: a
 * later attempt, or a row older than Stripe's idempotency-key retention, still lists its transfer group first.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransferMessage } from '../../domain/model.js';
import { transferSendOptions } from '../../domain/payouts/messages.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('Stripe calls per paid invoice', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('stripe-calls');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    harness.emulator.setBalance(10_000_000);
    await Promise.all([harness.drain('revenueShare'), harness.drain('transfer'), harness.drain('markPaid')]);
  });

  const calls = () =>
    Object.entries(harness.emulator.requestCounts().routes)
      .filter(([, count]) => count.served > 0)
      .map(([route, count]) => `${route} x${count.served}`)
      .sort();

  it('pays a card-paid invoice with three calls: payments, transfer, verification', async () => {
    // Prepare
    const district = await harness.addDistrict();
    const event = await harness.invoicePaid({ amount_paid: 10_000, metadata: { districtId: district.districtId } });
    await harness.queueForRevenueShare(event);
    harness.emulator.resetRequestCounts();
    // Act
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    // Assess
    const [row] = (await harness.ledgerItems()).filter((item) => item.invoiceId === event.invoiceId);
    expect(row?.payoutStatus).toBe('PAID');
    expect(calls()).toEqual(['GET /v1/invoice_payments x1', 'GET /v1/transfers/:id x1', 'POST /v1/transfers x1']);
  });

  it.each([
    ['a second attempt', { transferAttempt: 2 }],
    ['a row older than a day', { createdAt: new Date(Date.now() - 86_400_000).toISOString() }],
  ])('still lists the transfer group before creating for %s', async (_, overrides) => {
    // Prepare
    const district = await harness.addDistrict();
    const row = await harness.pendingRow(district, overrides);
    const message: TransferMessage = { revenueShareId: row.revenueShareId, transferAttempt: row.transferAttempt };
    await harness.queue<TransferMessage>('transfer').send(message, transferSendOptions(message));
    harness.emulator.resetRequestCounts();
    // Act
    await harness.runQueue('transfer', harness.transferHandler());
    // Assess
    expect(calls()).toEqual(['GET /v1/transfers x1', 'POST /v1/transfers x1']);
  });
});
