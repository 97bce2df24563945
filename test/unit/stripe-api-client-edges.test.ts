/**
 * Two edges of the functions' Stripe client where a quiet answer could cost money: a list page that says there is
 * more but is empty must fail (a short list of a transfer group read as complete could lead to a second transfer),
 * and a POST given an empty idempotency key still goes out with a key (a retry must not make a second object).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripePaymentProvider } from '../../adapters/stripe/payments.js';
import { createStripeApiClient } from '../../functions/commons/stripe-api-client.js';
import { type ScriptedServer, startScriptedServer } from './support/scripted-http-server.js';

let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer();
});

afterAll(async () => {
  await server?.close();
});

const transfer = (id: string) => ({
  id,
  object: 'transfer',
  amount: 100,
  amount_reversed: 0,
  reversed: false,
  currency: 'usd',
  destination: 'acct_1',
  transfer_group: 'group-1',
  metadata: {},
  created: 1,
});

const page = (data: object[], hasMore: boolean) => ({
  status: 200,
  body: JSON.stringify({ object: 'list', data, has_more: hasMore, url: '/v1/transfers' }),
});

describe("the functions' Stripe client at the edges", () => {
  it('fails a listing whose next page is empty but says there is more, instead of ending it short', async () => {
    // Prepare
    server.answerWith(page([transfer('tr_1')], true), page([], true));
    const payments = new StripePaymentProvider(
      createStripeApiClient('sk_test_edges', { baseUrl: server.baseUrl, maxNetworkRetries: 0 }),
    );
    // Act
    const listing = payments.findTransfersByGroup('group-1');
    // Assess: a transient failure (the message is retried), not a one-transfer group
    await expect(listing).rejects.toMatchObject({ permanent: false });
    expect(server.requests.map((request) => request.url)).toEqual([
      '/v1/transfers?transfer_group=group-1&limit=100',
      '/v1/transfers?transfer_group=group-1&limit=100&starting_after=tr_1',
    ]);
  });

  it('sends a POST given an empty idempotency key with a key of its own, the same on its retry', async () => {
    // Prepare
    server.answerWith({ status: 500, body: '{"error":{"type":"api_error"}}' }, { status: 200, body: '{"id":"trr_1"}' });
    const stripe = createStripeApiClient('sk_test_edges', { baseUrl: server.baseUrl, maxNetworkRetries: 1 });
    // Act
    await stripe.transfers.createReversal('tr_1', { amount: 100 }, { idempotencyKey: '' });
    // Assess
    const keys = server.requests.map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^district-payouts-retry-[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });
});
