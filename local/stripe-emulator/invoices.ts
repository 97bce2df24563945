/**
 * Invoice items, invoices and invoice payments (API 2025-03-31.basil and later: an invoice has no charge or payment
 * intent of its own; each payment is an invoice payment pointing at its payment intent, or at its charge for a legacy
 * charge made without one). A draft is finalized to open (a $0 invoice is then paid at once, with no charge), and
 * paid with a test card or out of band.
 */
import type Stripe from 'stripe';
import { type Core, previousOf } from './core.js';
import { invalidState, resourceMissing } from './errors.js';
import { newId, type StripeObject } from './objects.js';
import { testCard } from './payments.js';
import type { RequestContext } from './store.js';

/** A decimal on the wire is a string (`"1"`); the SDK's Decimal type is what it parses it into. */
const wireDecimal = (value: string): Stripe.Decimal => value as unknown as Stripe.Decimal;

export interface InvoiceItemParams {
  customer: string;
  amount: number;
  currency: string;
  description?: string;
  metadata?: Record<string, string>;
}

export interface InvoiceParams {
  customer: string;
  currency?: string;
  description?: string;
  metadata?: Record<string, string>;
  pending_invoice_items_behavior?: 'include' | 'exclude';
  collection_method?: 'charge_automatically' | 'send_invoice';
  days_until_due?: number;
  auto_advance?: boolean;
  default_payment_method?: string;
}

/** A card payment of an invoice built by `buildInvoice` (a test payment method and, optionally, its amount). */
export interface InvoicePaymentSpec {
  paymentMethod: string;
  amount?: number;
  /**
   * A legacy charge made without a payment intent (the Charges API): its invoice payment names the charge
   * (`payment: { type: 'charge', charge }`) and the charge's `payment_intent` is null.
   */
  withoutPaymentIntent?: boolean;
}

export interface PayParams {
  payment_method?: string;
  paid_out_of_band?: boolean;
}

export class Invoicing {
  readonly items = new Map<string, Stripe.InvoiceItem>();
  readonly invoices = new Map<string, Stripe.Invoice>();
  readonly payments = new Map<string, Stripe.InvoicePayment>();

  constructor(private readonly core: Core) {}

  reset(): void {
    this.items.clear();
    this.invoices.clear();
    this.payments.clear();
  }

  get(id: string, param = 'id', status = 404): Stripe.Invoice {
    const invoice = this.invoices.get(id);
    if (!invoice) throw resourceMissing('invoice', id, param, status);
    return invoice;
  }

  getPayment(id: string): Stripe.InvoicePayment {
    const payment = this.payments.get(id);
    if (!payment) throw resourceMissing('invoice_payment', id);
    return payment;
  }

  /**
   * Stores an invoice built elsewhere (the fixture-based `buildInvoice` of the test harness). `payments` are the
   * card payments that paid it, each a real charge and invoice payment (the first `amount` defaults to what the
   * others leave of `amount_paid`); whatever they leave unpaid was paid outside Stripe. None: no charge at all.
   */
  add(invoice: StripeObject, payments: readonly InvoicePaymentSpec[] = []): StripeObject {
    const stored = invoice as unknown as Stripe.Invoice;
    this.invoices.set(invoice.id, stored);
    if (payments.length > 0) this.payWithCharges(stored, payments);
    return invoice;
  }

  private payWithCharges(invoice: Stripe.Invoice, specs: readonly InvoicePaymentSpec[]): void {
    const explicit = specs.reduce((sum, spec) => sum + (spec.amount ?? 0), 0);
    const ctx: RequestContext = { requestId: null, idempotencyKey: null };
    specs.forEach((spec, index) => {
      const amount = spec.amount ?? (index === 0 ? invoice.amount_paid - explicit : 0);
      if (!Number.isSafeInteger(amount) || amount < 1) {
        throw new Error(`invoice payment ${index} of ${invoice.id} needs a positive integer amount, got ${amount}`);
      }
      const params = {
        amount,
        currency: invoice.currency,
        customer: typeof invoice.customer === 'string' ? invoice.customer : null,
        paymentMethod: spec.paymentMethod,
        description: `Payment for Invoice ${invoice.number ?? invoice.id}`,
      };
      if (spec.withoutPaymentIntent) {
        const { charge, declined } = this.core.payments.chargeWithoutIntent(params, ctx);
        if (declined) throw declined;
        this.recordPayment(invoice, { type: 'charge', charge: charge.id }, charge.amount, charge.currency);
        return;
      }
      const { intent, charge, declined } = this.core.payments.pay(params, ctx);
      if (declined) throw declined;
      this.recordPayment(
        invoice,
        { type: 'payment_intent', payment_intent: intent.id },
        charge.amount,
        charge.currency,
      );
    });
  }

  private recordPayment(
    invoice: Stripe.Invoice,
    paidWith: Stripe.InvoicePayment.Payment,
    amount: number,
    currency: string,
  ) {
    const now = this.core.clock.now();
    const payment: Stripe.InvoicePayment = {
      id: newId('inpay'),
      object: 'invoice_payment',
      amount_paid: amount,
      amount_requested: amount,
      created: now,
      currency,
      invoice: invoice.id,
      is_default: this.paymentsOf(invoice.id).length === 0,
      livemode: false,
      payment: paidWith,
      status: 'paid',
      status_transitions: { canceled_at: null, paid_at: now },
    };
    this.payments.set(payment.id, payment);
    return payment;
  }

