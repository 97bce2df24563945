/**
 * The Stripe event types this stack acts on. The webhook routes these to the revenue-share queue (every other
 * type is recorded as IGNORED) and the revenue-share worker handles each; a webhook endpoint registered for the
 * stack (at Stripe, or at the local emulator by `npm start`) subscribes to exactly these.
 */
/** Money that comes back (refunds, disputes) claws the district's share back; credit notes only attribute. */
export const MONEY_EVENT_TYPES = [
  'charge.refunded',
  'refund.updated',
  'refund.failed',
  'charge.dispute.created',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'charge.dispute.closed',
  // Stripe documents closed for won, lost and warning_closed only; a status it changes otherwise (prevented
  // included) comes as updated, so the charge is read again on that too.
  'charge.dispute.updated',
  'credit_note.created',
] as const;

export const ROUTED_EVENT_TYPES = ['invoice.paid', 'transfer.reversed', ...MONEY_EVENT_TYPES] as const;

export type RoutedEventType = (typeof ROUTED_EVENT_TYPES)[number];
