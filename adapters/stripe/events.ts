/**
 * EventSource on Stripe's API (./stripe-api.ts): `events.retrieve`. The client is handed in, pinned to
 * STRIPE_API_VERSION by whoever builds it (functions/commons/stripe-api-client.ts). The event comes back as JSON
 * text (as Stripe sent it; the SDK's response metadata is not enumerable, so it would not be part of it either);
 * `undefined` when Stripe no longer has the event (resource_missing: Stripe keeps events for 30 days).
 */
import { type EventSource, EventSourceError } from '../../domain/resync/event-source.js';
import type { StripeApi } from './stripe-api.js';
import { describeStripeError, isResourceMissing } from './stripe-errors.js';

export class StripeEventSource implements EventSource {
  constructor(private readonly stripe: StripeApi) {}

  async retrieveEvent(stripeEventId: string): Promise<string | undefined> {
    try {
      return JSON.stringify(await this.stripe.events.retrieve(stripeEventId));
    } catch (error) {
      if (isResourceMissing(error)) return undefined;
      throw new EventSourceError(`Stripe events.retrieve(${stripeEventId}) failed: ${describeStripeError(error)}`, {
        cause: error,
      });
    }
  }
}
