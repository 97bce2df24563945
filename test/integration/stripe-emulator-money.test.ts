import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { amountIn, caught, payInvoice, useEmulator } from './stripe-emulator-helpers.js';

const ctx = useEmulator();
const DAY = 86_400;

const connectedAccount = (): Promise<Stripe.Account> => ctx.stripe.accounts.create({ type: 'express', country: 'US' });

describe('invoices paid by card', () => {
  it('pays an invoice: invoice payment, payment intent, charge, balance transaction and their events', async () => {
    // Act
    const { invoice, payment, intent, charge } = await payInvoice(ctx.stripe, 5_000);
    const expanded = await ctx.stripe.invoices.retrieve(invoice.id, {
      expand: ['payments.data.payment.payment_intent.latest_charge'],
    });
    const transaction = await ctx.stripe.balanceTransactions.retrieve(String(charge.balance_transaction));
    const types = (await ctx.stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();

    // Assess
    expect(invoice).toMatchObject({ status: 'paid', amount_due: 5_000, amount_paid: 5_000, amount_remaining: 0 });
    expect(invoice.metadata).toEqual({ districtId: 'd-1' });
    expect(payment).toMatchObject({ invoice: invoice.id, status: 'paid', amount_paid: 5_000, currency: 'usd' });
    expect(intent).toMatchObject({ status: 'succeeded', amount: 5_000, latest_charge: charge.id });
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, amount: 5_000, refunded: false, disputed: false });
    const expandedPayment = expanded.payments?.data[0]?.payment.payment_intent as Stripe.PaymentIntent;
    expect((expandedPayment.latest_charge as Stripe.Charge).id).toBe(charge.id);
    expect(transaction).toMatchObject({
      type: 'charge',
      amount: 5_000,
      net: 5_000,
      status: 'pending',
      source: charge.id,
    });
    expect(types).toEqual([
      'customer.created',
      'invoiceitem.created',
      'invoice.created',
      'invoice.finalized',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice_payment.paid',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });

  it('lists the invoice payments of one payment intent (payment[type], payment[payment_intent]), and refuses a filter without a type', async () => {
    // Prepare: two paid invoices
    const first = await payInvoice(ctx.stripe, 1_100);
    await payInvoice(ctx.stripe, 2_200);

    // Act
    const listed = await ctx.stripe.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: first.intent.id },
      status: 'paid',
    });
    const untyped = await caught(
      ctx.stripe.invoicePayments.list({ payment: { payment_intent: first.intent.id } } as never),
    );

    // Assess
    expect(listed.data.map((payment) => payment.invoice)).toEqual([first.invoice.id]);
    expect(untyped).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'payment[type]' });
  });

  it('declines pm_card_chargeDeclined with 402 card_declined; the invoice stays open', async () => {
    // Prepare
    const customer = await ctx.stripe.customers.create({ email: 'x@example.org' });
    await ctx.stripe.invoiceItems.create({ customer: customer.id, amount: 1_200, currency: 'usd' });
    const draft = await ctx.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });

    // Act
    const error = await caught(ctx.stripe.invoices.pay(draft.id, { payment_method: 'pm_card_chargeDeclined' }));
    const invoice = await ctx.stripe.invoices.retrieve(draft.id);
    const failed = await ctx.stripe.events.list({ type: 'invoice.payment_failed' });
    const charges = await ctx.stripe.charges.list({ customer: customer.id });

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
    expect(invoice).toMatchObject({ status: 'open', amount_paid: 0, amount_remaining: 1_200, attempt_count: 1 });
    expect(failed.data).toHaveLength(1);
    expect(charges.data.map((c) => c.status)).toEqual(['failed']);
    expect((await ctx.stripe.invoicePayments.list({ invoice: draft.id })).data).toEqual([]);
    expect(amountIn((await ctx.stripe.balance.retrieve()).pending)).toBe(0);
  });

  it('marks a $0 invoice paid on finalize with no charge, and pays out of band', async () => {
    // Prepare
    const customer = await ctx.stripe.customers.create({});
    const zero = await ctx.stripe.invoices.create({ customer: customer.id });
    await ctx.stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'usd' });
    const offline = await ctx.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });

    // Act
    const finalized = await ctx.stripe.invoices.finalizeInvoice(zero.id);
    const paidOffline = await ctx.stripe.invoices.pay(offline.id, { paid_out_of_band: true });

    // Assess
    expect(finalized).toMatchObject({ status: 'paid', amount_paid: 0, total: 0 });
    expect(paidOffline).toMatchObject({ status: 'paid', amount_paid: 700, amount_remaining: 0 });
    expect((await ctx.stripe.charges.list()).data).toEqual([]);
    expect((await ctx.stripe.events.list({ type: 'invoice.paid' })).data).toHaveLength(2);
  });

  it('pays an invoice with a legacy charge made without a payment intent: the invoice payment names the charge', async () => {
    // Prepare
    const built = ctx.emulator.buildInvoice(
      { amount_paid: 4_000 },
      { payments: [{ paymentMethod: 'pm_card_visa', withoutPaymentIntent: true }] },
    );
    const invoiceId = String(built.id);

    // Act: the listing as the revenue-share worker reads it, then the charge, and refunds of it (direct, credit note)
    const listed = await ctx.stripe.invoicePayments.list({
      invoice: invoiceId,
      status: 'paid',
      expand: ['data.payment.payment_intent.latest_charge'],
    });
    const payment = listed.data[0];
    const charge = await ctx.stripe.charges.retrieve(String(payment?.payment.charge));
    const byIntent = await ctx.stripe.invoicePayments.list({ payment: { type: 'payment_intent' }, status: 'paid' });
    const refund = await ctx.stripe.refunds.create({ charge: charge.id, amount: 1_000 });
    const note = await ctx.stripe.creditNotes.create({ invoice: invoiceId, refund_amount: 500 });
    const noteRefund = await ctx.stripe.refunds.retrieve(String(note.refunds[0]?.refund));
    const types = (await ctx.stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();

    // Assess
    expect(listed.data).toHaveLength(1);
    expect(payment).toMatchObject({ invoice: invoiceId, amount_paid: 4_000, status: 'paid' });
    expect(payment?.payment).toEqual({ type: 'charge', charge: charge.id });
    expect(charge).toMatchObject({ status: 'succeeded', amount: 4_000, payment_intent: null });
    expect(charge.balance_transaction).toEqual(expect.stringMatching(/^txn_/));
    expect(byIntent.data).toEqual([]);
    expect(refund).toMatchObject({ charge: charge.id, amount: 1_000, payment_intent: null });
    expect(noteRefund).toMatchObject({ charge: charge.id, amount: 500 });
    expect(types.filter((type) => type.startsWith('payment_intent.'))).toEqual([]);
    expect(types).toContain('charge.succeeded');
  });

  it('lets a test make the invoice a subscription invoice (parent.subscription_details)', async () => {
    // Prepare
    const { invoice } = await payInvoice(ctx.stripe, 100);

    // Act
    ctx.emulator.setSubscriptionDetails(invoice.id, { subscription: 'sub_123', metadata: { plan: 'school' } });
    const retrieved = await ctx.stripe.invoices.retrieve(invoice.id);

    // Assess
    expect(retrieved.parent).toEqual({
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { subscription: 'sub_123', metadata: { plan: 'school' } },
    });
  });
});

