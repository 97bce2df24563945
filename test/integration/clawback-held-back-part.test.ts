/**
 * A part made smaller before its transfer (its charge refunded, in part or in full, first) has that much taken back
 * from the moment it is held back: the row shows it (reversedCents, netPaidCents) while PENDING, mark-paid sets the
 * status from it, and a later money event that changes nothing changes nothing on the row. A part its row was
 * verified without (its charge refunded in full before the transfer) whose money then comes back (the refund fails,
 * the dispute is won) is paid by a re-payment funded by its charge: nothing else would ever transfer it.
 * Real local services and the Stripe emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import { revenueShareView } from '../../domain/platform/views.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('a part held back before its transfer', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('clawback-held-back');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
  });

  const get = async (id: string) => (await harness.ledger.get(id)) as RevenueShare;
  const runMoneyEvents = () => harness.runQueue('revenueShare', harness.revenueShareHandler());
  const transfers = () => harness.transfersTo(district.stripeAccountId);

  async function pay() {
    const transfer = await harness.runQueue('transfer', harness.transferHandler());
    const markPaid = await harness.runQueue('markPaid', harness.markPaidHandler());
    expect([...transfer.failedMessageIds, ...markPaid.failedMessageIds]).toEqual([]);
  }

  /** Delivers an event (again, as delivery `delivery`) and processes it. */
  async function process(event: StripeEventLike, delivery = 0): Promise<void> {
    await harness.deliverToRevenueShare(event, delivery);
    expect((await runMoneyEvents()).failedMessageIds).toEqual([]);
  }

  /** Refunds a charge (all of it, or `amount`), processes the refund; returns its charge.refunded and refund id. */
  async function refund(chargeId: string, amount?: number): Promise<{ event: StripeEventLike; refundId: string }> {
    const refunded = await harness.refund(chargeId, amount);
    await process(refunded.event);
    return refunded;
  }

  it('counts a partial refund before the transfer as taken back at once: PARTIALLY_REVERSED when verified, a replay changes nothing', async () => {
    // Prepare: 100.00 at 15%, 40.00 refunded before the transfer: the transfer is 9.00 of the 15.00 share
    const row = await harness.writtenRow(district, 10_000);
    const chargeId = row.sourceCharges?.[0]?.chargeId ?? '';
    const { event } = await refund(chargeId, 4_000);
    expect(await get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PENDING',
      reversedCents: 600,
      netPaidCents: 900,
    });

    // Act: transferred and verified, then the refund's event delivered again
    await pay();
    const verified = await get(row.revenueShareId);
    await process(event, 1);

    // Assess: 9.00 transferred once; the status and totals set by mark-paid, and the replay left the row as it was
    expect(transfers().map((t) => [t.amount, t.amount_reversed])).toEqual([[900, 0]]);
    expect(verified).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(verified.paidAt).toBeDefined();
    const now = await get(row.revenueShareId);
    expect(now.version).toBe(verified.version);
    expect(revenueShareView(now)).toMatchObject({
      payoutStatus: 'PARTIALLY_REVERSED',
      reversedCents: 600,
      netPaidCents: 900,
      owedCents: 0,
    });
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
  });

  it('counts a refund that came before invoice.paid as taken back from the row written', async () => {
    // Prepare: 100.00 paid, 40.00 refunded; the refund's event finds no row yet and FAILS
    const message = await harness.invoicePaid(
      { amount_paid: 10_000, currency: 'usd', metadata: { districtId: district.districtId } },
      [{ paymentMethod: 'pm_card_bypassPending' }],
    );
    const [charge] = (await harness.payments.chargesOf(message.invoiceId, 'usd')).charges;
    const early = await harness.refundCharge(charge?.chargeId ?? '', 4_000);
    await process(early);
    expect((await harness.auditLog.get(early.id))?.status).toBe('FAILED');

    // Act: invoice.paid processed, then the transfer and its verification
    await harness.queueForRevenueShare(message);
    await runMoneyEvents();
    const pending = await get(deriveRevenueShareId(message.invoiceId));
    await pay();

    // Assess: held back from the start, PARTIALLY_REVERSED once verified
    expect(pending).toMatchObject({ payoutStatus: 'PENDING', reversedCents: 600, netPaidCents: 900 });
    expect(transfers().map((t) => t.amount)).toEqual([900]);
    expect(await get(pending.revenueShareId)).toMatchObject({
      payoutStatus: 'PARTIALLY_REVERSED',
      reversedCents: 600,
      netPaidCents: 900,
    });
  });

  /** 100.00 paid by two charges (60.00, 40.00): parts of 9.00 and 6.00; the second charge's money gone first. */
  async function splitRowVerifiedWithoutPart1(cancel: (chargeId: string) => Promise<void>, secondMethod: string) {
    const row = await harness.writtenRow(district, 10_000, [
      { paymentMethod: 'pm_card_bypassPending', amount: 6_000 },
      { paymentMethod: secondMethod, amount: 4_000 },
    ]);
    const second = row.sourceCharges?.find((c) => c.amountCents === 4_000)?.chargeId ?? '';
    await cancel(second);
    await pay();
    const verified = await get(row.revenueShareId);
    expect(verified).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(verified.transferParts?.find((p) => p.sourceChargeId === second)).toMatchObject({ amountCents: 0 });
    expect(transfers().map((t) => t.amount)).toEqual([900]);
    // The parts follow the order Stripe lists the invoice's payments in: the second charge's part may be either index
    const secondPart = verified.transferParts?.find((p) => p.sourceChargeId === second)?.index;
    return { row, second, secondPart };
  }

  it('pays a part cancelled before its transfer when its refund fails: a re-payment from its charge, PAID', async () => {
    // Prepare: the second charge refunded in full before the transfer; the first part paid and verified
    let refundId = '';
    const { row, second, secondPart } = await splitRowVerifiedWithoutPart1(async (chargeId) => {
      ({ refundId } = await refund(chargeId));
    }, 'pm_card_bypassPending');

    // Act: the refund fails; its events delivered, then delivered again
    const seen = harness.emulator.events().length;
    harness.emulator.failRefund(refundId);
    const raised = harness.emulator.events().slice(seen);
    for (const event of raised) await process(event);
    for (const event of raised) await process(event, 1);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: 6.00 re-paid once, funded by the second charge; the whole share paid, PAID
    const made = transfers();
    expect(made.map((t) => [t.amount, t.amount_reversed])).toEqual([
      [900, 0],
      [600, 0],
    ]);
    expect(made[1]).toMatchObject({ source_transaction: second });
    const now = await get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 1_500, owedCents: 0 });
    expect(now.moneyHistory?.map((m) => [m.kind, m.amountCents, m.partIndex, m.stripeId])).toEqual([
      ['REPAYMENT', 600, secondPart, made[1]?.id],
    ]);
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
  });

  it('pays a part cancelled by a dispute when the dispute is won: a re-payment from its charge, PAID', async () => {
    // Prepare: the second charge is disputed at once (the dispute test card); under REVERSE_ON_DISPUTE its part is
    // cancelled before the transfer
    let disputeId = '';
    const { row, second } = await splitRowVerifiedWithoutPart1(async () => {
      const opened = harness.emulator.events().filter((e) => e.type === 'charge.dispute.created');
      const event = opened[opened.length - 1] as StripeEventLike;
      disputeId = String(event.data.object.id);
      await process(event);
    }, 'pm_card_createDispute');

    // Act: the dispute is won
    const before = harness.emulator.events().length;
    harness.emulator.closeDispute(disputeId, 'won');
    for (const event of harness.emulator.events().slice(before)) {
      if (event.type.startsWith('charge.dispute.')) await process(event);
    }

    // Assess
    const made = transfers();
    expect(made.map((t) => [t.amount, t.amount_reversed])).toEqual([
      [900, 0],
      [600, 0],
    ]);
    expect(made[1]).toMatchObject({ source_transaction: second });
    expect(await get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PAID',
      reversedCents: 0,
      netPaidCents: 1_500,
    });
  });
});
