/**
 * The functions' Stripe client (functions/commons/stripe-api-client.ts) at the Stripe emulator: lists page through
 * `starting_after` as the SDK's auto-pagination does, an unknown object reads as resource_missing, one idempotency
 * key makes one transfer, and a backward list (`ending_before`) is refused before any request.
 */
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StripeApi } from '../../adapters/stripe/stripe-api.js';
import { isResourceMissing } from '../../adapters/stripe/stripe-errors.js';
import { createStripeApiClient } from '../../functions/commons/stripe-api-client.js';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';

describe("the functions' Stripe client at the emulator", () => {
  let emulator: StripeEmulator;
  let admin: Stripe;
  let stripe: StripeApi;
  let destination: string;

  beforeAll(async () => {
    emulator = await startStripeEmulator({ port: 0 });
    admin = createStripeClient(emulator.apiKey, { baseUrl: emulator.url, maxNetworkRetries: 0 });
    stripe = createStripeApiClient(emulator.apiKey, { baseUrl: emulator.url, maxNetworkRetries: 0 });
    destination = (await admin.accounts.create({ type: 'express', country: 'US' })).id;
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  beforeEach(() => {
    emulator.setBalance(10_000_000);
    emulator.resetRequestCounts();
  });

  const listed = async (items: AsyncIterable<{ id: string }>) => {
    const ids: string[] = [];
    for await (const item of items) ids.push(item.id);
    return ids;
  };

  it('iterating a list yields every item of every page once, in the order the SDK yields them', async () => {
    // Prepare
    const group = 'paged-group';
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        (await admin.transfers.create({ amount: 100 + i, currency: 'usd', destination, transfer_group: group })).id,
      );
    }
    emulator.resetRequestCounts();
    // Act
    const ours = await listed(stripe.transfers.list({ transfer_group: group, limit: 3 }));
    const oursPages = emulator.requestCounts().routes['GET /v1/transfers']?.served;
    const sdks = await listed(admin.transfers.list({ transfer_group: group, limit: 3 }));
    // Assess
    expect(ours).toEqual(sdks);
    expect([...ours].sort()).toEqual([...made].sort());
    expect(oursPages).toBe(3);
  });

  it('awaiting a list gives its first page', async () => {
    // Prepare
    const group = 'first-page-group';
    for (let i = 0; i < 4; i++) {
      await admin.transfers.create({ amount: 200 + i, currency: 'usd', destination, transfer_group: group });
    }
    // Act
    const page = await stripe.transfers.list({ transfer_group: group, limit: 3 });
    // Assess
    expect(page.data).toHaveLength(3);
    expect(page.has_more).toBe(true);
    expect(emulator.requestCounts().routes['GET /v1/transfers']?.served).toBe(1);
  });

  it('retrieving a charge Stripe does not have is resource_missing', async () => {
    // Act
    const error = await stripe.charges.retrieve('ch_does_not_exist').catch((e: unknown) => e);
    // Assess
    expect(isResourceMissing(error)).toBe(true);
    expect(error).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 404 });
  });

  it('a transfer created twice with one idempotency key is made once', async () => {
    // Prepare
    const params = { amount: 321, currency: 'usd', destination, transfer_group: 'idempotent-group' };
    // Act
    const first = await stripe.transfers.create(params, { idempotencyKey: 'one-key-one-transfer' });
    const second = await stripe.transfers.create(params, { idempotencyKey: 'one-key-one-transfer' });
    // Assess
    expect(second.id).toBe(first.id);
    expect(emulator.transfers().filter((t) => t.transfer_group === 'idempotent-group')).toHaveLength(1);
  });

  it('refuses a backward list (ending_before), awaited or iterated, without asking Stripe', async () => {
    // Act
    const awaited = await stripe.transfers.list({ ending_before: 'tr_1', limit: 3 }).catch((e: unknown) => e);
    const iterated = await listed(stripe.transfers.list({ ending_before: 'tr_1' })).catch((e: unknown) => e);
    // Assess
    for (const error of [awaited, iterated]) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/ending_before is not supported/);
    }
    expect(emulator.requestCounts().total.served).toBe(0);
  });
});
