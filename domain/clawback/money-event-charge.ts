/**
 * The charge a money event names, read from the event as Stripe sent it: charge.refunded carries the charge itself,
 * refund.* and charge.dispute.* a refund or a dispute that names it. With it, the payment intent that made the charge
 * (every one of those objects names it), which is what finds the invoices the charge paid (row-paid-by.ts).
 */
import { MONEY_EVENT_TYPES } from '#contracts/stripe-events.js';
import { type StoredEvent, stringField } from '../revenue-share/stripe-event.js';

type MoneyEvent = Pick<StoredEvent, 'type' | 'object'>;

/** The money events that move money: all but credit_note.created (its refund arrives as its own charge.refunded). */
export const CLAWBACK_EVENT_TYPES: readonly string[] = MONEY_EVENT_TYPES.filter(
  (type) => type !== 'credit_note.created',
);

/** The charge (`ch_...`) the event names, or undefined when it names none. */
export function chargeIdOfMoneyEvent(event: MoneyEvent): string | undefined {
  const id = event.type === 'charge.refunded' ? stringField(event.object, 'id') : stringField(event.object, 'charge');
  return id?.startsWith('ch_') ? id : undefined;
}

/** The payment intent (`pi_...`) that made the event's charge, when the event names one. */
export function paymentIntentOfMoneyEvent(event: MoneyEvent): string | undefined {
  const id = stringField(event.object, 'payment_intent');
  return id?.startsWith('pi_') ? id : undefined;
}
