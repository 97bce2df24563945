/** The emulator's controls over money and time (also served over HTTP by control.ts). */
import type Stripe from 'stripe';
import type { PreventionCaseType } from './disputes.js';
import { DEFAULT_CURRENCY } from './money.js';
import type { EmulatorStore, RequestContext } from './store.js';

const CONTROL: RequestContext = { requestId: null, idempotencyKey: null };

export interface MoneyControls {
  /** Emulator time, unix seconds. */
  now(): number;
  /** Moves emulator time forward: pending funds whose `available_on` passes become available; idempotency keys expire after 24 h. Returns the new time. */
  advanceClock(seconds: number): number;
  /** Sets a connected account's available balance (cents) in `currency` (default usd). */
  setAccountBalance(account: string, available: number, currency?: string): void;
  /** A connected account's balance, as GET /v1/balance with its Stripe-Account header returns it. */
  accountBalance(account: string): Stripe.Balance;
  /** Makes a succeeded refund fail after the fact (refund.updated, refund.failed; the charge's amount_refunded goes back down). */
  failRefund(refundId: string): Stripe.Refund;
  /** Opens a dispute of a succeeded charge now, of all of it or `amount` cents (charge.dispute.created, funds_withdrawn). */
  openDispute(chargeId: string, options?: { amount?: number }): Stripe.Dispute;
  /** Closes an open dispute as won (funds reinstated) or lost (charge.dispute.closed). */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Stripe.Dispute;
  /**
   * Stripe prevents an open dispute before it becomes a chargeback (status `prevented`): its funds are reinstated;
   * `resolution` (RDR) refunds the disputed amount on the charge (charge.refunded, refund.created), `block` refunds
   * nothing; then charge.dispute.closed.
   */
  preventDispute(disputeId: string, caseType: PreventionCaseType): Stripe.Dispute;
  /** Makes an invoice a subscription invoice: `parent.subscription_details` as Stripe sets it. */
  setSubscriptionDetails(
    invoiceId: string,
    details: { subscription: string; metadata?: Record<string, string> },
  ): Stripe.Invoice;
}

export function moneyControls(store: EmulatorStore): MoneyControls {
  return {
    now: () => store.clock.now(),
    advanceClock: (seconds) => store.advanceClock(seconds),
    setAccountBalance: (account, available, currency = DEFAULT_CURRENCY) =>
      store.setBalance(available, currency, account),
    accountBalance: (account) => store.balance(account),
    failRefund: (refundId) => structuredClone(store.refunds.fail(refundId, CONTROL)),
    openDispute: (chargeId, options = {}) =>
      structuredClone(store.disputes.openLater(chargeId, CONTROL, options.amount)),
    closeDispute: (disputeId, outcome) => structuredClone(store.disputes.settle(disputeId, outcome, CONTROL)),
    preventDispute: (disputeId, caseType) => structuredClone(store.disputes.prevent(disputeId, caseType, CONTROL)),
    setSubscriptionDetails: (invoiceId, details) =>
      structuredClone(store.invoicing.setSubscriptionDetails(invoiceId, details)),
  };
}
