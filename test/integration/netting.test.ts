/**
 * What a district owes is netted from its next payouts, end to end on the real local services and the Stripe
 * emulator: a reversal Stripe refuses (the district's balance is too low) -> owed on the row -> the next payouts of
 * that district are that much smaller, recorded on both rows, once, even when the worker dies between the writes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import type { LedgerUpdate } from '../../domain/ports.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';

describe('netting what a district owes from its next payouts', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('netting');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
  });

  /** An invoice paid and its row written, its transfer queued (not yet made). */
  const writtenRow = (amountCents: number) => harness.writtenRow(district, amountCents);

  async function pay(transferHandler = harness.transferHandler()) {
    await harness.runQueue('transfer', transferHandler);
    await harness.runQueue('markPaid', harness.markPaidHandler());
  }

  /** A PAID row of 15.00 whose full refund Stripe could not reverse: the district owes 15.00 on it. */
  async function owingRow(): Promise<RevenueShare> {
    const row = await writtenRow(10_000);
    await pay();
    harness.emulator.setAccountBalance(district.stripeAccountId, 0);
    const event = await harness.refundCharge(row.sourceCharges?.[0]?.chargeId ?? '');
    await harness.deliverToRevenueShare(event);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const owing = await harness.ledger.get(row.revenueShareId);
    expect(owing).toMatchObject({ owedCents: 1_500, payoutStatus: 'REVERSED' });
    return owing as RevenueShare;
  }

  const amountsTo = () => harness.transfersTo(district.stripeAccountId).map((t) => t.amount);
  const get = async (id: string) => (await harness.ledger.get(id)) as RevenueShare;

  it('nets the debt from the next payouts, oldest first, on both rows, and shows it in the API', async () => {
    // Prepare: the district owes 15.00
    const owing = await owingRow();

    // Act: a payout of 9.00 (all of it settles the debt), then one of 15.00 (6.00 settles the rest)
    const small = await writtenRow(6_000);
    await pay();
    const next = await writtenRow(10_000);
    await pay();
    await harness.queue('transfer').send(
      { revenueShareId: next.revenueShareId, transferAttempt: 1 },
      {
        groupId: next.revenueShareId,
        deduplicationId: `${next.revenueShareId}#again`,
      },
    );
    await pay(); // a redelivery changes nothing

    // Assess: no transfer for the 9.00 payout, 9.00 instead of 15.00 for the next; both PAID
    expect(amountsTo()).toEqual([1_500, 900]);
    const smallNow = await get(small.revenueShareId);
    expect(smallNow).toMatchObject({ payoutStatus: 'PAID' });
    expect(smallNow.stripeTransferId).toBeUndefined();
    expect(smallNow.transferParts?.[0]).toMatchObject({ amountCents: 0, plannedCents: 900 });
    expect(smallNow.moneyHistory).toEqual([
      expect.objectContaining({ kind: 'NETTED', amountCents: 900, counterpartRowId: owing.revenueShareId }),
    ]);
    const nextNow = await get(next.revenueShareId);
    expect(nextNow).toMatchObject({ payoutStatus: 'PAID' });
    expect(nextNow.transferParts?.[0]).toMatchObject({ amountCents: 900, plannedCents: 1_500 });
    expect(nextNow.moneyHistory?.map((m) => [m.kind, m.amountCents, m.counterpartRowId])).toEqual([
      ['NETTED', 600, owing.revenueShareId],
    ]);
    const owingNow = await get(owing.revenueShareId);
    expect(owingNow.owedCents).toBe(0);
    expect(owingNow.moneyHistory?.map((m) => [m.kind, m.amountCents, m.counterpartRowId])).toEqual([
      ['OWED', 1_500, undefined],
      ['OWED_RECOVERED', 900, small.revenueShareId],
      ['OWED_RECOVERED', 600, next.revenueShareId],
    ]);
    // The district view shows what it owes (nothing now); the row view shows the netting
    const api = harness.platformApiHandler();
    const districts = await api(platformRequest('GET', '/platform/districts'), lambdaContext('platform-api', 20));
    const items = JSON.parse(String(districts.body)).items as Array<{ districtId: string; owedCents: number }>;
    expect(items.find((d) => d.districtId === district.districtId)?.owedCents).toBe(0);
    const rowView = await api(
      platformRequest('GET', '/platform/revenue-shares/{revenueShareId}', {
        params: { revenueShareId: next.revenueShareId },
      }),
      lambdaContext('platform-api', 20),
    );
    expect(JSON.parse(String(rowView.body))).toMatchObject({
      nettedCents: 600,
      moneyHistory: [expect.objectContaining({ kind: 'NETTED', counterpartRowId: owing.revenueShareId })],
    });
  });

  it('shows what a district owes until it is netted', async () => {
    // Prepare
    await owingRow();

    // Act
    const response = await harness.platformApiHandler()(
      platformRequest('GET', '/platform/districts'),
      lambdaContext('platform-api', 20),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    const items = JSON.parse(String(response.body)).items as Array<{ districtId: string; owedCents: number }>;
    expect(items.find((d) => d.districtId === district.districtId)).toMatchObject({ owedCents: 1_500 });
  });

  /** The ledger, except that its first write of an owing row's recovery (OWED_RECOVERED) dies. */
  function dyingAtRecovery() {
    let died = false;
    const ledger = new Proxy(harness.ledger, {
      get(target, name, receiver) {
        if (name !== 'update') return Reflect.get(target, name, receiver);
        return async (update: LedgerUpdate) => {
          const recovering = update.changes.moneyHistory?.some((m) => m.kind === 'OWED_RECOVERED');
          if (recovering && !died) {
            died = true;
            throw new Error('worker died');
          }
          return await target.update(update);
        };
      },
    });
    return { ledger, died: () => died };
  }

  it('nets once when the worker dies between the paying row and the owing row', async () => {
    // Prepare: the district owes 15.00; the first worker dies writing the owing row's recovery
    const owing = await owingRow();
    const next = await writtenRow(20_000);
    const dying = dyingAtRecovery();

    // Act: the dying delivery, then the redelivery
    await harness.runQueue('transfer', harness.transferHandler({ ledger: dying.ledger }));
    await pay();

    // Assess: 30.00 share, 15.00 netted once, 15.00 transferred once
    expect(dying.died()).toBe(true);
    expect(amountsTo()).toEqual([1_500, 1_500]);
    expect((await get(next.revenueShareId)).moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([
      ['NETTED', 1_500],
    ]);
    const owingNow = await get(owing.revenueShareId);
    expect(owingNow.owedCents).toBe(0);
    expect(owingNow.moneyHistory?.filter((m) => m.kind === 'OWED_RECOVERED')).toHaveLength(1);
    expect((await get(next.revenueShareId)).payoutStatus).toBe('PAID');
  });

  it('settles the netting once when the worker dies between the rows and the paying row is then refunded away', async () => {
    // Prepare: the district owes 15.00; the first worker of a 30.00 payout nets it and dies writing the owing row;
    // the payout's charge is then refunded in full, so the netted 15.00 is owed on the refunded row instead
    const owing = await owingRow();
    const refunded = await writtenRow(20_000);
    const dying = dyingAtRecovery();
    await harness.runQueue('transfer', harness.transferHandler({ ledger: dying.ledger }), 1); // its retry waits
    const refund = await harness.refundCharge(refunded.sourceCharges?.[0]?.chargeId ?? '');
    await harness.deliverToRevenueShare(refund);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    expect(await get(refunded.revenueShareId)).toMatchObject({ payoutStatus: 'REVERSED', owedCents: 1_500 });

    // Act: the redelivery of the refunded row's transfer, then the district's next payout of 30.00
    await pay();
    const owingAfterRedelivery = await get(owing.revenueShareId);
    const refundedAfterRedelivery = await get(refunded.revenueShareId);
    const next = await writtenRow(20_000);
    await pay();

    // Assess: the debt is owed once (on the refunded row), the next payout nets it once and sends the rest
    expect(dying.died()).toBe(true);
    expect(owingAfterRedelivery.owedCents).toBe(0);
    expect(owingAfterRedelivery.moneyHistory?.filter((m) => m.kind === 'OWED_RECOVERED')).toEqual([
      expect.objectContaining({ amountCents: 1_500, counterpartRowId: refunded.revenueShareId }),
    ]);
    expect(refundedAfterRedelivery).toMatchObject({ payoutStatus: 'REVERSED', owedCents: 1_500 });
    expect(refundedAfterRedelivery.transferParts?.[0]).toMatchObject({ amountCents: 0 });
    expect(refundedAfterRedelivery.stripeTransferId).toBeUndefined();
    expect((owingAfterRedelivery.owedCents ?? 0) + (refundedAfterRedelivery.owedCents ?? 0)).toBe(1_500);
    expect(amountsTo()).toEqual([1_500, 1_500]);
    const nextNow = await get(next.revenueShareId);
    expect(nextNow).toMatchObject({ payoutStatus: 'PAID' });
    expect(nextNow.moneyHistory?.map((m) => [m.kind, m.amountCents, m.counterpartRowId])).toEqual([
      ['NETTED', 1_500, refunded.revenueShareId],
    ]);
    expect((await get(refunded.revenueShareId)).owedCents).toBe(0);
    expect((await get(owing.revenueShareId)).owedCents).toBe(0);
  });
});
