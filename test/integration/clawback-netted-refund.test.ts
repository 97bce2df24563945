/**
 * A payout netted to settle what its district owed, then refunded: the netted share already went to the district
 * (its debt on another row was settled with it) and no transfer is left to make smaller, so the part of the clawback
 * target above what the transfer could still give back is owed again, on the refunded row (money rule 9).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';

describe('a netted payout that is refunded', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('clawback-netted-refund');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
  });

  const get = async (id: string) => (await harness.ledger.get(id)) as RevenueShare;
  const chargeOf = (row: RevenueShare) => row.sourceCharges?.[0]?.chargeId ?? '';
  const runMoneyEvents = () => harness.runQueue('revenueShare', harness.revenueShareHandler());

  async function pay() {
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
  }

  async function districtOwes(): Promise<number | undefined> {
    const response = await harness.platformApiHandler()(
      platformRequest('GET', '/platform/districts'),
      lambdaContext('platform-api', 20),
    );
    const items = JSON.parse(String(response.body)).items as Array<{ districtId: string; owedCents: number }>;
    return items.find((d) => d.districtId === district.districtId)?.owedCents;
  }

  it('owes again what the refunded payout had settled, once, and shows the debt', async () => {
    // Prepare: the district owes 15.00 (a refund Stripe could not reverse); its next share of 15.00 settles it all
    const owing = await harness.writtenRow(district, 10_000);
    await pay();
    harness.emulator.setAccountBalance(district.stripeAccountId, 0);
    await harness.deliverToRevenueShare(await harness.refundCharge(chargeOf(owing)));
    await runMoneyEvents();
    const netted = await harness.writtenRow(district, 10_000);
    await pay();
    expect(await get(netted.revenueShareId)).toMatchObject({ payoutStatus: 'PAID' });
    expect((await get(owing.revenueShareId)).owedCents).toBe(0);
    expect(await districtOwes()).toBe(0);

    // Act: the netted payout's invoice is refunded in full; then the same refund is processed again (a replay)
    const refunded = await harness.refundCharge(chargeOf(netted));
    await harness.deliverToRevenueShare(refunded);
    await runMoneyEvents();
    const replay = await harness.receivedEvent(refunded.type, refunded.data.object as Record<string, unknown>);
    await harness.queueForRevenueShare(replay);
    await runMoneyEvents();

    // Assess: the 15.00 it settled is owed again on it, once; it shows the clawback; the district owes 15.00
    const now = await get(netted.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, netPaidCents: 0, owedCents: 1_500 });
    expect(now.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([
      ['NETTED', 1_500],
      ['OWED', 1_500],
    ]);
    expect((await harness.ledger.listOwing(district.districtId)).map((r) => r.revenueShareId)).toEqual([
      netted.revenueShareId,
    ]);
    expect(await districtOwes()).toBe(1_500);
    // No money moved at Stripe for it: the only transfer is the first row's, which Stripe could not reverse
    expect(harness.transfersTo(district.stripeAccountId).map((t) => [t.amount, t.amount_reversed])).toEqual([
      [1_500, 0],
    ]);
  });
});
