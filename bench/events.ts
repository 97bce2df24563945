/**
 * The payloads every bench delivers: signed `invoice.paid` events built by the Stripe emulator (its invoice
 * fixture, fresh ids), serialized as Stripe sends them, and a delivery schedule with redeliveries.
 */
import Stripe from 'stripe';
import type { BenchDistrict } from './districts.js';
import { randomInt } from './random.js';

export interface BenchEvent {
  id: string;
  /** The paid invoice's id: its ledger row's id derives from it. */
  invoiceId: string;
  /** The request body exactly as delivered (Stripe pretty-prints its JSON). */
  body: string;
}

export interface Delivery {
  event: BenchEvent;
  /** True when this delivery repeats an event delivered earlier in the schedule. */
  redelivery: boolean;
}

export interface EventFactory {
  buildInvoice(
    overrides?: Record<string, unknown>,
    options?: { payments?: ReadonlyArray<{ paymentMethod: string; amount?: number }> },
  ): Record<string, unknown>;
  createEvent<T extends object>(type: string, object: T): { id: string };
}

/** `count` paid invoices spread round-robin over `districts`, amounts from $5 to $2,500, each paid by a card charge. */
export function buildInvoicePaidEvents(
  emulator: EventFactory,
  districts: readonly BenchDistrict[],
  count: number,
  random: () => number,
): BenchEvent[] {
  const events: BenchEvent[] = [];
  for (let i = 0; i < count; i++) {
    const district = districts[i % districts.length] as BenchDistrict;
    const invoice = emulator.buildInvoice(
      {
        customer: district.customerId,
        amount_paid: randomInt(random, 500, 250_000),
        currency: district.currency,
        metadata: { districtId: district.districtId },
      },
      { payments: [{ paymentMethod: 'pm_card_visa' }] },
    );
    const event = emulator.createEvent('invoice.paid', invoice);
    events.push({ id: event.id, invoiceId: String(invoice.id), body: JSON.stringify(event, null, 2) });
  }
  return events;
}

/**
 * Every event once, in order, with `redeliveries` repeats mixed in at random places. A repeat names an event
 * delivered at least `minGap` deliveries earlier: with fewer than `minGap` requests in flight its first delivery
 * has been answered, as when Stripe redelivers an event it already sent.
 */
export function deliverySchedule(
  events: readonly BenchEvent[],
  redeliveries: number,
  random: () => number,
  minGap = 64,
): Delivery[] {
  const schedule: Delivery[] = [];
  let nextFirst = 0;
  let repeatsLeft = redeliveries;
  while (nextFirst < events.length || repeatsLeft > 0) {
    const slotsLeft = events.length - nextFirst + repeatsLeft;
    const canRepeat = repeatsLeft > 0 && nextFirst > minGap;
    const mustRepeat = nextFirst >= events.length;
    if (canRepeat && (mustRepeat || random() < repeatsLeft / slotsLeft)) {
      const original = events[randomInt(random, 0, nextFirst - minGap - 1)] as BenchEvent;
      schedule.push({ event: original, redelivery: true });
      repeatsLeft--;
    } else {
      if (mustRepeat) throw new Error(`${events.length} events are too few for ${redeliveries} redeliveries`);
      schedule.push({ event: events[nextFirst++] as BenchEvent, redelivery: false });
    }
  }
  return schedule;
}

/** The `Stripe-Signature` header Stripe would send for `body` now (sign just before delivering: 300 s tolerance). */
export const stripeSignature = (body: string, secret: string): string =>
  Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
