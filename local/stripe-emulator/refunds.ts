/**
 * Refunds of card charges, partial or full: the amount leaves the platform balance at once and the charge's
 * `amount_refunded` / `refunded` follow. A control can make a refund fail afterwards (as a card refund can, days
 * later): the money comes back and `amount_refunded` goes back down.
 */
import type Stripe from 'stripe';
import { type Core, previousOf } from './core.js';
import { chargeAlreadyRefunded, invalidState, parameterMissing, refundTooLarge, resourceMissing } from './errors.js';
import { PLATFORM } from './money.js';
import { newId } from './objects.js';
import type { RequestContext } from './store.js';

export interface RefundParams {
  charge?: string;
  payment_intent?: string;
  amount?: number;
  reason?: Stripe.Refund.Reason;
  metadata?: Record<string, string>;
}

export class Refunds {
  readonly refunds = new Map<string, Stripe.Refund>();

  constructor(private readonly core: Core) {}

  reset(): void {
    this.refunds.clear();
  }

  get(id: string): Stripe.Refund {
    const refund = this.refunds.get(id);
    if (!refund) throw resourceMissing('refund', id);
    return refund;
  }

  /** The charge a refund request names: `charge`, or the latest charge of `payment_intent`. */
  private chargeFor(params: RefundParams): Stripe.Charge {
    const { payments } = this.core;
    if (params.charge !== undefined) return payments.getCharge(params.charge, 'charge', 400);
    if (params.payment_intent === undefined) throw parameterMissing('charge');
    const intent = payments.getIntent(params.payment_intent, 'payment_intent', 400);
    if (typeof intent.latest_charge !== 'string' || intent.status !== 'succeeded') {
      throw invalidState(
        `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
        'payment_intent',
        'charge_not_refundable',
      );
    }
    return payments.getCharge(intent.latest_charge, 'payment_intent', 400);
  }

  create(params: RefundParams, ctx: RequestContext): Stripe.Refund {
    const charge = this.chargeFor(params);
    if (charge.status !== 'succeeded') {
      throw invalidState(
        `Charge ${charge.id} has not succeeded and cannot be refunded.`,
        'charge',
        'charge_not_refundable',
      );
    }
    if (charge.disputed) {
      throw invalidState(
        `Charge ${charge.id} has been charged back; cannot issue a refund.`,
        undefined,
        'charge_disputed',
      );
    }
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining <= 0) throw chargeAlreadyRefunded(charge.id);
    const amount = params.amount ?? remaining;
    if (amount > remaining) throw refundTooLarge(amount, remaining, charge.currency);
    return this.issue(charge, amount, params, ctx);
  }

  /**
   * Refunds `amount` (at most what is left unrefunded) of `charge` as Stripe does once a refund is accepted. Also
   * the refund Stripe itself makes when it resolves a dispute before it becomes a chargeback (RDR: disputes.ts),
   * which the `charge_disputed` check of a refund request does not apply to.
   */
  issue(
    charge: Stripe.Charge,
    amount: number,
    params: Pick<RefundParams, 'reason' | 'metadata'>,
    ctx: RequestContext,
  ): Stripe.Refund {
    const refund: Stripe.Refund = {
      id: newId('re'),
      object: 'refund',
      amount,
      balance_transaction: null,
      charge: charge.id,
      created: this.core.clock.now(),
      currency: charge.currency,
      customer: typeof charge.customer === 'string' ? charge.customer : null,
      customer_account: null,
      destination_details: { type: 'card', card: { type: 'refund' } },
      metadata: params.metadata ?? {},
      payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
      payment_method: charge.payment_method,
      reason: params.reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    refund.balance_transaction = this.core.ledger.record(PLATFORM, {
      amount: -amount,
      currency: charge.currency,
      type: 'refund',
      reportingCategory: 'refund',
      source: refund.id,
      description: 'REFUND FOR CHARGE',
    }).id;
    this.refunds.set(refund.id, refund);
    const previous = previousOf(charge, ['amount_refunded', 'refunded']);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.core.emit('charge.refunded', charge, ctx, previous);
    this.core.emit('refund.created', refund, ctx);
    return refund;
  }

  /** Makes a succeeded refund fail after the fact: the money returns to the balance, the charge is refunded less. */
  fail(id: string, ctx: RequestContext): Stripe.Refund {
    const refund = this.get(id);
    if (refund.status !== 'succeeded' && refund.status !== 'pending') {
      throw invalidState(`Refund ${id} cannot fail: its status is ${refund.status}.`);
    }
    const previous = previousOf(refund, ['status']);
    refund.failure_balance_transaction = this.core.ledger.record(PLATFORM, {
      amount: refund.amount,
      currency: refund.currency,
      type: 'refund_failure',
      reportingCategory: 'refund_failure',
      source: refund.id,
      description: 'REFUND FAILURE',
    }).id;
    refund.failure_reason = 'expired_or_canceled_card';
    refund.status = 'failed';
    const charge = this.core.payments.getCharge(String(refund.charge));
    charge.amount_refunded -= refund.amount;
    charge.refunded = charge.amount_refunded === charge.amount && charge.amount > 0;
    this.core.emit('refund.updated', refund, ctx, previous);
    this.core.emit('refund.failed', refund, ctx, previous);
    return refund;
  }
}
