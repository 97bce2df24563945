import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { amountIn, caught, payInvoice, useEmulator } from './stripe-emulator-helpers.js';

const ctx = useEmulator();

const available = async (): Promise<number> => amountIn((await ctx.stripe.balance.retrieve()).available);

describe('refunds', () => {
  it('refunds partially then fully, by charge and by payment intent, with charge.refunded and refund.created', async () => {
    // Prepare
    const { charge, intent } = await payInvoice(ctx.stripe, 10_000, 'pm_card_bypassPending');

    // Act
    const partial = await ctx.stripe.refunds.create({ charge: charge.id, amount: 3_000 });
    const afterPartial = await ctx.stripe.charges.retrieve(charge.id);
    const rest = await ctx.stripe.refunds.create({ payment_intent: intent.id });
    const afterFull = await ctx.stripe.charges.retrieve(charge.id);
    const again = await caught(ctx.stripe.refunds.create({ charge: charge.id, amount: 1 }));
    const refunded = await ctx.stripe.events.list({ type: 'charge.refunded' });

    // Assess
    expect(partial).toMatchObject({ object: 'refund', amount: 3_000, charge: charge.id, status: 'succeeded' });
    expect(afterPartial).toMatchObject({ amount_refunded: 3_000, refunded: false });
    expect(rest).toMatchObject({ amount: 7_000, payment_intent: intent.id });
    expect(afterFull).toMatchObject({ amount_refunded: 10_000, refunded: true });
    expect(again).toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
    expect(await available()).toBe(0);
    expect(refunded.data.map((e) => e.data.previous_attributes)).toEqual([
      { amount_refunded: 3_000, refunded: false },
      { amount_refunded: 0, refunded: false },
    ]);
    expect((await ctx.stripe.events.list({ type: 'refund.created' })).data).toHaveLength(2);
  });

  it('refuses a refund above the unrefunded amount (amount_too_large)', async () => {
    // Prepare
    const { charge } = await payInvoice(ctx.stripe, 5_000, 'pm_card_bypassPending');
    await ctx.stripe.refunds.create({ charge: charge.id, amount: 4_000 });

    // Act
    const error = await caught(ctx.stripe.refunds.create({ charge: charge.id, amount: 1_001 }));

    // Assess
    expect(error).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });
    expect(error.message).toBe('Refund amount ($10.01) is greater than unrefunded amount on charge ($10.00)');
    expect((await ctx.stripe.refunds.list({ charge: charge.id })).data).toHaveLength(1);
  });

  it('fails a refund after the fact: refund.failed, amount_refunded back down, money back', async () => {
    // Prepare
    const { charge } = await payInvoice(ctx.stripe, 8_000, 'pm_card_bypassPending');
    const refund = await ctx.stripe.refunds.create({ charge: charge.id, amount: 2_000 });

    // Act
    ctx.emulator.failRefund(refund.id);
    const failed = await ctx.stripe.refunds.retrieve(refund.id);
    const after = await ctx.stripe.charges.retrieve(charge.id);
    const [failedEvent] = (await ctx.stripe.events.list({ type: 'refund.failed' })).data;
    const [updated] = (await ctx.stripe.events.list({ type: 'refund.updated' })).data;

    // Assess
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' });
    expect(after).toMatchObject({ amount_refunded: 0, refunded: false });
    expect(await available()).toBe(8_000);
    expect(failedEvent?.data.object).toMatchObject({ id: refund.id, status: 'failed' });
    expect(updated?.data.previous_attributes).toEqual({ status: 'succeeded' });
  });
});

