/**
 * Stripe API clients for the functions that call Stripe, pinned to STRIPE_API_VERSION. One client per API key,
 * reused across invocations (a rotated key gets a new client). `baseUrl` points the SDK at a local emulator.
 */
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '#contracts/environment.js';

/** Within the SDK, with the same idempotency key; beyond that the queue retries the message. */
const MAX_NETWORK_RETRIES = 2;
const TIMEOUT_MILLISECONDS = 10_000;

export interface StripeClientOptions {
  /** Per-request timeout (default 10 s). Fault tests shorten it so a stalled Stripe is given up on quickly. */
  timeoutMilliseconds?: number;
}

export function createStripeClient(apiKey: string, baseUrl?: string, options: StripeClientOptions = {}): Stripe {
  const endpoint = baseUrl ? new URL(baseUrl) : undefined;
  const protocol = endpoint?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(apiKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: MAX_NETWORK_RETRIES,
    timeout: options.timeoutMilliseconds ?? TIMEOUT_MILLISECONDS,
    ...(endpoint
      ? { host: endpoint.hostname, port: Number(endpoint.port || (protocol === 'http' ? 80 : 443)), protocol }
      : {}),
  });
}

const clients = new Map<string, Stripe>();

export function stripeClientFor(apiKey: string, baseUrl?: string, options: StripeClientOptions = {}): Stripe {
  const cacheKey = `${baseUrl ?? ''}\n${options.timeoutMilliseconds ?? ''}\n${apiKey}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = createStripeClient(apiKey, baseUrl, options);
    clients.set(cacheKey, client);
  }
  return client;
}
