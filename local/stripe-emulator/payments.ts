/**
 * Card payments: a payment intent confirmed with one of Stripe's test payment methods makes a charge and, when it
 * succeeds, a balance transaction on the platform (pending or available as the test card says). A legacy charge
 * (the Charges API, no payment intent) is made the same way, with `payment_intent: null` and no intent events.
 */
import type Stripe from 'stripe';
import type { Core } from './core.js';
import { cardDeclined, resourceMissing, type StripeApiError } from './errors.js';
import { PLATFORM } from './money.js';
import { newId } from './objects.js';
import type { RequestContext } from './store.js';
import { TEST_CARDS, type TestCard } from './test-cards.js';

export interface PaymentParams {
  amount: number;
  currency: string;
  customer: string | null;
  /** A test payment method id, e.g. pm_card_visa. */
  paymentMethod: string;
  description?: string | null;
  metadata?: Record<string, string>;
}

export interface PaymentResult {
  intent: Stripe.PaymentIntent;
  charge: Stripe.Charge;
  /** Set when the card was declined: the error to answer (the failed charge and intent are stored). */
  declined?: StripeApiError;
}

export function testCard(paymentMethod: string, param = 'payment_method'): TestCard {
  const card = TEST_CARDS[paymentMethod];
  if (!card) throw resourceMissing('PaymentMethod', paymentMethod, param, 400);
  return card;
}

function cardDetails(card: TestCard): Stripe.Charge.PaymentMethodDetails {
  return {
    type: 'card',
    card: {
      amount_authorized: null,
      authorization_code: null,
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: null },
      country: card.country,
      electronic_commerce_indicator: null,
      exp_month: 12,
      exp_year: 2034,
      funding: 'credit',
      installments: null,
      last4: card.last4,
      mandate: null,
      network: card.brand,
      network_transaction_id: null,
      regulated_status: 'unregulated',
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
  };
}

export class Payments {
  readonly charges = new Map<string, Stripe.Charge>();
  readonly intents = new Map<string, Stripe.PaymentIntent>();

  constructor(private readonly core: Core) {}

  reset(): void {
    this.charges.clear();
    this.intents.clear();
  }

  getCharge(id: string, param = 'id', status = 404): Stripe.Charge {
    const charge = this.charges.get(id);
    if (!charge) throw resourceMissing('charge', id, param, status);
    return charge;
  }

  getIntent(id: string, param = 'id', status = 404): Stripe.PaymentIntent {
    const intent = this.intents.get(id);
    if (!intent) throw resourceMissing('payment_intent', id, param, status);
    return intent;
  }

  /** Confirms a payment intent with a test card; a declined card gives a failed charge and `declined`. */
  pay(params: PaymentParams, ctx: RequestContext): PaymentResult {
    const card = testCard(params.paymentMethod);
    const now = this.core.clock.now();
    const paymentMethod = newId('pm');
    const intent = this.buildIntent(params, paymentMethod, now);
    const charge = this.buildCharge(params, card, intent.id, paymentMethod, now);
    intent.latest_charge = charge.id;
    this.intents.set(intent.id, intent);
    this.charges.set(charge.id, charge);
    this.core.emit(
      'payment_intent.created',
      { ...intent, status: 'requires_payment_method', latest_charge: null },
      ctx,
    );
    if (card.declined) {
      intent.last_payment_error = {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
        charge: charge.id,
        doc_url: 'https://stripe.com/docs/error-codes/card-declined',
      };
      this.core.emit('charge.failed', charge, ctx);
      this.core.emit('payment_intent.payment_failed', intent, ctx);
      return { intent, charge, declined: cardDeclined(charge.id, { id: intent.id, object: 'payment_intent' }) };
    }
    this.settle(charge, params, card, now, ctx);
    this.core.emit('payment_intent.succeeded', intent, ctx);
    if (card.disputed) this.core.disputes.open(charge, ctx);
    return { intent, charge };
  }