describe('disputes', () => {
  it('disputes pm_card_createDispute right after it succeeds; the platform balance is debited; lost on close', async () => {
    // Prepare
    const { charge } = await payInvoice(ctx.stripe, 6_000, 'pm_card_createDispute');
    const [dispute] = (await ctx.stripe.disputes.list({ charge: charge.id })).data;
    if (!dispute) throw new Error('no dispute');

    // Act
    const before = await ctx.stripe.balance.retrieve();
    const closed = await ctx.stripe.disputes.close(dispute.id);
    const refund = await caught(ctx.stripe.refunds.create({ charge: charge.id }));

    // Assess
    expect(charge.disputed).toBe(true);
    expect(dispute).toMatchObject({ charge: charge.id, amount: 6_000, status: 'needs_response', reason: 'fraudulent' });
    expect(dispute.balance_transactions.map((t) => t.amount)).toEqual([-6_000]);
    expect(amountIn(before.available)).toBe(-6_000);
    expect(amountIn(before.pending)).toBe(6_000);
    expect(closed.status).toBe('lost');
    expect(refund).toMatchObject({ statusCode: 400, code: 'charge_disputed' });
    const types = (await ctx.stripe.events.list({ type: 'charge.dispute.*' })).data.map((e) => e.type);
    expect(types).toEqual(['charge.dispute.closed', 'charge.dispute.funds_withdrawn', 'charge.dispute.created']);
  });

  it('opens a dispute later on a charge that succeeded (control), once: events, the platform debited', async () => {
    // Prepare
    const { charge } = await payInvoice(ctx.stripe, 4_000, 'pm_card_bypassPending');
    const before = amountIn((await ctx.stripe.balance.retrieve()).available);

    // Act
    const dispute = ctx.emulator.openDispute(charge.id);

    // Assess
    expect(dispute).toMatchObject({ charge: charge.id, amount: 4_000, status: 'needs_response' });
    expect((await ctx.stripe.charges.retrieve(charge.id)).disputed).toBe(true);
    expect((await ctx.stripe.disputes.list({ charge: charge.id })).data.map((d) => d.id)).toEqual([dispute.id]);
    expect(await available()).toBe(before - 4_000);
    expect(() => ctx.emulator.openDispute(charge.id)).toThrow(/cannot be disputed/);
    const types = (await ctx.stripe.events.list({ type: 'charge.dispute.*' })).data.map((e) => e.type);
    expect(types).toEqual(['charge.dispute.funds_withdrawn', 'charge.dispute.created']);
  });

  it('reinstates the funds of a dispute won, and keeps them withdrawn when lost (control)', async () => {
    // Prepare
    const won = await payInvoice(ctx.stripe, 1_000, 'pm_card_createDispute');
    const lost = await payInvoice(ctx.stripe, 2_000, 'pm_card_createDispute');
    const disputeOf = async (charge: Stripe.Charge) => (await ctx.stripe.disputes.list({ charge: charge.id })).data[0];
    const [wonDispute, lostDispute] = [await disputeOf(won.charge), await disputeOf(lost.charge)];

    // Act
    ctx.emulator.closeDispute(String(wonDispute?.id), 'won');
    ctx.emulator.closeDispute(String(lostDispute?.id), 'lost');
    const twice = await caught(ctx.stripe.disputes.close(String(wonDispute?.id)));
    const retrieved = await ctx.stripe.disputes.retrieve(String(wonDispute?.id));

    // Assess
    expect(retrieved.status).toBe('won');
    expect(retrieved.balance_transactions.map((t) => t.amount)).toEqual([-1_000, 1_000]);
    expect((await ctx.stripe.disputes.retrieve(String(lostDispute?.id))).status).toBe('lost');
    expect(await available()).toBe(-2_000);
    expect(twice.statusCode).toBe(400);
    expect((await ctx.stripe.events.list({ type: 'charge.dispute.funds_reinstated' })).data).toHaveLength(1);
    expect((await ctx.stripe.events.list({ type: 'charge.dispute.closed' })).data).toHaveLength(2);
  });
});

