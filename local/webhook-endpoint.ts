/**
 * The local stack's webhook endpoint at the Stripe emulator, created through the official SDK as one would at
 * Stripe (Dashboard or `webhookEndpoints.create`): subscribed to the event types the stack routes, answered with
 * the `whsec_` secret the webhook then accepts.
 */
import type Stripe from 'stripe';
import { ROUTED_EVENT_TYPES } from '#contracts/stripe-events.js';

export interface RegisteredWebhookEndpoint {
  readonly id: string;
  readonly url: string;
  /** The signing secret Stripe returns on create only. */
  readonly secret: string;
  readonly enabledEvents: readonly string[];
}

export async function registerWebhookEndpoint(stripe: Stripe, url: string): Promise<RegisteredWebhookEndpoint> {
  const endpoint = await stripe.webhookEndpoints.create({
    url,
    enabled_events: [...ROUTED_EVENT_TYPES],
    description: 'district payouts: local stack',
  });
  if (!endpoint.secret) throw new Error(`webhook endpoint ${endpoint.id} was created without a signing secret`);
  return { id: endpoint.id, url: endpoint.url, secret: endpoint.secret, enabledEvents: endpoint.enabled_events };
}