  /** The invoice payments of an invoice, oldest first. */
  paymentsOf(invoice: string): Stripe.InvoicePayment[] {
    return [...this.payments.values()].filter((p) => p.invoice === invoice);
  }

  createItem(params: InvoiceItemParams, ctx: RequestContext): Stripe.InvoiceItem {
    this.core.customers.get(params.customer, 'customer', 400);
    const now = this.core.clock.now();
    const item: Stripe.InvoiceItem = {
      id: newId('ii'),
      object: 'invoiceitem',
      amount: params.amount,
      currency: params.currency,
      customer: params.customer,
      customer_account: null,
      date: now,
      description: params.description ?? null,
      discountable: true,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata: params.metadata ?? {},
      net_amount: params.amount,
      parent: null,
      period: { start: now, end: now },
      pricing: { type: 'price_details', unit_amount_decimal: wireDecimal(String(params.amount)) },
      proration: false,
      quantity: 1,
      quantity_decimal: wireDecimal('1'),
      tax_rates: [],
      test_clock: null,
    };
    this.items.set(item.id, item);
    this.core.emit('invoiceitem.created', item, ctx);
    return item;
  }

  create(params: InvoiceParams, ctx: RequestContext): Stripe.Invoice {
    const customer = this.core.customers.get(params.customer, 'customer', 400);
    const now = this.core.clock.now();
    const id = newId('in');
    const currency = params.currency ?? customer.currency ?? 'usd';
    const pending =
      params.pending_invoice_items_behavior === 'include'
        ? [...this.items.values()].filter(
            (i) => i.customer === customer.id && i.invoice === null && i.currency === currency,
          )
        : [];
    const lines = pending.map((item) => this.lineFor(item, id));
    const total = lines.reduce((sum, line) => sum + line.amount, 0);
    const collection = params.collection_method ?? 'charge_automatically';
    if (collection === 'send_invoice' && params.days_until_due === undefined) {
      throw invalidState(
        'Invoices with `collection_method=send_invoice` must have a `due_date` or `days_until_due`.',
        'days_until_due',
        'parameter_missing',
      );
    }
    const invoice: Stripe.Invoice = {
      id,
      object: 'invoice',
      account_country: 'US',
      account_name: 'Stripe emulator',
      account_tax_ids: null,
      amount_due: total,
      amount_overpaid: 0,
      amount_paid: 0,
      amount_remaining: total,
      amount_shipping: 0,
      application: null,
      attempt_count: 0,
      attempted: false,
      auto_advance: params.auto_advance ?? false,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
      automatically_finalizes_at: null,
      billing_reason: 'manual',
      collection_method: collection,
      created: now,
      currency,
      custom_fields: null,
      customer: customer.id,
      customer_account: null,
      customer_address: null,
      customer_email: customer.email,
      customer_name: customer.name ?? null,
      customer_phone: customer.phone ?? null,
      customer_shipping: null,
      customer_tax_exempt: 'none',
      customer_tax_ids: [],
      default_payment_method: params.default_payment_method ?? null,
      default_source: null,
      default_tax_rates: [],
      description: params.description ?? null,
      discounts: [],
      due_date: collection === 'send_invoice' ? now + (params.days_until_due ?? 0) * 86_400 : null,
      effective_at: null,
      ending_balance: null,
      footer: null,
      from_invoice: null,
      hosted_invoice_url: null,
      invoice_pdf: null,
      issuer: { type: 'self' },
      last_finalization_error: null,
      latest_revision: null,
      lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
      livemode: false,
      metadata: params.metadata ?? {},
      next_payment_attempt: null,
      number: null,
      on_behalf_of: null,
      parent: null,
      payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
      period_end: now,
      period_start: now,
      post_payment_credit_notes_amount: 0,
      pre_payment_credit_notes_amount: 0,
      receipt_number: null,
      rendering: null,
      shipping_cost: null,
      shipping_details: null,
      starting_balance: 0,
      statement_descriptor: null,
      status: 'draft',
      status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
      subtotal: total,
      subtotal_excluding_tax: total,
      test_clock: null,
      total,
      total_discount_amounts: [],
      total_excluding_tax: total,
      total_pretax_credit_amounts: [],
      total_taxes: [],
      webhooks_delivered_at: null,
    };
    for (const item of pending) item.invoice = id;
    this.invoices.set(id, invoice);
    this.core.emit('invoice.created', invoice, ctx);
    return invoice;
  }

