/** Where re-sync fetches a Stripe event again. The Stripe adapter (adapters/stripe/events.ts) implements it. */

export interface EventSource {
  /**
   * The event as JSON text, exactly as the provider renders it now; `undefined` when the provider no longer has
   * it (Stripe keeps events for 30 days). Any other failure throws EventSourceError.
   */
  retrieveEvent(stripeEventId: string): Promise<string | undefined>;
}

export class EventSourceError extends Error {
  override readonly name = 'EventSourceError';
}