describe('pending funds and the clock', () => {
  it('keeps pm_card_visa funds pending until available_on; pm_card_bypassPending makes them available at once', async () => {
    // Prepare
    const { charge } = await payInvoice(ctx.stripe, 10_000, 'pm_card_visa');
    await payInvoice(ctx.stripe, 3_000, 'pm_card_bypassPending');
    const transaction = await ctx.stripe.balanceTransactions.retrieve(String(charge.balance_transaction));
    const before = await ctx.stripe.balance.retrieve();

    // Act
    ctx.emulator.advanceClock(transaction.available_on - ctx.emulator.now());
    const after = await ctx.stripe.balance.retrieve();
    const released = await ctx.stripe.balanceTransactions.retrieve(transaction.id);

    // Assess
    expect(transaction.available_on).toBeGreaterThanOrEqual(charge.created + 2 * DAY);
    expect(amountIn(before.available)).toBe(3_000);
    expect(amountIn(before.pending)).toBe(10_000);
    expect(amountIn(after.available)).toBe(13_000);
    expect(amountIn(after.pending)).toBe(0);
    expect(released.status).toBe('available');
  });

  it('refuses a transfer of pending funds without source_transaction (balance_insufficient)', async () => {
    // Prepare
    const account = await connectedAccount();
    await payInvoice(ctx.stripe, 10_000, 'pm_card_visa');

    // Act
    const error = await caught(
      ctx.stripe.transfers.create({ amount: 1_000, currency: 'usd', destination: account.id }),
    );

    // Assess
    expect(error).toMatchObject({ statusCode: 400, code: 'balance_insufficient' });
    expect(ctx.emulator.transfers()).toHaveLength(0);
  });
});