  /** Test hook: the invoice as a subscription invoice has it (`parent.subscription_details`). */
  setSubscriptionDetails(
    id: string,
    details: { subscription: string; metadata?: Record<string, string> },
  ): Stripe.Invoice {
    const invoice = this.get(id);
    invoice.parent = {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: details.metadata ?? {}, subscription: details.subscription },
    };
    invoice.billing_reason = 'subscription_cycle';
    for (const line of invoice.lines.data) line.subscription = details.subscription;
    return invoice;
  }

  finalize(id: string, ctx: RequestContext): Stripe.Invoice {
    const invoice = this.get(id);
    if (invoice.status !== 'draft') {
      throw invalidState(
        `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
        undefined,
        'invoice_not_editable',
      );
    }
    const now = this.core.clock.now();
    const previous = previousOf(invoice, ['status', 'number', 'status_transitions', 'effective_at']);
    invoice.status = 'open';
    invoice.number = `${id.slice(3, 11).toUpperCase()}-0001`;
    invoice.effective_at = now;
    invoice.status_transitions.finalized_at = now;
    invoice.hosted_invoice_url = `https://invoice.stripe.com/i/${id}`;
    invoice.invoice_pdf = `https://pay.stripe.com/invoice/${id}/pdf`;
    invoice.ending_balance = 0;
    this.core.emit('invoice.finalized', invoice, ctx, previous);
    if (invoice.amount_due === 0) this.markPaid(invoice, ctx); // $0: paid with no charge
    return invoice;
  }

  pay(id: string, params: PayParams, ctx: RequestContext): Stripe.Invoice {
    const invoice = this.get(id);
    if (invoice.status === 'paid') throw invalidState('Invoice is already paid', undefined, 'invoice_already_paid');
    if (invoice.status !== 'draft' && invoice.status !== 'open') {
      throw invalidState(`You can only pay an open invoice; this invoice is ${invoice.status}.`);
    }
    const customer = this.core.customers.customers.get(String(invoice.customer));
    const method =
      params.payment_method ??
      (typeof invoice.default_payment_method === 'string' ? invoice.default_payment_method : undefined) ??
      (typeof customer?.invoice_settings.default_payment_method === 'string'
        ? customer.invoice_settings.default_payment_method
        : undefined);
    if (!params.paid_out_of_band && invoice.amount_remaining > 0 && method === undefined) {
      throw invalidState(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
        'payment_method',
      );
    }
    if (method !== undefined && !params.paid_out_of_band) testCard(method); // an unknown method changes nothing
    if (invoice.status === 'draft') this.finalize(id, ctx);
    if (invoice.status === 'paid') return invoice;
    if (params.paid_out_of_band) {
      this.markPaid(invoice, ctx, { outOfBand: true });
      return invoice;
    }
    const { intent, charge, declined } = this.core.payments.pay(
      {
        amount: invoice.amount_remaining,
        currency: invoice.currency,
        customer: typeof invoice.customer === 'string' ? invoice.customer : null,
        paymentMethod: method as string,
        description: `Payment for Invoice ${invoice.number ?? invoice.id}`,
      },
      ctx,
    );
    const previous = previousOf(invoice, ['attempt_count', 'attempted']);
    invoice.attempt_count += 1;
    invoice.attempted = true;
    if (declined) {
      this.core.emit('invoice.payment_failed', invoice, ctx, previous);
      throw declined;
    }
    const payment = this.recordPayment(
      invoice,
      { type: 'payment_intent', payment_intent: intent.id },
      charge.amount,
      charge.currency,
    );
    this.core.emit('invoice_payment.paid', payment, ctx);
    this.markPaid(invoice, ctx, { amount: charge.amount });
    return invoice;
  }

  private markPaid(
    invoice: Stripe.Invoice,
    ctx: RequestContext,
    how: { amount?: number; outOfBand?: boolean } = {},
  ): void {
    const previous = previousOf(invoice, ['status', 'amount_paid', 'amount_remaining', 'status_transitions']);
    const amount = how.amount ?? invoice.amount_remaining;
    invoice.status = 'paid';
    invoice.amount_paid += amount;
    if (how.outOfBand) invoice.amount_paid_off_stripe = (invoice.amount_paid_off_stripe ?? 0) + amount;
    invoice.amount_remaining = Math.max(0, invoice.amount_due - invoice.amount_paid);
    invoice.status_transitions.paid_at = this.core.clock.now();
    this.core.emit('invoice.paid', invoice, ctx, previous);
    this.core.emit('invoice.payment_succeeded', invoice, ctx, previous);
  }

  private lineFor(item: Stripe.InvoiceItem, invoice: string): Stripe.InvoiceLineItem {
    return {
      id: newId('il'),
      object: 'line_item',
      amount: item.amount,
      currency: item.currency,
      description: item.description,
      discount_amounts: [],
      discountable: item.discountable,
      discounts: [],
      invoice,
      livemode: false,
      metadata: item.metadata ?? {},
      parent: {
        type: 'invoice_item_details',
        invoice_item_details: {
          invoice_item: item.id,
          proration: false,
          proration_details: { credited_items: null },
          subscription: null,
        },
        subscription_item_details: null,
      },
      period: item.period,
      pretax_credit_amounts: [],
      pricing: item.pricing,
      quantity: 1,
      quantity_decimal: wireDecimal('1'),
      subscription: null,
      subtotal: item.amount,
      taxes: [],
    };
  }
}
