/**
 * The functions' Stripe client: the calls of adapters/stripe/stripe-api.ts over StripeHttp (./stripe-http.ts),
 * pinned to STRIPE_API_VERSION. It stands in for the official SDK inside the Lambda bundles because the SDK
 * builds every one of its API resources when constructed, 252 KB of the bundle for the 14 calls made here
 * (README, Cold start). A function gets a StripeClients factory: one client per API key, reused across
 * invocations (a rotated key gets a new client); `baseUrl` points it at a local emulator.
 */
import type Stripe from 'stripe';
import { STRIPE_API_VERSION } from '#contracts/environment.js';
import type { ListPromise, RequestOptions, StripeApi } from '../../adapters/stripe/stripe-api.js';
import { STRIPE_API_HOST, type StripeEndpoint, StripeHttp } from './stripe-http.js';
import type { RateLimitRetryPolicy } from './stripe-rate-limit.js';

/** Within the client, with the same idempotency key; beyond that the queue retries the message. */
export const MAX_NETWORK_RETRIES = 2;
export const TIMEOUT_MILLISECONDS = 10_000;

export interface StripeClientOptions {
  /** Local runs only: the Stripe API emulator (http://127.0.0.1:PORT). Unset: Stripe itself. */
  baseUrl?: string;
  /** Per-request timeout (default 10 s). Fault tests shorten it so a stalled Stripe is given up on quickly. */
  timeoutMilliseconds?: number;
  /** Retries of a connection error, 409 or 5xx (default 2). Tests that arrange state set 0. */
  maxNetworkRetries?: number;
  /** How a 429 is waited out before the caller sees it (stripe-rate-limit.ts); `false`: not at all. */
  rateLimitRetry?: RateLimitRetryPolicy | false;
}

export function endpointOf(baseUrl: string | undefined): StripeEndpoint {
  if (!baseUrl) return STRIPE_API_HOST;
  const url = new URL(baseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: Number(url.port || (protocol === 'http' ? 80 : 443)), protocol };
}

export function createStripeApiClient(apiKey: string, options: StripeClientOptions = {}): StripeApi {
  const api = new StripeHttp({
    apiKey,
    apiVersion: STRIPE_API_VERSION,
    endpoint: endpointOf(options.baseUrl),
    timeoutMilliseconds: options.timeoutMilliseconds ?? TIMEOUT_MILLISECONDS,
    maxNetworkRetries: options.maxNetworkRetries ?? MAX_NETWORK_RETRIES,
    rateLimitRetry: options.rateLimitRetry ?? {},
  });
  const get = <T>(path: string, params: object = {}) => api.request('GET', path, params) as Promise<T>;
  const post = <T>(path: string, params: object, requestOptions: RequestOptions = {}) =>
    api.request('POST', path, params, requestOptions) as Promise<T>;
  const list = <T extends { id: string }>(path: string, params: object) =>
    listPromise<T>((page) => get<Stripe.ApiList<T>>(path, page), params);
  const id = encodeURIComponent;
  return {
    transfers: {
      create: (params, requestOptions) => post('/v1/transfers', params, requestOptions),
      retrieve: (transferId) => get(`/v1/transfers/${id(transferId)}`),
      list: (params) => list('/v1/transfers', params),
      createReversal: (transferId, params, requestOptions) =>
        post(`/v1/transfers/${id(transferId)}/reversals`, params, requestOptions),
      listReversals: (transferId, params) => list(`/v1/transfers/${id(transferId)}/reversals`, params),
    },
    charges: { retrieve: (chargeId) => get(`/v1/charges/${id(chargeId)}`) },
    disputes: { list: (params) => list('/v1/disputes', params) },
    invoicePayments: { list: (params) => list('/v1/invoice_payments', params) },
    paymentIntents: { retrieve: (intentId, params) => get(`/v1/payment_intents/${id(intentId)}`, params) },
    invoices: { list: (params) => list('/v1/invoices', params) },
    events: {
      retrieve: (eventId) => get(`/v1/events/${id(eventId)}`),
      list: (params) => list('/v1/events', params),
    },
    webhookEndpoints: {
      retrieve: (endpointId) => get(`/v1/webhook_endpoints/${id(endpointId)}`),
      list: (params) => list('/v1/webhook_endpoints', params),
    },
  };
}

/**
 * The first page is asked for at once, as the SDK does; iterating goes on with `starting_after` the last item while
 * Stripe says `has_more`. Lists here only ever go forward, so `ending_before` is refused rather than half supported.
 */
function listPromise<T extends { id: string }>(
  fetchPage: (params: object) => Promise<Stripe.ApiList<T>>,
  params: object,
): ListPromise<T> {
  const first =
    'ending_before' in params
      ? Promise.reject(new Error('This Stripe client lists forward only: ending_before is not supported'))
      : fetchPage(params);
  // Awaited or iterated, the caller sees a failure; left alone, it must not crash the process.
  first.catch(() => undefined);
  async function* items(): AsyncGenerator<T> {
    let page = await first;
    for (;;) {
      yield* page.data;
      if (!page.has_more) return;
      // As the SDK: a page that says there is more but names no last item is an error, never the list's end.
      const last = page.data.at(-1);
      if (!last?.id) throw new Error('Stripe answered has_more with no last item to list after');
      page = await fetchPage({ ...params, starting_after: last.id });
    }
  }
  return Object.assign(first, { [Symbol.asyncIterator]: items });
}

/** A Stripe client for an API key. */
export type StripeClients = (apiKey: string) => StripeApi;

export function stripeClients(options: StripeClientOptions = {}): StripeClients {
  const clients = new Map<string, StripeApi>();
  return (apiKey) => {
    let client = clients.get(apiKey);
    if (!client) {
      client = createStripeApiClient(apiKey, options);
      clients.set(apiKey, client);
    }
    return client;
  };
}
