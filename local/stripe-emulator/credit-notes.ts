/**
 * Credit notes on paid invoices (post-payment). The amount is `amount`, or the sum of `lines`, or the sum of
 * `refund_amount` + `credit_amount` + `out_of_band_amount`; what is not refunded or out of band is credited to the
 * customer's balance. `refund_amount` refunds the invoice's card payment (a Refund, with its own events).
 */
import type Stripe from 'stripe';
import type { Core } from './core.js';
import { invalidState, parameterInvalid, resourceMissing } from './errors.js';
import { newId } from './objects.js';
import type { RequestContext } from './store.js';

export interface CreditNoteLine {
  type: 'invoice_line_item' | 'custom_line_item';
  invoice_line_item?: string;
  amount?: number;
  quantity?: number;
  unit_amount?: number;
  description?: string;
}

export interface CreditNoteParams {
  invoice: string;
  amount?: number;
  lines?: CreditNoteLine[];
  refund_amount?: number;
  credit_amount?: number;
  out_of_band_amount?: number;
  reason?: Stripe.CreditNote.Reason;
  memo?: string;
  metadata?: Record<string, string>;
}

export class CreditNotes {
  readonly creditNotes = new Map<string, Stripe.CreditNote>();

  constructor(private readonly core: Core) {}

  reset(): void {
    this.creditNotes.clear();
  }

  get(id: string): Stripe.CreditNote {
    const note = this.creditNotes.get(id);
    if (!note) throw resourceMissing('credit_note', id);
    return note;
  }

  create(params: CreditNoteParams, ctx: RequestContext): Stripe.CreditNote {
    const invoice = this.core.invoicing.get(params.invoice, 'invoice', 400);
    if (invoice.status !== 'paid') {
      throw invalidState(
        `The emulator issues credit notes on paid invoices only; invoice ${invoice.id} is ${invoice.status}.`,
        'invoice',
      );
    }
    const id = newId('cn');
    const lines = (params.lines ?? []).map((line, i) => this.line(invoice, line, i));
    const linesTotal = lines.reduce((sum, line) => sum + line.amount, 0);
    const parts = (params.refund_amount ?? 0) + (params.credit_amount ?? 0) + (params.out_of_band_amount ?? 0);
    const amount = params.amount ?? (lines.length > 0 ? linesTotal : parts);
    if (amount < 1) throw parameterInvalid('amount', 'The credit note amount must be greater than 0.', null);
    const creditable = invoice.amount_paid - invoice.post_payment_credit_notes_amount;
    if (amount > creditable) {
      throw invalidState(
        `The credit note amount (${amount}) is greater than the amount that can be credited on invoice ${invoice.id} (${creditable}).`,
        'amount',
      );
    }
    const given =
      params.refund_amount !== undefined ||
      params.credit_amount !== undefined ||
      params.out_of_band_amount !== undefined;
    if (given && parts !== amount) {
      throw invalidState(
        `The sum of refund_amount, credit_amount and out_of_band_amount (${parts}) must equal the credit note amount (${amount}).`,
        'refund_amount',
      );
    }
    const refundAmount = params.refund_amount ?? 0;
    const creditAmount = given ? (params.credit_amount ?? 0) : amount;
    const refunds: Stripe.CreditNote.Refund[] = [];
    if (refundAmount > 0) {
      const refund = this.core.refunds.create({ charge: this.chargeOf(invoice), amount: refundAmount }, ctx);
      refunds.push({ amount_refunded: refundAmount, payment_record_refund: null, refund: refund.id, type: 'refund' });
    }
    let customerBalanceTransaction: string | null = null;
    if (creditAmount > 0) {
      const customer = this.core.customers.customers.get(String(invoice.customer));
      if (customer) customer.balance -= creditAmount;
      customerBalanceTransaction = newId('cbtxn');
    }
    const now = this.core.clock.now();
    const note: Stripe.CreditNote = {
      id,
      object: 'credit_note',
      amount,
      amount_shipping: 0,
      created: now,
      currency: invoice.currency,
      customer: String(invoice.customer),
      customer_account: null,
      customer_balance_transaction: customerBalanceTransaction,
      discount_amount: 0,
      discount_amounts: [],
      effective_at: now,
      invoice: invoice.id,
      lines: { object: 'list', data: lines, has_more: false, url: `/v1/credit_notes/${id}/lines` },
      livemode: false,
      memo: params.memo ?? null,
      metadata: params.metadata ?? {},
      number: `${invoice.number ?? invoice.id}-CN-${String(this.creditNotes.size + 1).padStart(2, '0')}`,
      out_of_band_amount: params.out_of_band_amount ?? null,
      pdf: `https://pay.stripe.com/credit_notes/${id}/pdf`,
      post_payment_amount: amount,
      pre_payment_amount: 0,
      pretax_credit_amounts: [],
      reason: params.reason ?? null,
      refunds,
      shipping_cost: null,
      status: 'issued',
      subtotal: amount,
      subtotal_excluding_tax: amount,
      total: amount,
      total_excluding_tax: amount,
      total_taxes: [],
      type: 'post_payment',
      voided_at: null,
    };
    this.creditNotes.set(id, note);
    invoice.post_payment_credit_notes_amount += amount;
    this.core.emit('credit_note.created', note, ctx);
    return note;
  }

  /** The charge of the invoice's (default) card payment, for refund_amount. */
  private chargeOf(invoice: Stripe.Invoice): string {
    for (const payment of this.core.invoicing.paymentsOf(invoice.id)) {
      if (payment.payment.type === 'charge' && typeof payment.payment.charge === 'string')
        return payment.payment.charge;
      const intentId = payment.payment.payment_intent;
      if (typeof intentId !== 'string') continue;
      const intent = this.core.payments.intents.get(intentId);
      if (typeof intent?.latest_charge === 'string') return intent.latest_charge;
    }
    throw invalidState(
      `Invoice ${invoice.id} has no card payment to refund (it was paid out of band).`,
      'refund_amount',
    );
  }

  private line(invoice: Stripe.Invoice, params: CreditNoteLine, index: number): Stripe.CreditNoteLineItem {
    const param = `lines[${index}]`;
    let amount: number;
    let description: string | null = params.description ?? null;
    if (params.type === 'invoice_line_item') {
      const line = invoice.lines.data.find((l) => l.id === params.invoice_line_item);
      if (!line)
        throw resourceMissing(
          'invoice line item',
          String(params.invoice_line_item),
          `${param}[invoice_line_item]`,
          400,
        );
      amount = params.amount ?? line.amount;
      description ??= line.description;
    } else {
      if (params.unit_amount === undefined)
        throw parameterInvalid(`${param}[unit_amount]`, 'Missing unit_amount.', 'parameter_missing');
      amount = params.unit_amount * (params.quantity ?? 1);
    }
    return {
      id: newId('cnli'),
      object: 'credit_note_line_item',
      amount,
      description,
      discount_amount: 0,
      discount_amounts: [],
      ...(params.invoice_line_item ? { invoice_line_item: params.invoice_line_item } : {}),
      livemode: false,
      metadata: {},
      pretax_credit_amounts: [],
      quantity: params.quantity ?? 1,
      tax_rates: [],
      taxes: [],
      type: params.type,
      unit_amount: params.type === 'custom_line_item' ? (params.unit_amount ?? null) : null,
      unit_amount_decimal: null,
    };
  }
}
