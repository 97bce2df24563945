/**
 * The official Stripe SDK, pinned to STRIPE_API_VERSION, for what runs outside Lambda: the local tools, the
 * emulator's own checks and the tests that arrange state at the emulator. The functions call Stripe through
 * ./stripe-api-client.ts instead (so no Lambda bundle carries the SDK); both take the same options and wait
 * out 429s the same way (./stripe-rate-limit.ts).
 */
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '#contracts/environment.js';
import {
  endpointOf,
  MAX_NETWORK_RETRIES,
  type StripeClientOptions,
  TIMEOUT_MILLISECONDS,
} from './stripe-api-client.js';
import { type RateLimitRetryPolicy, waitOutRateLimits } from './stripe-rate-limit.js';

export type { StripeClientOptions } from './stripe-api-client.js';

type HttpClient = NonNullable<ConstructorParameters<typeof Stripe>[1]>['httpClient'] & object;
type HttpResponse = Awaited<ReturnType<HttpClient['makeRequest']>>;

export function createStripeClient(apiKey: string, options: StripeClientOptions = {}): Stripe {
  return new Stripe(apiKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: options.maxNetworkRetries ?? MAX_NETWORK_RETRIES,
    timeout: options.timeoutMilliseconds ?? TIMEOUT_MILLISECONDS,
    ...(options.rateLimitRetry === false
      ? {}
      : { httpClient: rateLimitRetryingHttpClient(Stripe.createNodeHttpClient(), options.rateLimitRetry) }),
    ...(options.baseUrl ? endpointOf(options.baseUrl) : {}),
  });
}

/** The SDK's HTTP client, with each 429 waited out before the SDK sees it. */
function rateLimitRetryingHttpClient(inner: HttpClient, policy: RateLimitRetryPolicy = {}): HttpClient {
  return {
    getClientName: () => `${inner.getClientName()}+rate-limit-retry`,
    makeRequest: (...args) =>
      waitOutRateLimits<HttpResponse>(
        () => inner.makeRequest(...args),
        { isRateLimited: (response) => response.getStatusCode() === 429, discard: (response) => response.toJSON() },
        policy,
      ),
  };
}
