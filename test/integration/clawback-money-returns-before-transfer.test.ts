/**
 * A row whose money went back in full before its transfer was made is cancelled (REVERSED, every part 0). When the
 * money comes back (the refund fails, the dispute is won), the row is PENDING again and its transfer is queued and
 * made: the district is paid its share, once, and nothing waits for a person without an alarm.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import { PaymentProviderError } from '../../domain/ports.js';
import { type PaymentsForContext, stripePaymentsFromContext } from '../../functions/commons/stripe-payments.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('money that comes back to a row cancelled before its transfer', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('clawback-money-returns');
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
  const transfers = () => harness.transfersTo(district.stripeAccountId).map((t) => [t.amount, t.amount_reversed]);

  async function pay() {
    const transfer = await harness.runQueue('transfer', harness.transferHandler());
    const markPaid = await harness.runQueue('markPaid', harness.markPaidHandler());
    expect([...transfer.failedMessageIds, ...markPaid.failedMessageIds]).toEqual([]);
  }

  /** Refunds all of the row's charge, processes the refund, returns the refund's id. */
  async function refundAll(row: RevenueShare): Promise<string> {
    const { event, refundId } = await harness.refund(chargeOf(row));
    await harness.deliverToRevenueShare(event);
    await runMoneyEvents();
    return refundId;
  }

  /** Fails the refund at the emulator and processes what it raised. */
  async function failRefund(refundId: string): Promise<void> {
    const seen = harness.emulator.events().length;
    harness.emulator.failRefund(refundId);
    for (const event of harness.emulator.events().slice(seen)) await harness.deliverToRevenueShare(event);
    const run = await runMoneyEvents();
    expect(run.failedMessageIds).toEqual([]);
  }

  it('pays the share when the refund that cancelled the row fails', async () => {
    // Prepare: refunded in full before the transfer; the transfer worker then finds nothing to pay
    const row = await harness.writtenRow(district, 10_000);
    const refundId = await refundAll(row);
    await pay();
    expect(await get(row.revenueShareId)).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500 });
    expect(transfers()).toEqual([]);

    // Act: the refund fails
    await failRefund(refundId);
    expect(await get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PENDING',
      reversedCents: 0,
      netPaidCents: 1_500,
      transferAttempt: 2,
    });
    await pay();

    // Assess: one transfer of the whole share, from the charge, verified
    expect(transfers()).toEqual([[1_500, 0]]);
    expect(harness.transfersTo(district.stripeAccountId)[0]).toMatchObject({ source_transaction: chargeOf(row) });
    const now = await get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 1_500 });
    expect(now.transferParts?.[0]).toMatchObject({ amountCents: 1_500, stripeTransferId: now.stripeTransferId });
  });

  it('pays the share when the dispute that cancelled the row is won', async () => {
    // Prepare: the dispute test card opens a dispute right after the charge; under REVERSE_ON_DISPUTE it cancels
    // the row before its transfer
    const seen = harness.emulator.events().length;
    const row = await harness.writtenRow(district, 10_000, [{ paymentMethod: 'pm_card_createDispute' }]);
    const opened = harness.emulator
      .events()
      .slice(seen)
      .filter((e) => e.type === 'charge.dispute.created');
    expect(opened).toHaveLength(1);
    for (const event of opened) await harness.deliverToRevenueShare(event);
    await runMoneyEvents();
    await pay();
    expect(await get(row.revenueShareId)).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500 });
    expect(transfers()).toEqual([]);

    // Act: the dispute is won
    const before = harness.emulator.events().length;
    harness.emulator.closeDispute(String((opened[0] as StripeEventLike).data.object.id), 'won');
    for (const event of harness.emulator.events().slice(before)) {
      if (event.type.startsWith('charge.dispute.')) await harness.deliverToRevenueShare(event);
    }
    expect((await runMoneyEvents()).failedMessageIds).toEqual([]);
    await pay();

    // Assess
    expect(transfers()).toEqual([[1_500, 0]]);
    expect(await get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PAID',
      reversedCents: 0,
      netPaidCents: 1_500,
    });
  });

  it('pays a netted row cancelled by a refund that then fails: the debt it owed again is forgiven', async () => {
    // Prepare: the district owes 15.00; its next share (30.00) nets it and is to transfer 15.00, but the transfer
    // worker stops before its create (a transient Stripe error), and the invoice is then refunded in full
    const owing = await harness.writtenRow(district, 10_000);
    await pay();
    harness.emulator.setAccountBalance(district.stripeAccountId, 0);
    await refundAll(owing);
    expect((await get(owing.revenueShareId)).owedCents).toBe(1_500);
    const row = await harness.writtenRow(district, 20_000);
    await harness.runQueue('transfer', harness.transferHandler({ payments: failingCreates() }), 1);
    expect(await get(row.revenueShareId)).toMatchObject({ payoutStatus: 'PENDING' });
    expect((await get(row.revenueShareId)).transferParts?.[0]).toMatchObject({ amountCents: 1_500 });
    const refundId = await refundAll(row);
    await pay();
    expect(await get(row.revenueShareId)).toMatchObject({ payoutStatus: 'REVERSED', owedCents: 1_500 });

    // Act: the refund fails
    await failRefund(refundId);
    await pay();

    // Assess: 15.00 transferred for it (the other 15.00 settled the debt, which stays settled), PAID, owes nothing
    expect(transfers()).toEqual([
      [1_500, 0],
      [1_500, 0],
    ]);
    const now = await get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 3_000, owedCents: 0 });
    expect(now.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([
      ['NETTED', 1_500],
      ['OWED', 1_500],
      ['OWED_FORGIVEN', 1_500],
    ]);
    expect((await get(owing.revenueShareId)).owedCents).toBe(0);
    expect(await harness.ledger.listOwing(district.districtId)).toEqual([]);
  });

  /** The transfer worker's Stripe payments with every create failing as Stripe does when it is briefly down. */
  function failingCreates(): PaymentsForContext {
    const real = stripePaymentsFromContext(harness.runtime('transfer').stripe);
    return (context) => {
      const provider = real(context);
      return Object.assign(Object.create(provider), {
        createTransfer: async () => {
          throw new PaymentProviderError(false, 'api_error', 'Stripe is briefly unavailable', 500);
        },
      });
    };
  }
});
