/** The emulator's controls over money and time (also served over HTTP by control.ts). */
import type Stripe from 'stripe';
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
  /** Opens a dispute of the whole of a succeeded charge now (charge.dispute.created, funds_withdrawn). */
  openDispute(chargeId: string): Stripe.Dispute;
  /** Closes an open dispute as won (funds reinstated) or lost (charge.dispute.closed). */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Stripe.Dispute;
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
    openDispute: (chargeId) => structuredClone(store.disputes.openLater(chargeId, CONTROL)),
    closeDispute: (disputeId, outcome) => structuredClone(store.disputes.settle(disputeId, outcome, CONTROL)),
    setSubscriptionDetails: (invoiceId, details) =>
      structuredClone(store.invoicing.setSubscriptionDetails(invoiceId, details)),
  };
}
