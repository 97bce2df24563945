/**
 * The one construction of a Stripe API client, pinned to STRIPE_API_VERSION. A function gets a StripeClients
 * factory (one client per API key, reused across invocations; a rotated key gets a new client); `baseUrl`
 * points the SDK at a local emulator.
 */
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '#contracts/environment.js';
import { type RateLimitRetryPolicy, rateLimitRetryingHttpClient } from './stripe-rate-limit.js';

/** Within the SDK, with the same idempotency key; beyond that the queue retries the message. */
const MAX_NETWORK_RETRIES = 2;
const TIMEOUT_MILLISECONDS = 10_000;

export interface StripeClientOptions {
  /** Local runs only: the Stripe API emulator (http://127.0.0.1:PORT). Unset: Stripe itself. */
  baseUrl?: string;
  /** Per-request timeout (default 10 s). Fault tests shorten it so a stalled Stripe is given up on quickly. */
  timeoutMilliseconds?: number;
  /** SDK retries of a connection error, 409 or 5xx (default 2). Tests that arrange state set 0. */
  maxNetworkRetries?: number;
  /** How a 429 is waited out before the SDK sees it (stripe-rate-limit.ts); `false`: not at all. */
  rateLimitRetry?: RateLimitRetryPolicy | false;
}

export function createStripeClient(apiKey: string, options: StripeClientOptions = {}): Stripe {
  const endpoint = options.baseUrl ? new URL(options.baseUrl) : undefined;
  const protocol = endpoint?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(apiKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: options.maxNetworkRetries ?? MAX_NETWORK_RETRIES,
    timeout: options.timeoutMilliseconds ?? TIMEOUT_MILLISECONDS,
    ...(options.rateLimitRetry === false
      ? {}
      : { httpClient: rateLimitRetryingHttpClient(Stripe.createNodeHttpClient(), options.rateLimitRetry) }),
    ...(endpoint
      ? { host: endpoint.hostname, port: Number(endpoint.port || (protocol === 'http' ? 80 : 443)), protocol }
      : {}),
  });
}

/** A Stripe client for an API key. */
export type StripeClients = (apiKey: string) => Stripe;

export function stripeClients(options: StripeClientOptions = {}): StripeClients {
  const clients = new Map<string, Stripe>();
  return (apiKey) => {
    let client = clients.get(apiKey);
    if (!client) {
      client = createStripeClient(apiKey, options);
      clients.set(apiKey, client);
    }
    return client;
  };
}
