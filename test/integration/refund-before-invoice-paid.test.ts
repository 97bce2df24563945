/**
 * A refund (or a dispute the district's policy counts) that happens before invoice.paid is processed: its event finds
 * no ledger row and FAILS, so the row written afterwards must already net what went back, as the clawback nets a part
 * not yet transferred. Before, the row planned the whole share and the district was paid money the customer had got
 * back, until a replay of the failed event clawed it back (or, its balance paid out, made it a debt).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District, ProcessEventMessage } from '../../domain/model.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('a refund before invoice.paid is processed', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('refund-before-paid');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
  });

  const runMoneyEvents = () => harness.runQueue('revenueShare', harness.revenueShareHandler());

  /** An invoice of 100.00 paid at the emulator by one charge; its invoice.paid received, not yet processed. */
  async function paidInvoice(
    paymentMethod = 'pm_card_bypassPending',
  ): Promise<{ message: ProcessEventMessage & { invoiceId: string }; chargeId: string }> {
    const message = await harness.invoicePaid(
      { amount_paid: 10_000, currency: 'usd', metadata: { districtId: district.districtId } },
      [{ paymentMethod }],
    );
    const [charge] = (await harness.payments.chargesOf(message.invoiceId, 'usd')).charges;
    if (!charge) throw new Error('the invoice has no charge');
    return { message, chargeId: charge.chargeId };
  }

  /** Delivers the refund's event first: no row is paid by its charge yet, so it FAILS. */
  async function refundFirst(event: StripeEventLike): Promise<void> {
    await harness.deliverToRevenueShare(event);
    await runMoneyEvents();
    expect((await harness.auditLog.get(event.id))?.status).toBe('FAILED');
  }

  /** invoice.paid processed, then the transfer and its verification, as the queues run them. */
  async function processInvoicePaid(message: ProcessEventMessage): Promise<void> {
    await harness.queueForRevenueShare(message);
    await runMoneyEvents();
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
  }

  it('pays nothing for an invoice refunded in full: no transfer, the row REVERSED, a replay of the refund changes nothing', async () => {
    // Prepare
    const { message, chargeId } = await paidInvoice();
    const refund = await harness.refundCharge(chargeId);
    await refundFirst(refund);

    // Act
    await processInvoicePaid(message);

    // Assess: nothing went to the district; the row records the whole share as taken back before any transfer
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
    const id = deriveRevenueShareId(message.invoiceId);
    const row = await harness.ledger.get(id);
    expect(row).toMatchObject({ payoutStatus: 'REVERSED', shareCents: 1_500, reversedCents: 1_500, netPaidCents: 0 });
    expect(row?.transferParts).toEqual([{ index: 0, amountCents: 0, plannedCents: 1_500, sourceChargeId: chargeId }]);
    expect(row?.stripeTransferId).toBeUndefined();

    // Act: the catch-up replays the failed refund
    await harness.deliverToRevenueShare(refund, 1);
    await runMoneyEvents();

    // Assess: it finds the row at its target: PROCESSED, the row and the emulator unchanged
    expect((await harness.auditLog.get(refund.id))?.status).toBe('PROCESSED');
    expect(await harness.ledger.get(id)).toMatchObject({ payoutStatus: 'REVERSED', version: row?.version });
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
  });

  it('transfers the share less the clawback of a partial refund, and pays it again when that refund fails', async () => {
    // Prepare: 40.00 of 100.00 refunded first
    const { message, chargeId } = await paidInvoice();
    const seen = harness.emulator.events().length;
    const created = await harness.stripe.refunds.create({ charge: chargeId, amount: 4_000 });
    const refund = harness.emulator
      .events()
      .slice(seen)
      .find((e) => e.type === 'charge.refunded');
    if (!refund) throw new Error('no charge.refunded');
    await refundFirst(refund);

    // Act
    await processInvoicePaid(message);

    // Assess: kept floor(6000 × 15%) = 900, so one transfer of 900 (not 1500); the 600 held back is taken back
    const id = deriveRevenueShareId(message.invoiceId);
    expect(harness.transfersTo(district.stripeAccountId).map((t) => [t.amount, t.amount_reversed])).toEqual([[900, 0]]);
    let row = await harness.ledger.get(id);
    expect(row).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(row?.transferParts?.[0]).toMatchObject({ amountCents: 900, plannedCents: 1_500 });

    // Act: the failed refund replayed
    await harness.deliverToRevenueShare(refund, 1);
    await runMoneyEvents();

    // Assess: already at its target: no money moves
    expect((await harness.auditLog.get(refund.id))?.status).toBe('PROCESSED');
    row = await harness.ledger.get(id);
    expect(row?.moneyHistory ?? []).toEqual([]);
    expect(row?.transferParts?.[0]).toMatchObject({ amountCents: 900, plannedCents: 1_500 });
    expect(harness.transfersTo(district.stripeAccountId).map((t) => [t.amount, t.amount_reversed])).toEqual([[900, 0]]);

    // Act: the refund fails after the fact
    const before = harness.emulator.events().length;
    harness.emulator.failRefund(created.id);
    for (const event of harness.emulator.events().slice(before)) {
      if (event.type === 'refund.failed' || event.type === 'refund.updated') await harness.deliverToRevenueShare(event);
    }
    await runMoneyEvents();

    // Assess: the 600 held back is paid with a new transfer; the district has its whole share
    row = await harness.ledger.get(id);
    expect(row).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 1_500 });
    expect(row?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([['REPAYMENT', 600]]);
    expect(harness.transfersTo(district.stripeAccountId).map((t) => t.amount)).toEqual([900, 600]);
  });

  /** A dispute test card's invoice: its dispute opens with the charge, its events come first and FAIL; then invoice.paid. */
  async function disputedBeforeInvoicePaid(): Promise<{ id: string; chargeId: string; disputeId: string }> {
    const seen = harness.emulator.events().length;
    const { message, chargeId } = await paidInvoice('pm_card_createDispute');
    const opened = harness.emulator
      .events()
      .slice(seen)
      .filter((e) => e.type.startsWith('charge.dispute.'));
    expect(opened.map((e) => e.type)).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn']);
    for (const event of opened) await refundFirst(event);
    await processInvoicePaid(message);
    const [dispute] = (await harness.stripe.disputes.list({ charge: chargeId })).data;
    return { id: deriveRevenueShareId(message.invoiceId), chargeId, disputeId: String(dispute?.id) };
  }

  async function closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<void> {
    const before = harness.emulator.events().length;
    harness.emulator.closeDispute(disputeId, outcome);
    for (const event of harness.emulator.events().slice(before)) {
      if (event.type.startsWith('charge.dispute.')) await harness.deliverToRevenueShare(event);
    }
    await runMoneyEvents();
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
  }

  it('pays nothing while a dispute open before invoice.paid counts (REVERSE_ON_DISPUTE), nor once it is lost', async () => {
    // Act
    const { id, chargeId, disputeId } = await disputedBeforeInvoicePaid();

    // Assess: the whole share is held back, as the clawback holds it while the dispute is open
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
    const row = await harness.ledger.get(id);
    expect(row).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, netPaidCents: 0 });
    expect(row?.transferParts).toEqual([{ index: 0, amountCents: 0, plannedCents: 1_500, sourceChargeId: chargeId }]);

    // Act: the dispute is lost
    await closeDispute(disputeId, 'lost');

    // Assess: nothing moves
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
    expect(await harness.ledger.get(id)).toMatchObject({ payoutStatus: 'REVERSED', version: row?.version });
  });

  it('pays the whole share once a dispute open before invoice.paid is won: the held-back row goes back to PENDING', async () => {
    // Prepare: held back while the dispute is open
    const { id, disputeId } = await disputedBeforeInvoicePaid();
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);

    // Act
    await closeDispute(disputeId, 'won');

    // Assess: one transfer of the whole share, verified
    expect(harness.transfersTo(district.stripeAccountId).map((t) => t.amount)).toEqual([1_500]);
    expect((await harness.ledger.get(id))?.payoutStatus).toBe('PAID');
  });
});
