/**
 * A re-payment (money given back to a district: a refund failed, a dispute was won) is paid from the platform balance,
 * with no source charge, and Stripe can refuse it for good. The refusal must not leave the clawback intent on the row
 * (it would block every later money event) nor dead-letter the event: the intent is cleared, no money is recorded as
 * moved (the refusal is counted on the row), on-call is alerted once that the district is owed the re-payment, and
 * the event is FAILED, so re-sync replays it: once the platform balance is funded, that replay pays (a new key: Stripe
 * replays a stored refusal for 24 h), once.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResyncResult } from '../../domain/resync/resync-failed-events.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';

describe('a re-payment Stripe refuses', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('clawback-repayment-refused');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  /** POST /platform/resync for these events, as `npm run ops -- resync` does; then the revenue-share worker runs. */
  async function resync(...stripeEventIds: string[]): Promise<ResyncResult> {
    const response = (await harness.resyncHandler()(
      platformRequest('POST', '/platform/resync', { body: { stripeEventIds } }),
      lambdaContext('resync', 300),
    )) as APIGatewayProxyResult;
    expect(response.statusCode).toBe(200);
    const run = await harness.runQueue('revenueShare', harness.revenueShareHandler());
    expect(run.failedMessageIds).toEqual([]);
    return JSON.parse(response.body) as ResyncResult;
  }

  it('clears the intent, moves no money, alerts REPAYMENT_REFUSED once and leaves the event FAILED; funded, a replay pays once', async () => {
    // Prepare: 100.00 at 15% paid (15.00), 40.00 refunded: 6.00 reversed
    const district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
    const written = await harness.paidRow(district, 10_000);
    const chargeId = written.sourceCharges?.[0]?.chargeId ?? '';
    const { event: refunded, refundId } = await harness.refund(chargeId, 4_000);
    await harness.deliverToRevenueShare(refunded);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
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

    // Assess: no re-payment at Stripe, the row as it was (6.00 still taken back) without an intent, the refusal
    // counted, one alert, the event FAILED with the refusal, nothing left to retry or dead-letter
    expect(run.failedMessageIds).toEqual([]);
    expect(await harness.depth('revenueShare', true)).toBe(0);
    expect(harness.transfersTo(district.stripeAccountId).map((t) => [t.amount, t.amount_reversed])).toEqual([
      [1_500, 600],
    ]);
    const row = await harness.ledger.get(written.revenueShareId);
    expect(row).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(row?.clawbackIntent).toBeUndefined();
    expect(row?.moneyHistory?.map((m) => [m.kind, m.amountCents, m.refusals])).toEqual([
      ['REVERSAL', 600, undefined],
      ['REPAYMENT_REFUSED', 600, 1],
    ]);
    const alerts = await harness.alerts();
    expect(alerts.map((a) => a.kind)).toEqual(['REPAYMENT_REFUSED']);
    expect(alerts).toEqual([
      expect.objectContaining({
        severity: 'critical',
        stripeEventId: failed.id,
        districtId: district.districtId,
        revenueShareId: written.revenueShareId,
        message: expect.stringMatching(/re-paying 600 usd cents .*balance_insufficient.* is owed them/),
      }),
    ]);
    expect(await harness.auditLog.get(failed.id)).toMatchObject({
      status: 'FAILED',
      errorMessage: expect.stringMatching(/re-payment refused: .*600 usd cents .*balance_insufficient/),
    });

    // Act: the platform balance is funded, the FAILED event replayed (re-sync), then replayed and delivered again
    harness.emulator.setBalance(1_000_000);
    expect((await resync(failed.id)).replayed).toBe(1);
    const repaid = await harness.ledger.get(written.revenueShareId);
    const again = await resync(failed.id);
    await harness.deliverToRevenueShare(failed, 1);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());

    // Assess: 6.00 re-paid once, the row back to PAID, the event PROCESSED; the later replays moved nothing
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([
      [1_500, 600],
      [600, 0],
    ]);
    expect(repaid).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 1_500, owedCents: 0 });
    expect(repaid?.moneyHistory?.filter((m) => m.kind === 'REPAYMENT').map((m) => [m.amountCents, m.stripeId])).toEqual(
      [[600, transfers[1]?.id]],
    );
    expect((await harness.auditLog.get(failed.id))?.status).toBe('PROCESSED');
    expect(again).toMatchObject({ replayed: 0, skipped: 1 });
    expect((await harness.ledger.get(written.revenueShareId))?.version).toBe(repaid?.version);
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
  });
});