describe('source_transaction', () => {
  it('funds a transfer from a pending charge and credits the destination, pending alike', async () => {
    // Prepare
    const account = await connectedAccount();
    const { charge } = await payInvoice(ctx.stripe, 10_000);

    // Act
    const transfer = await ctx.stripe.transfers.create({
      amount: 2_500,
      currency: 'usd',
      destination: account.id,
      source_transaction: charge.id,
    });
    const platform = await ctx.stripe.balance.retrieve();
    const district = await ctx.stripe.balance.retrieve({}, { stripeAccount: account.id });
    ctx.emulator.advanceClock(3 * DAY);
    const districtLater = await ctx.stripe.balance.retrieve({}, { stripeAccount: account.id });
    const platformLater = await ctx.stripe.balance.retrieve();

    // Assess
    expect(transfer).toMatchObject({ source_transaction: charge.id, amount: 2_500 });
    expect(amountIn(platform.pending)).toBe(7_500);
    expect(amountIn(district.pending)).toBe(2_500);
    expect(amountIn(districtLater.available)).toBe(2_500);
    expect(amountIn(platformLater.available)).toBe(7_500);
  });

  it('refuses more than what remains of the charge, another currency and an unknown charge', async () => {
    // Prepare
    const account = await connectedAccount();
    const { charge } = await payInvoice(ctx.stripe, 10_000);
    const params = { currency: 'usd', destination: account.id, source_transaction: charge.id };
    await ctx.stripe.transfers.create({ ...params, amount: 6_000 });

    // Act
    const tooMuch = await caught(ctx.stripe.transfers.create({ ...params, amount: 4_001 }));
    const exact = await ctx.stripe.transfers.create({ ...params, amount: 4_000 });
    const otherCurrency = await caught(ctx.stripe.transfers.create({ ...params, amount: 1, currency: 'eur' }));
    const unknown = await caught(ctx.stripe.transfers.create({ ...params, amount: 1, source_transaction: 'ch_nope' }));

    // Assess
    expect(tooMuch).toMatchObject({ statusCode: 400, rawType: 'invalid_request_error', param: 'amount' });
    expect(exact.amount).toBe(4_000);
    expect(otherCurrency).toMatchObject({ statusCode: 400, param: 'currency' });
    expect(unknown).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'source_transaction' });
    expect(ctx.emulator.transfers()).toHaveLength(2);
  });
});

describe('reversals', () => {
  it('reverses from the destination balance, and refuses when the destination cannot cover it', async () => {
    // Prepare
    const account = await connectedAccount();
    ctx.emulator.setBalance(10_000);
    const transfer = await ctx.stripe.transfers.create({ amount: 4_000, currency: 'usd', destination: account.id });
    await ctx.stripe.transfers.createReversal(transfer.id, { amount: 1_000 });
    ctx.emulator.setAccountBalance(account.id, 500); // the district paid most of it out

    // Act
    const refused = await caught(ctx.stripe.transfers.createReversal(transfer.id, { amount: 1_000 }));
    const retrieved = await ctx.stripe.transfers.retrieve(transfer.id);

    // Assess
    expect(refused).toMatchObject({ statusCode: 400, code: 'balance_insufficient', rawType: 'invalid_request_error' });
    expect(retrieved).toMatchObject({ amount_reversed: 1_000, reversed: false });
    expect(amountIn((await ctx.stripe.balance.retrieve()).available)).toBe(7_000);
    expect(amountIn(ctx.emulator.accountBalance(account.id).available)).toBe(500);
  });
});

describe('control endpoints', () => {
  it('advances the clock and sets a connected account balance over HTTP', async () => {
    // Prepare
    const post = (path: string, body: unknown) =>
      fetch(`${ctx.emulator.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    const before = ctx.emulator.now();

    // Act
    const clock = (await post('/_emulator/clock', { advance: DAY })) as { now: number };
    const balance = (await post('/_emulator/account-balance', { account: 'acct_x', available: 42 })) as Stripe.Balance;

    // Assess
    expect(clock.now).toBeGreaterThanOrEqual(before + DAY);
    expect(amountIn(balance.available)).toBe(42);
  });
});