  /** A legacy charge (POST /v1/charges with a test card): no payment intent, `payment_intent: null`. */
  chargeWithoutIntent(params: PaymentParams, ctx: RequestContext): Omit<PaymentResult, 'intent'> {
    const card = testCard(params.paymentMethod);
    const now = this.core.clock.now();
    const charge = this.buildCharge(params, card, null, newId('pm'), now);
    this.charges.set(charge.id, charge);
    if (card.declined) {
      this.core.emit('charge.failed', charge, ctx);
      return { charge, declined: cardDeclined(charge.id) };
    }
    this.settle(charge, params, card, now, ctx);
    if (card.disputed) this.core.disputes.open(charge, ctx);
    return { charge };
  }

  /** A succeeded charge's balance transaction and its charge.succeeded. */
  private settle(charge: Stripe.Charge, params: PaymentParams, card: TestCard, now: number, ctx: RequestContext) {
    const transaction = this.core.ledger.record(PLATFORM, {
      amount: params.amount,
      currency: params.currency,
      type: 'charge',
      reportingCategory: 'charge',
      source: charge.id,
      description: params.description ?? null,
      availableOn: now + card.pendingFor,
    });
    charge.balance_transaction = transaction.id;
    this.core.emit('charge.succeeded', charge, ctx);
  }

  private buildIntent(params: PaymentParams, paymentMethod: string, now: number): Stripe.PaymentIntent {
    const id = newId('pi');
    const succeeded = !TEST_CARDS[params.paymentMethod]?.declined;
    return {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: null,
      amount: params.amount,
      amount_capturable: 0,
      amount_received: succeeded ? params.amount : 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic',
      client_secret: `${id}_secret_${newId('s').slice(2)}`,
      confirmation_method: 'automatic',
      created: now,
      currency: params.currency,
      customer: params.customer,
      customer_account: null,
      description: params.description ?? null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata: params.metadata ?? {},
      next_action: null,
      on_behalf_of: null,
      payment_method: succeeded ? paymentMethod : null,
      payment_method_configuration_details: null,
      payment_method_options: null,
      payment_method_types: ['card'],
      payment_record: null,
      processing: null,
      receipt_email: null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: succeeded ? 'succeeded' : 'requires_payment_method',
      transfer_group: null,
    };
  }

  private buildCharge(
    params: PaymentParams,
    card: TestCard,
    intent: string | null,
    paymentMethod: string,
    now: number,
  ): Stripe.Charge {
    const id = newId('ch');
    const succeeded = !card.declined;
    return {
      id,
      object: 'charge',
      amount: params.amount,
      amount_captured: succeeded ? params.amount : 0,
      amount_refunded: 0,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: null,
      billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
      calculated_statement_descriptor: 'EMULATOR',
      captured: succeeded,
      created: now,
      currency: params.currency,
      customer: params.customer,
      description: params.description ?? null,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: succeeded ? null : 'card_declined',
      failure_message: succeeded ? null : 'Your card was declined.',
      fraud_details: {},
      livemode: false,
      metadata: params.metadata ?? {},
      on_behalf_of: null,
      outcome: succeeded
        ? {
            advice_code: null,
            network_advice_code: null,
            network_decline_code: null,
            network_status: 'approved_by_network',
            reason: null,
            risk_level: 'normal',
            seller_message: 'Payment complete.',
            type: 'authorized',
          }
        : {
            advice_code: 'try_again_later',
            network_advice_code: null,
            network_decline_code: null,
            network_status: 'declined_by_network',
            reason: 'generic_decline',
            risk_level: 'normal',
            seller_message: 'The bank did not return any further details with this decline.',
            type: 'issuer_declined',
          },
      paid: succeeded,
      payment_intent: intent,
      payment_method: paymentMethod,
      payment_method_details: cardDetails(card),
      receipt_email: null,
      receipt_number: null,
      receipt_url: succeeded ? `https://pay.stripe.com/receipts/payment/${id}` : null,
      refunded: false,
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: succeeded ? 'succeeded' : 'failed',
      transfer_data: null,
      transfer_group: null,
    };
  }
}
