/**
 * Stripe secrets for the functions. Deployed: fetched from Secrets Manager by name (env holds only the name)
 * through @middy/secrets-manager, prefetched at cold start and cached. Local runs: the values from env.
 * Either way a middleware puts the value on the Lambda context before the handler runs; the handler reads
 * it with `stripeWebhookSecretsFrom(context)` / `stripeApiKeyFrom(context)`.
 */
import type { MiddlewareObj } from '@middy/core';
import secretsManager from '@middy/secrets-manager';
import type { Context } from 'aws-lambda';
import type { SecretSource } from './config.js';

/** Long enough to keep Secrets Manager off the hot path, short enough that a rotation is seen in minutes. */
export const SECRET_CACHE_MILLISECONDS = 5 * 60_000;

export const STRIPE_WEBHOOK_SECRETS_KEY = 'stripeWebhookSecrets';
export const STRIPE_API_KEY_KEY = 'stripeApiKey';

export class SecretFormatError extends Error {
  override readonly name = 'SecretFormatError';
}

/** A middleware that sets `context[contextKey]` to the secret's value (parsed when it is JSON). */
export function secretMiddleware(
  contextKey: string,
  source: SecretSource,
  options: { cacheExpiryMilliseconds?: number } = {},
): MiddlewareObj {
  if (source.kind === 'static') {
    const value = source.values.length === 1 ? source.values[0] : [...source.values];
    return {
      before: (request) => {
        Object.assign(request.context, { [contextKey]: value });
      },
    };
  }
  return secretsManager({
    fetchData: { [contextKey]: source.secretName },
    setToContext: true,
    // One cache entry per secret: middy's cache is global, keyed by this name.
    cacheKey: `secrets-manager-${contextKey}-${source.secretName}`,
    cacheExpiry: options.cacheExpiryMilliseconds ?? SECRET_CACHE_MILLISECONDS,
  }) as MiddlewareObj;
}

export const stripeWebhookSecretsMiddleware = (source: SecretSource): MiddlewareObj =>
  secretMiddleware(STRIPE_WEBHOOK_SECRETS_KEY, source);

export const stripeApiKeyMiddleware = (source: SecretSource): MiddlewareObj =>
  secretMiddleware(STRIPE_API_KEY_KEY, source);

/** The webhook signing secrets: the secret is a JSON array of `whsec_...` strings, or one plain string. */
export function stripeWebhookSecretsFrom(context: Context): string[] {
  const value = (context as unknown as Record<string, unknown>)[STRIPE_WEBHOOK_SECRETS_KEY];
  const secrets = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(secrets)) throw new SecretFormatError('Stripe webhook signing secrets are not configured');
  const cleaned = secrets.map((secret) => (typeof secret === 'string' ? secret.trim() : ''));
  if (cleaned.length === 0 || cleaned.some((secret) => secret.length === 0)) {
    throw new SecretFormatError('Stripe webhook signing secrets must be non-empty strings');
  }
  return cleaned;
}

/** The Stripe secret API key: a plain string secret. */
export function stripeApiKeyFrom(context: Context): string {
  const value = (context as unknown as Record<string, unknown>)[STRIPE_API_KEY_KEY];
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new SecretFormatError('The Stripe API key is not configured');
  }
  return value.trim();
}
