/**
 * An invoice paid by card at the Stripe emulator, through the official SDK as a customer's payment would be: a
 * customer for the district, an invoice item, the invoice (naming the district in `metadata.districtId`, the first
 * place the stack looks), finalized and paid with a test payment method. The emulator then emits `invoice.paid`
 * (and the charge's events) and delivers them to the endpoints subscribed.
 */
import type Stripe from 'stripe';

export interface PayInvoiceRequest {
  districtId: string;
  /** Cents. */
  amount: number;
  currency?: string;
  /** A test payment method: pm_card_visa (funds pending), pm_card_bypassPending, pm_card_createDispute, ... */
  paymentMethod?: string;
}

export interface PaidInvoice {
  customer: Stripe.Customer;
  invoice: Stripe.Invoice;
  /** The card charge that paid it (its payment intent's latest charge). */
  chargeId: string;
}

export async function payInvoice(stripe: Stripe, request: PayInvoiceRequest): Promise<PaidInvoice> {
  const currency = request.currency ?? 'usd';
  const metadata = { districtId: request.districtId };
  const customer = await stripe.customers.create({
    name: `Parents of ${request.districtId}`,
    email: `billing@${request.districtId}.example.org`,
    metadata,
  });
  await stripe.invoiceItems.create({
    customer: customer.id,
    amount: request.amount,
    currency,
    description: 'School platform subscription',
  });
  const draft = await stripe.invoices.create({
    customer: customer.id,
    currency,
    collection_method: 'charge_automatically',
    pending_invoice_items_behavior: 'include',
    metadata,
  });
  const finalized = await stripe.invoices.finalizeInvoice(draft.id);
  const invoice = await stripe.invoices.pay(finalized.id, { payment_method: request.paymentMethod ?? 'pm_card_visa' });
  const [payment] = (await stripe.invoicePayments.list({ invoice: invoice.id })).data;
  const intentId = payment?.payment.payment_intent;
  if (!intentId) throw new Error(`invoice ${invoice.id} was paid without a card payment`);
  const intent = await stripe.paymentIntents.retrieve(typeof intentId === 'string' ? intentId : intentId.id);
  const chargeId = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id;
  if (!chargeId) throw new Error(`payment intent ${intent.id} has no charge`);
  return { customer, invoice, chargeId };
}
