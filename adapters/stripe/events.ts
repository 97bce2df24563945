/**
 * EventSource on the official Stripe SDK: `events.retrieve`. The client is handed in, pinned to
 * STRIPE_API_VERSION by whoever builds it (functions/commons/stripe-client.ts). The event comes back as JSON text
 * (the SDK's response metadata is not enumerable, so it is not part of it); `undefined` when Stripe no longer has
 * the event (resource_missing: Stripe keeps events for 30 days).
 */
import Stripe from 'stripe';
import { type EventSource, EventSourceError } from '../../domain/resync/event-source.js';

export class StripeEventSource implements EventSource {
  constructor(private readonly stripe: Stripe) {}

  async retrieveEvent(stripeEventId: string): Promise<string | undefined> {
    try {
      return JSON.stringify(await this.stripe.events.retrieve(stripeEventId));
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') {
        return undefined;
      }
      const detail =
        error instanceof Stripe.errors.StripeError
          ? `${error.code ?? error.type}: ${error.message}`
          : error instanceof Error
            ? error.message
            : String(error);
      throw new EventSourceError(`Stripe events.retrieve(${stripeEventId}) failed: ${detail}`, { cause: error });
    }
  }
}
