/**
 * What the catch-up asks of the payment provider (Stripe): its events by type and time, optionally only those it
 * could not deliver, and the state of the webhook endpoint that should be receiving them. The Stripe adapter
 * (adapters/stripe/event-feed.ts) implements it; the domain sees only JSON text and plain fields.
 */

export interface ListedEvent {
  id: string;
  type: string;
  /** Seconds since the epoch. */
  created: number;
  /** The event as JSON text, as the provider renders it now. */
  rawBody: string;
}

export interface EventQuery {
  types: readonly string[];
  /** Only events created at or after this instant. */
  createdGte: Date;
  /** ... and at or before this one. */
  createdLte: Date;
  /** Only the events the provider has not delivered successfully to every endpoint (`delivery_success: false`). */
  undeliveredOnly: boolean;
  /** The last event id of the previous page; unset for the first page. */
  startingAfter?: string;
}

export interface EventPage {
  events: ListedEvent[];
  hasMore: boolean;
}

/** An endpoint as the provider reports it; `status` is `enabled` or `disabled` at Stripe. */
export interface WebhookEndpointState {
  id: string;
  url: string;
  status: string;
}

/** How to recognise this stack's endpoint among the account's: by id when configured, else by URL. */
export interface EndpointMatch {
  endpointId?: string;
  url?: string;
}

export interface EventFeed {
  /**
   * One page (newest first, at most 100 events). Throws EventFeedError when the provider cannot answer,
   * UnknownEventCursorError when it does not know `startingAfter`.
   */
  listEvents(query: EventQuery): Promise<EventPage>;
  /** This stack's endpoint, or undefined when none matches. Throws EventFeedError when the provider cannot answer. */
  findWebhookEndpoint(match: EndpointMatch): Promise<WebhookEndpointState | undefined>;
}

export class EventFeedError extends Error {
  override readonly name: string = 'EventFeedError';
}

/** The page cursor (`startingAfter`) names an event the provider does not have (any more): list from the newest. */
export class UnknownEventCursorError extends EventFeedError {
  override readonly name = 'UnknownEventCursorError';
}