describe('disputes Stripe prevents', () => {
  /** The dispute and refund events of one charge and its dispute, oldest first. */
  const disputeEvents = async (chargeId: string, disputeId: string) =>
    (await ctx.stripe.events.list({ limit: 100 })).data
      .filter((e) => e.type.startsWith('charge.dispute.') || e.type === 'charge.refunded')
      .filter((e) => [chargeId, disputeId].includes(String((e.data.object as { id: string }).id)))
      .map((e) => e.type)
      .reverse();

  it('opens a dispute of part of a charge (control), and refuses one of more than the charge', async () => {
    // Prepare
    const { charge } = await payInvoice(ctx.stripe, 10_000, 'pm_card_bypassPending');
    const other = await payInvoice(ctx.stripe, 3_000, 'pm_card_bypassPending');
    const before = await available();

    // Act
    const dispute = ctx.emulator.openDispute(charge.id, { amount: 4_000 });
    const tooMuch = () => ctx.emulator.openDispute(other.charge.id, { amount: 3_001 });
    const none = () => ctx.emulator.openDispute(other.charge.id, { amount: 0 });

    // Assess
    expect(dispute).toMatchObject({ charge: charge.id, amount: 4_000, status: 'needs_response' });
    expect(dispute.payment_method_details).toMatchObject({ type: 'card', card: { case_type: 'chargeback' } });
    expect(await available()).toBe(before - 4_000);
    expect(tooMuch).toThrow(/1 to 3000 cents, not 3001/);
    expect(none).toThrow(/1 to 3000 cents, not 0/);
    expect((await ctx.stripe.disputes.list({ charge: other.charge.id })).data).toEqual([]);
  });

  it('resolves an open dispute with a refund (RDR): prevented, funds reinstated, the disputed amount refunded', async () => {
    // Prepare: 100.00 paid, 40.00 disputed
    const { charge } = await payInvoice(ctx.stripe, 10_000, 'pm_card_bypassPending');
    const before = await available();
    const dispute = ctx.emulator.openDispute(charge.id, { amount: 4_000 });

    // Act
    const prevented = ctx.emulator.preventDispute(dispute.id, 'resolution');
    const twice = await caught(ctx.stripe.disputes.close(dispute.id));

    // Assess: no chargeback, a refund of 40.00 instead
    expect(prevented).toMatchObject({ status: 'prevented', amount: 4_000 });
    expect(prevented.payment_method_details?.card?.case_type).toBe('resolution');
    expect(prevented.balance_transactions.map((t) => t.amount)).toEqual([-4_000, 4_000]);
    expect(await ctx.stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 4_000, refunded: false });
    const refunds = (await ctx.stripe.refunds.list({ charge: charge.id })).data;
    expect(refunds.map((r) => [r.amount, r.status])).toEqual([[4_000, 'succeeded']]);
    expect(await available()).toBe(before - 4_000);
    expect(twice).toMatchObject({ statusCode: 400, code: 'dispute_already_closed' });
    expect(await disputeEvents(charge.id, dispute.id)).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.funds_reinstated',
      'charge.refunded',
      'charge.dispute.closed',
    ]);
    expect((await ctx.stripe.events.list({ type: 'refund.created', limit: 1 })).data[0]?.data.object).toMatchObject({
      id: refunds[0]?.id,
    });
    const [closed] = (await ctx.stripe.events.list({ type: 'charge.dispute.closed', limit: 1 })).data;
    expect(closed?.data.object).toMatchObject({ id: dispute.id, status: 'prevented' });
    expect(closed?.data.previous_attributes).toMatchObject({ status: 'needs_response' });
  });

  it('blocks an open dispute: prevented, funds reinstated, nothing refunded; over HTTP too', async () => {
    // Prepare
    const { charge } = await payInvoice(ctx.stripe, 6_000, 'pm_card_bypassPending');
    const before = await available();
    const post = (path: string, body: unknown) =>
      fetch(`${ctx.emulator.url}${path}`, { method: 'POST', body: JSON.stringify(body) });

    // Act
    const opened = (await (await post('/_emulator/disputes', { charge: charge.id, amount: 2_500 })).json()) as {
      id: string;
    };
    const bad = await post('/_emulator/dispute-preventions', { dispute: opened.id, case_type: 'chargeback' });
    const response = await post('/_emulator/dispute-preventions', { dispute: opened.id, case_type: 'block' });
    const again = await post('/_emulator/dispute-preventions', { dispute: opened.id, case_type: 'block' });

    // Assess
    expect(bad.status).toBe(400);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: opened.id,
      amount: 2_500,
      status: 'prevented',
      payment_method_details: { card: { case_type: 'block' } },
    });
    expect(again.status).toBe(400);
    expect(await ctx.stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 0 });
    expect(await available()).toBe(before);
    expect(await disputeEvents(charge.id, opened.id)).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.funds_reinstated',
      'charge.dispute.closed',
    ]);
  });
});

describe('credit notes', () => {
  it('credits a paid invoice with a refund (refund_amount) or by lines, with credit_note.created', async () => {
    // Prepare
    const { invoice, charge } = await payInvoice(ctx.stripe, 9_000, 'pm_card_bypassPending');
    const [line] = invoice.lines.data;

    // Act
    const byRefund = await ctx.stripe.creditNotes.create({ invoice: invoice.id, refund_amount: 2_000 });
    const byLine = await ctx.stripe.creditNotes.create({
      invoice: invoice.id,
      lines: [{ type: 'invoice_line_item', invoice_line_item: String(line?.id), amount: 1_000 }],
      refund_amount: 1_000,
    });
    const tooMuch = await caught(ctx.stripe.creditNotes.create({ invoice: invoice.id, refund_amount: 6_001 }));

    // Assess
    expect(byRefund).toMatchObject({ amount: 2_000, invoice: invoice.id, status: 'issued', type: 'post_payment' });
    expect(byRefund.refunds[0]).toMatchObject({ amount_refunded: 2_000, type: 'refund' });
    expect(byLine.lines.data[0]).toMatchObject({ amount: 1_000, invoice_line_item: line?.id });
    expect(tooMuch.statusCode).toBe(400);
    expect((await ctx.stripe.charges.retrieve(charge.id)).amount_refunded).toBe(3_000);
    expect((await ctx.stripe.invoices.retrieve(invoice.id)).post_payment_credit_notes_amount).toBe(3_000);
    expect((await ctx.stripe.events.list({ type: 'credit_note.created' })).data).toHaveLength(2);
  });
});
