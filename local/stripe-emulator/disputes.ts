/**
 * Disputes, as the dispute test card makes them: opened right after the charge succeeds, the disputed amount
 * withdrawn from the platform balance at once; or opened later on any succeeded charge by the emulator control (as a
 * cardholder's bank does, days after the payment), of the whole charge or of part of it; closed by the API (`close`:
 * the platform accepts the loss) or by the emulator control as won (funds reinstated), lost or prevented.
 *
 * Prevented (API 2025-08-27.basil, dispute preventions): Stripe stopped the dispute before it became a chargeback,
 * by resolving it (card case type `resolution`, e.g. Visa RDR, which refunds the disputed amount on the charge) or
 * by blocking it (`block`, nothing refunded). A prevented dispute takes no money as a chargeback, so the funds an
 * emulator dispute withdrew when it opened are reinstated (`charge.dispute.funds_reinstated`); the RDR refund is a
 * refund of the charge like any other (`charge.refunded`, `refund.created`); then `charge.dispute.closed`.
 */
import type Stripe from 'stripe';
import { type Core, previousOf } from './core.js';
import { invalidState, resourceMissing } from './errors.js';
import { PLATFORM } from './money.js';
import { newId } from './objects.js';
import type { RequestContext } from './store.js';

const CLOSED = new Set<string>(['won', 'lost', 'warning_closed', 'prevented']);

/** How Stripe prevented a dispute: resolved it with a refund (RDR) or blocked it. */
export type PreventionCaseType = 'resolution' | 'block';

const cardDisputeDetails = (
  charge: Stripe.Charge,
  caseType: Stripe.Dispute.PaymentMethodDetails.Card.CaseType,
): Stripe.Dispute.PaymentMethodDetails => ({
  type: 'card',
  card: {
    brand: charge.payment_method_details?.card?.brand ?? 'unknown',
    case_type: caseType,
    network: charge.payment_method_details?.card?.network ?? 'unknown',
    network_reason_code: null,
  },
});

const noEvidence = (): Stripe.Dispute.Evidence => ({
  access_activity_log: null,
  billing_address: null,
  cancellation_policy: null,
  cancellation_policy_disclosure: null,
  cancellation_rebuttal: null,
  customer_communication: null,
  customer_email_address: null,
  customer_name: null,
  customer_purchase_ip: null,
  customer_signature: null,
  duplicate_charge_documentation: null,
  duplicate_charge_explanation: null,
  duplicate_charge_id: null,
  enhanced_evidence: {},
  product_description: null,
  receipt: null,
  refund_policy: null,
  refund_policy_disclosure: null,
  refund_refusal_explanation: null,
  service_date: null,
  service_documentation: null,
  shipping_address: null,
  shipping_carrier: null,
  shipping_date: null,
  shipping_documentation: null,
  shipping_tracking_number: null,
  uncategorized_file: null,
  uncategorized_text: null,
});

export class Disputes {
  readonly disputes = new Map<string, Stripe.Dispute>();

  constructor(private readonly core: Core) {}

  reset(): void {
    this.disputes.clear();
  }

  get(id: string): Stripe.Dispute {
    const dispute = this.disputes.get(id);
    if (!dispute) throw resourceMissing('dispute', id);
    return dispute;
  }

  /** Opens a fraudulent dispute of `amount` of the charge (all of it) and withdraws it from the platform balance. */
  open(charge: Stripe.Charge, ctx: RequestContext, amount = charge.amount): Stripe.Dispute {
    const now = this.core.clock.now();
    const dispute: Stripe.Dispute = {
      id: newId('du'),
      object: 'dispute',
      amount,
      balance_transactions: [],
      charge: charge.id,
      created: now,
      currency: charge.currency,
      enhanced_eligibility_types: [],
      evidence: noEvidence(),
      evidence_details: {
        due_by: now + 7 * 86_400,
        enhanced_eligibility: {},
        has_evidence: false,
        past_due: false,
        submission_count: 0,
        submission_method: 'not_submitted',
      },
      intended_submission_method: null,
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
      payment_method_details: cardDisputeDetails(charge, 'chargeback'),
      reason: 'fraudulent',
      status: 'needs_response',
    };
    this.disputes.set(dispute.id, dispute);
    charge.disputed = true;
    this.core.emit('charge.dispute.created', dispute, ctx);
    this.move(dispute, -dispute.amount, 'dispute', `Chargeback withdrawal for ${charge.id}`);
    this.core.emit('charge.dispute.funds_withdrawn', dispute, ctx);
    return dispute;
  }

