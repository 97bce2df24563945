/**
 * EventFeed on the official Stripe SDK: `events.list` (by types, created range, `delivery_success: false`) one page
 * at a time, so the caller bounds its Stripe calls; and the webhook endpoint by id (`webhookEndpoints.retrieve`) or
 * by URL (`webhookEndpoints.list`). The client is handed in, pinned to STRIPE_API_VERSION by whoever builds it.
 */
import Stripe from 'stripe';
import {
  type EndpointMatch,
  type EventFeed,
  EventFeedError,
  type EventPage,
  type EventQuery,
  UnknownEventCursorError,
  type WebhookEndpointState,
} from '../../domain/catch-up/event-feed.js';

const PAGE_SIZE = 100;
/** Stripe filters events.list by at most 20 types. */
const MAX_TYPES = 20;

const seconds = (instant: Date): number => Math.floor(instant.getTime() / 1000);

export class StripeEventFeed implements EventFeed {
  constructor(private readonly stripe: Stripe) {}

  async listEvents(query: EventQuery): Promise<EventPage> {
    if (query.types.length === 0 || query.types.length > MAX_TYPES) {
      throw new EventFeedError(`events.list takes 1 to ${MAX_TYPES} types, not ${query.types.length}`);
    }
    try {
      const page = await this.stripe.events.list({
        types: [...query.types],
        created: { gte: seconds(query.createdGte), lte: seconds(query.createdLte) },
        ...(query.undeliveredOnly ? { delivery_success: false } : {}),
        ...(query.startingAfter ? { starting_after: query.startingAfter } : {}),
        limit: PAGE_SIZE,
      });
      return {
        events: page.data.map((event) => ({
          id: event.id,
          type: event.type,
          created: event.created,
          rawBody: JSON.stringify(event),
        })),
        hasMore: page.has_more,
      };
    } catch (error) {
      if (query.startingAfter && isUnknownCursor(error)) {
        throw new UnknownEventCursorError(`Stripe has no event ${query.startingAfter} to list after`, { cause: error });
      }
      throw new EventFeedError(`Stripe events.list failed: ${describe(error)}`, { cause: error });
    }
  }

  async findWebhookEndpoint(match: EndpointMatch): Promise<WebhookEndpointState | undefined> {
    try {
      if (match.endpointId) {
        try {
          return toState(await this.stripe.webhookEndpoints.retrieve(match.endpointId));
        } catch (error) {
          if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') {
            return undefined;
          }
          throw error;
        }
      }
      for await (const endpoint of this.stripe.webhookEndpoints.list({ limit: PAGE_SIZE })) {
        if (endpoint.url === match.url) return toState(endpoint);
      }
      return undefined;
    } catch (error) {
      throw new EventFeedError(`Stripe webhook endpoint look-up failed: ${describe(error)}`, { cause: error });
    }
  }
}

const isUnknownCursor = (error: unknown): boolean =>
  error instanceof Stripe.errors.StripeInvalidRequestError &&
  error.code === 'resource_missing' &&
  error.param === 'starting_after';

const toState = (endpoint: Stripe.WebhookEndpoint): WebhookEndpointState => ({
  id: endpoint.id,
  url: endpoint.url,
  status: endpoint.status,
});

const describe = (error: unknown): string =>
  error instanceof Stripe.errors.StripeError
    ? `${error.code ?? error.type}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
