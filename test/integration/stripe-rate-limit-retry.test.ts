/**
 * A 429 is weather: the functions' Stripe client (functions/commons/stripe-api-client.ts) waits it out (backoff
 * with jitter, the same idempotency key) within its budget, so a burst over the limit still makes every transfer
 * exactly once; past the budget the caller gets the 429 as an error of type StripeRateLimitError. The SDK client
 * only creates the destination account.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StripeApi } from '../../adapters/stripe/stripe-api.js';
import { isStripeError } from '../../adapters/stripe/stripe-errors.js';
import { createStripeApiClient } from '../../functions/commons/stripe-api-client.js';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';

describe("the functions' Stripe client under Stripe's rate limits", () => {
  let emulator: StripeEmulator;
  let destination: string;

  beforeAll(async () => {
    emulator = await startStripeEmulator({ port: 0 });
    const admin = createStripeClient(emulator.apiKey, { baseUrl: emulator.url });
    destination = (await admin.accounts.create({ type: 'express', country: 'US' })).id;
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  beforeEach(() => {
    emulator.setBalance(10_000_000);
    emulator.setRateLimits({ global: 5 });
    emulator.resetRequestCounts();
  });

  const burst = (stripe: StripeApi, count: number, label: string) =>
    Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        stripe.transfers.create(
          { amount: 100 + i, currency: 'usd', destination, transfer_group: `${label}-${i}` },
          { idempotencyKey: `${label}-${i}` },
        ),
      ),
    );

  it('makes every transfer of a burst over the limit, each once, after waiting out the 429s', async () => {
    // Prepare
    const stripe = createStripeApiClient(emulator.apiKey, {
      baseUrl: emulator.url,
      rateLimitRetry: { maxWaitMs: 10_000 },
    });
    // Act
    const results = await burst(stripe, 15, 'patient');
    // Assess
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const made = emulator.transfers().filter((t) => String(t.transfer_group).startsWith('patient-'));
    expect(made).toHaveLength(15);
    expect(new Set(made.map((t) => t.transfer_group)).size).toBe(15);
    expect(emulator.requestCounts().total.rateLimited).toBeGreaterThan(0);
  });

  it('hands the 429 to the caller as StripeRateLimitError once its wait budget is spent', async () => {
    // Prepare
    const stripe = createStripeApiClient(emulator.apiKey, { baseUrl: emulator.url, rateLimitRetry: { maxWaitMs: 0 } });
    // Act
    const results = await burst(stripe, 15, 'impatient');
    // Assess
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => isStripeError(error) && error.type === 'StripeRateLimitError')).toBe(true);
    expect(emulator.transfers().filter((t) => String(t.transfer_group).startsWith('impatient-'))).toHaveLength(
      15 - errors.length,
    );
  });
});
