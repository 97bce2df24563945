/**
 * The CLI's Stripe side of reconcile: the Stripe client it reads with (the functions' own client). The listing itself is the adapter the scheduled
 * reconcile function uses too (adapters/stripe/reconcile-source.ts), re-exported here.
 */

import { env as envNames } from '#contracts/environment.js';
import type { StripeApi } from '../../adapters/stripe/stripe-api.js';
import { createStripeApiClient } from '../../functions/commons/stripe-api-client.js';
import { UsageError } from '../command.js';
import type { Target } from '../target.js';

export { PAID_INVOICE_LOOKBACK_SECONDS, stripeApiSource } from '../../adapters/stripe/reconcile-source.js';
export type { CreatedRange, ReconcileStripeSource } from '../../domain/reconcile/sources.js';

export const EMULATOR_API_KEY = 'sk_test_emulator';
export const DEFAULT_EMULATOR_URL = 'http://127.0.0.1:12111';

/**
 * The Stripe client reconcile reads with: STRIPE_API_KEY (a restricted key that can read invoices, invoice payments,
 * transfers, events, charges and disputes is enough); for the local stack without a key, the local Stripe emulator at
 * STRIPE_API_BASE_URL.
 */
export function stripeClientFor(target: Target, env: Record<string, string | undefined>): StripeApi {
  const configuredKey = env[envNames.stripeApiKey];
  if (!configuredKey && !target.local) {
    throw new UsageError(
      `reconcile against ${target.url} needs ${envNames.stripeApiKey} (a restricted key that can read invoices, invoice payments, transfers, events, charges and disputes)`,
    );
  }
  const baseUrl = env[envNames.stripeApiBaseUrl] || (configuredKey ? undefined : DEFAULT_EMULATOR_URL);
  if (baseUrl && !URL.canParse(baseUrl)) throw new UsageError(`${envNames.stripeApiBaseUrl} is not a URL: ${baseUrl}`);
  return createStripeApiClient(configuredKey || EMULATOR_API_KEY, baseUrl ? { baseUrl } : {});
}
