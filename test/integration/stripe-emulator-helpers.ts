/** Shared setup of the Stripe emulator rule tests: an emulator, the official SDK on it, and paid invoices. */
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';

export interface EmulatorContext {
  emulator: StripeEmulator;
  stripe: Stripe;
}

/** Starts one emulator for the file, resets it before each test, with the platform balance at 0. */
export function useEmulator(): EmulatorContext {
  const context = {} as EmulatorContext;
  beforeAll(async () => {
    context.emulator = await startStripeEmulator({ port: 0 });
    context.stripe = createStripeClient(context.emulator.apiKey, {
      baseUrl: context.emulator.url,
      maxNetworkRetries: 0,
    });
  });
  afterAll(async () => {
    await context.emulator?.stop();
  });
  beforeEach(() => {
    context.emulator.reset();
    context.emulator.setBalance(0);
  });
  return context;
}

/** What the SDK threw. */
export async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export interface PaidInvoice {
  customer: Stripe.Customer;
  invoice: Stripe.Invoice;
  payment: Stripe.InvoicePayment;
  intent: Stripe.PaymentIntent;
  charge: Stripe.Charge;
}

/** An invoice of `amount` for a new customer, paid with `paymentMethod`; its invoice payment, intent and charge. */
export async function payInvoice(
  stripe: Stripe,
  amount: number,
  paymentMethod = 'pm_card_visa',
  currency = 'usd',
): Promise<PaidInvoice> {
  const customer = await stripe.customers.create({ email: 'parent@example.org', name: 'A parent' });
  await stripe.invoiceItems.create({ customer: customer.id, amount, currency });
  const draft = await stripe.invoices.create({
    customer: customer.id,
    currency,
    pending_invoice_items_behavior: 'include',
    collection_method: 'charge_automatically',
    metadata: { districtId: 'd-1' },
  });
  await stripe.invoices.finalizeInvoice(draft.id);
  const invoice = await stripe.invoices.pay(draft.id, { payment_method: paymentMethod });
  const [payment] = (await stripe.invoicePayments.list({ invoice: invoice.id })).data;
  if (!payment?.payment.payment_intent) throw new Error('the invoice has no payment');
  const intent = await stripe.paymentIntents.retrieve(String(payment.payment.payment_intent));
  const charge = await stripe.charges.retrieve(String(intent.latest_charge));
  return { customer, invoice, payment, intent, charge };
}

export const amountIn = (entries: Array<{ amount: number; currency: string }>, currency = 'usd'): number =>
  entries.find((e) => e.currency === currency)?.amount ?? 0;
