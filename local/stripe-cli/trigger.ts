/**
 * `trigger <event>`: makes the objects behind an event at the Stripe emulator through the SDK, as Stripe's CLI
 * does, and lets the emulator deliver the events it emits to the endpoints subscribed; then reports each event
 * with its delivery status.
 */
import type { TriggerEvent } from './args.js';
import { type EmulatorConnection, whenDelivered } from './emulator.js';
import { type EventDelivery, recentEvents } from './events.js';
import { payInvoice } from './pay-invoice.js';

export interface TriggerRequest {
  event: TriggerEvent;
  districtId: string;
  amount: number;
}

export interface TriggerResult {
  /** What was made, in order: customer, invoice, charge, refund / dispute. */
  objects: { kind: string; id: string }[];
  /** Every event the trigger caused, newest first, with its delivery status once the emulator was idle. */
  events: EventDelivery[];
}

const PAYMENT_METHODS: Record<TriggerEvent, string> = {
  'invoice.paid': 'pm_card_visa',
  'charge.refunded': 'pm_card_visa',
  'charge.dispute.created': 'pm_card_createDispute',
};

export async function trigger(emulator: EmulatorConnection, request: TriggerRequest): Promise<TriggerResult> {
  const { stripe } = emulator;
  const [newest] = (await stripe.events.list({ limit: 1 })).data;
  const paid = await payInvoice(stripe, {
    districtId: request.districtId,
    amount: request.amount,
    paymentMethod: PAYMENT_METHODS[request.event],
  });
  const objects = [
    { kind: 'customer', id: paid.customer.id },
    { kind: 'invoice', id: paid.invoice.id },
    { kind: 'charge', id: paid.chargeId },
  ];
  if (request.event === 'charge.refunded') {
    const refund = await stripe.refunds.create({ charge: paid.chargeId });
    objects.push({ kind: 'refund', id: refund.id });
  }
  if (request.event === 'charge.dispute.created') {
    const [dispute] = (await stripe.disputes.list({ charge: paid.chargeId })).data;
    if (!dispute) throw new Error(`charge ${paid.chargeId} was paid with pm_card_createDispute but is not disputed`);
    objects.push({ kind: 'dispute', id: dispute.id });
  }
  await whenDelivered(emulator);
  const events = await recentEvents(emulator, { limit: 100, endingBefore: newest?.id });
  if (!events.some((event) => event.type === request.event)) {
    throw new Error(`the emulator emitted no ${request.event} event for ${objects.map((o) => o.id).join(', ')}`);
  }
  return { objects, events };
}
