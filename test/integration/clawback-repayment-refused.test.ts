/**
 * A re-payment (money given back to a district: a refund failed, a dispute was won) is paid from the platform balance,
 * with no source charge, and Stripe can refuse it for good. The refusal must not leave the clawback intent on the row
 * (it would block every later money event) nor dead-letter the event: the intent is cleared, nothing is recorded as
 * moved, on-call is alerted that the district is owed the re-payment, and the event is processed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayoutHarness } from '../support/payout-harness.js';

describe('a re-payment Stripe refuses', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('clawback-repayment-refused');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('clears the intent, records no money, alerts REPAYMENT_REFUSED and processes the event', async () => {
    // Prepare: 100.00 at 15% paid (15.00), 40.00 refunded: 6.00 reversed
    const district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
    const written = await harness.writtenRow(district, 10_000);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    const chargeId = written.sourceCharges?.[0]?.chargeId ?? '';
    const seen = harness.emulator.events().length;
    await harness.deliverToRevenueShare(await harness.refundCharge(chargeId, 4_000));
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const refund = harness.emulator
      .events()
      .slice(seen)
      .find((e) => e.type === 'refund.created');
    const refundId = String((refund?.data.object as { id?: string } | undefined)?.id ?? '');
    expect(refundId).toMatch(/^re_/);
    await harness.alerts();

    // Act: the refund fails (the 6.00 is to be paid again) while the platform's available balance is empty
    const before = harness.emulator.events().length;
    harness.emulator.failRefund(refundId);
    harness.emulator.setBalance(0);
    const failed = harness.emulator
      .events()
      .slice(before)
      .find((e) => e.type === 'refund.failed');
    if (!failed) throw new Error('no refund.failed');
    await harness.deliverToRevenueShare(failed);
    const run = await harness.runQueue('revenueShare', harness.revenueShareHandler());

    // Assess: no re-payment at Stripe, the row as it was (6.00 still taken back) without an intent, one alert,
    // the event processed, nothing left to retry or dead-letter
    expect(run.failedMessageIds).toEqual([]);
    expect(await harness.depth('revenueShare', true)).toBe(0);
    expect(harness.transfersTo(district.stripeAccountId).map((t) => [t.amount, t.amount_reversed])).toEqual([
      [1_500, 600],
    ]);
    const row = await harness.ledger.get(written.revenueShareId);
    expect(row).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(row?.clawbackIntent).toBeUndefined();
    expect(row?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([['REVERSAL', 600]]);
    const alerts = (await harness.alerts()).filter((a) => a.kind === 'REPAYMENT_REFUSED');
    expect(alerts).toEqual([
      expect.objectContaining({
        severity: 'critical',
        stripeEventId: failed.id,
        districtId: district.districtId,
        revenueShareId: written.revenueShareId,
        message: expect.stringMatching(/re-paying 600 usd cents .*balance_insufficient.* is owed them/),
      }),
    ]);
    expect((await harness.auditLog.get(failed.id))?.status).toBe('PROCESSED');
  });
});