  /**
   * Opens a dispute on a charge that succeeded earlier (the control), of the whole charge or of `amount` cents of it;
   * one dispute per charge, as the card makes.
   */
  openLater(chargeId: string, ctx: RequestContext, amount?: number): Stripe.Dispute {
    const charge = this.core.payments.getCharge(chargeId, 'charge', 400);
    if (charge.status !== 'succeeded' || charge.disputed) {
      throw invalidState(
        `Charge ${charge.id} cannot be disputed (status ${charge.status}, disputed ${charge.disputed}).`,
      );
    }
    const disputed = amount ?? charge.amount;
    if (!Number.isSafeInteger(disputed) || disputed < 1 || disputed > charge.amount) {
      throw invalidState(`A dispute of charge ${charge.id} is 1 to ${charge.amount} cents, not ${disputed}.`, 'amount');
    }
    return this.open(charge, ctx, disputed);
  }

  /** `POST /v1/disputes/:id/close`: the platform accepts the dispute, which is then lost. */
  close(id: string, ctx: RequestContext): Stripe.Dispute {
    return this.settle(id, 'lost', ctx);
  }

  /** Closes the dispute as won (the withdrawn funds are reinstated) or lost. */
  settle(id: string, outcome: 'won' | 'lost', ctx: RequestContext): Stripe.Dispute {
    const dispute = this.getOpen(id);
    const previous = previousOf(dispute, ['status', 'balance_transactions']);
    if (outcome === 'won') {
      this.move(dispute, dispute.amount, 'dispute_reversal', `Chargeback reversal for ${String(dispute.charge)}`);
      dispute.status = 'won';
      this.core.emit('charge.dispute.funds_reinstated', dispute, ctx);
    } else {
      dispute.status = 'lost';
    }
    this.core.emit('charge.dispute.closed', dispute, ctx, previous);
    return dispute;
  }

  /**
   * Stripe prevents the open dispute (see the top of this file): what it withdrew is reinstated; `resolution` also
   * refunds the disputed amount (at most what is left unrefunded) on the charge; `block` refunds nothing.
   */
  prevent(id: string, caseType: PreventionCaseType, ctx: RequestContext): Stripe.Dispute {
    const dispute = this.getOpen(id);
    const charge = this.core.payments.getCharge(String(dispute.charge));
    const previous = previousOf(dispute, ['status', 'balance_transactions', 'payment_method_details']);
    dispute.status = 'prevented';
    dispute.payment_method_details = cardDisputeDetails(charge, caseType);
    const withdrawn = -dispute.balance_transactions.reduce((total, t) => total + t.amount, 0);
    if (withdrawn > 0) {
      this.move(dispute, withdrawn, 'dispute_reversal', `Chargeback reversal for ${charge.id}`);
      this.core.emit('charge.dispute.funds_reinstated', dispute, ctx);
    }
    const refundable = Math.min(dispute.amount, charge.amount - charge.amount_refunded);
    if (caseType === 'resolution' && refundable > 0) this.core.refunds.issue(charge, refundable, {}, ctx);
    this.core.emit('charge.dispute.closed', dispute, ctx, previous);
    return dispute;
  }

  private getOpen(id: string): Stripe.Dispute {
    const dispute = this.get(id);
    if (CLOSED.has(dispute.status)) {
      throw invalidState(
        `This dispute is already closed (status ${dispute.status}).`,
        undefined,
        'dispute_already_closed',
      );
    }
    return dispute;
  }

  private move(dispute: Stripe.Dispute, amount: number, category: string, description: string): void {
    const transaction = this.core.ledger.record(PLATFORM, {
      amount,
      currency: dispute.currency,
      type: 'adjustment',
      reportingCategory: category,
      source: dispute.id,
      description,
    });
    dispute.balance_transactions.push(transaction);
  }
}
