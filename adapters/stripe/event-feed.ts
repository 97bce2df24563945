/**
 * EventFeed on Stripe's API (./stripe-api.ts): `events.list` (by types, created range, `delivery_success: false`) one page
 * at a time, so the caller bounds its Stripe calls; and the webhook endpoint by id (`webhookEndpoints.retrieve`) or
 * by URL (`webhookEndpoints.list`). The client is handed in, pinned to STRIPE_API_VERSION by whoever builds it.
 */
import type Stripe from 'stripe';
import {
  type EndpointMatch,
  type EventFeed,
  EventFeedError,
  type EventPage,
  type EventQuery,
  UnknownEventCursorError,
  type WebhookEndpointState,
} from '../../domain/catch-up/event-feed.js';
import type { StripeApi } from './stripe-api.js';
import { describeStripeError, isResourceMissing } from './stripe-errors.js';

const PAGE_SIZE = 100;
/** Stripe filters events.list by at most 20 types. */
const MAX_TYPES = 20;

const seconds = (instant: Date): number => Math.floor(instant.getTime() / 1000);

export class StripeEventFeed implements EventFeed {
  constructor(private readonly stripe: StripeApi) {}

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
      throw new EventFeedError(`Stripe events.list failed: ${describeStripeError(error)}`, { cause: error });
    }
  }

  async findWebhookEndpoint(match: EndpointMatch): Promise<WebhookEndpointState | undefined> {
    try {
      if (match.endpointId) {
        try {
          return toState(await this.stripe.webhookEndpoints.retrieve(match.endpointId));
        } catch (error) {
          if (isResourceMissing(error)) return undefined;
          throw error;
        }
      }
      for await (const endpoint of this.stripe.webhookEndpoints.list({ limit: PAGE_SIZE })) {
        if (endpoint.url === match.url) return toState(endpoint);
      }
      return undefined;
    } catch (error) {
      throw new EventFeedError(`Stripe webhook endpoint look-up failed: ${describeStripeError(error)}`, {
        cause: error,
      });
    }
  }
}

const isUnknownCursor = (error: unknown): boolean => isResourceMissing(error) && error.param === 'starting_after';

const toState = (endpoint: Stripe.WebhookEndpoint): WebhookEndpointState => ({
  id: endpoint.id,
  url: endpoint.url,
  status: endpoint.status,
});
