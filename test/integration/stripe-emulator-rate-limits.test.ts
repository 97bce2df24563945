import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';

let emulator: StripeEmulator;
let stripe: Stripe;

const sdk = (target: StripeEmulator, maxNetworkRetries = 0): Stripe =>
  new Stripe(target.apiKey, { host: '127.0.0.1', port: target.port, protocol: 'http', maxNetworkRetries });

/** Each call's outcome: 'ok' or the Stripe error it threw. */
const settle = async (calls: Array<Promise<unknown>>): Promise<Array<'ok' | Stripe.errors.StripeError>> =>
  (await Promise.allSettled(calls)).map((r) => {
    if (r.status === 'fulfilled') return 'ok';
    if (r.reason instanceof Stripe.errors.StripeError) return r.reason;
    throw r.reason;
  });

const oks = (outcomes: Array<'ok' | Stripe.errors.StripeError>): number => outcomes.filter((o) => o === 'ok').length;
const errors = (outcomes: Array<'ok' | Stripe.errors.StripeError>): Stripe.errors.StripeError[] =>
  outcomes.filter((o): o is Stripe.errors.StripeError => o !== 'ok');

const times = <T>(n: number, call: () => Promise<T>): Array<Promise<T>> => Array.from({ length: n }, call);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const transfer = async (): Promise<Stripe.Transfer> => {
  const account = await stripe.accounts.create({ type: 'express', country: 'US' });
  return stripe.transfers.create({ amount: 500, currency: 'usd', destination: account.id });
};

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0 });
  stripe = sdk(emulator);
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(() => {
  emulator.reset();
});

describe('rate limits', () => {
  it('are off by default', async () => {
    // Act
    const outcomes = await settle(times(60, () => stripe.balance.retrieve()));

    // Assess
    expect(oks(outcomes)).toBe(60);
    expect(emulator.rateLimits()).toEqual({});
    expect(emulator.requestCounts().total).toEqual({ served: 60, rateLimited: 0, lockTimeouts: 0 });
  });

  it("answer 429 rate_limit in Stripe's shape over the global limit; the SDK throws StripeRateLimitError and does not retry it", async () => {
    // Prepare
    emulator.setRateLimits({ global: 5 });
    const retrying = sdk(emulator, 2); // stripe-node retries 5xx and 409, never a plain 429

    // Act
    const outcomes = await settle(times(8, () => retrying.balance.retrieve()));
    const raw = await fetch(`${emulator.url}/v1/balance`, { headers: { Authorization: `Bearer ${emulator.apiKey}` } });

    // Assess
    expect(oks(outcomes)).toBe(5);
    const refused = errors(outcomes);
    expect(refused).toHaveLength(3);
    for (const error of refused) {
      expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(error).toMatchObject({ statusCode: 429, code: 'rate_limit', type: 'StripeRateLimitError' });
      expect(error.raw).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
    }
    expect(raw.status).toBe(429);
    expect(await raw.json()).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'rate_limit',
        message: expect.stringContaining('Request rate limit exceeded'),
        doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
        request_log_url: expect.stringMatching(/^https:\/\/dashboard\.stripe\.com\/test\/logs\/req_/),
      },
    });
    expect(emulator.requestCounts().routes['GET /v1/balance']).toEqual({ served: 5, rateLimited: 4, lockTimeouts: 0 });
  });

  it('count a sliding one-second window', async () => {
    // Prepare
    emulator.setRateLimits({ global: 3 });
    await settle(times(3, () => stripe.balance.retrieve()));

    // Act
    const atOnce = await settle([stripe.balance.retrieve()]);
    await sleep(1_050);
    const aSecondLater = await settle(times(3, () => stripe.balance.retrieve()));

    // Assess
    expect(errors(atOnce)).toHaveLength(1);
    expect(oks(aSecondLater)).toBe(3);
  });

  it('limit each endpoint (method + route pattern) on its own', async () => {
    // Prepare
    const tr = await transfer();
    const other = await transfer();
    emulator.setRateLimits({ perEndpoint: 3, endpoints: { 'POST /v1/transfers': 1 } });
    const account = await stripe.accounts.create({ type: 'express', country: 'US' });
    const create = () => stripe.transfers.create({ amount: 1, currency: 'usd', destination: account.id });

    // Act
    const creates = await settle(times(3, create));
    const retrieves = await settle([
      stripe.transfers.retrieve(tr.id),
      stripe.transfers.retrieve(other.id),
      stripe.transfers.retrieve(tr.id),
      stripe.transfers.retrieve(other.id),
    ]);
    const balances = await settle(times(3, () => stripe.balance.retrieve()));

    // Assess
    expect(oks(creates)).toBe(1);
    expect(errors(creates).map((e) => e.code)).toEqual(['rate_limit', 'rate_limit']);
    expect(oks(retrieves)).toBe(3); // GET /v1/transfers/:id counts every id together
    expect(oks(balances)).toBe(3);
    const { routes } = emulator.requestCounts();
    expect(routes['POST /v1/transfers']).toMatchObject({ served: 3, rateLimited: 2 }); // 2 before the limits
    expect(routes['GET /v1/transfers/:id']).toMatchObject({ served: 3, rateLimited: 1 });
    expect(routes['GET /v1/balance']).toMatchObject({ served: 3, rateLimited: 0 });
  });

  it("take Stripe's sandbox limits at start, and reset() returns to them", async () => {
    // Prepare
    const limited = await startStripeEmulator({ port: 0, rateLimits: 'sandbox' });
    const client = sdk(limited);
    try {
      // Act
      const burst = await settle(times(30, () => client.balance.retrieve()));
      limited.setRateLimits(null);
      const unlimited = await settle(times(30, () => client.balance.retrieve()));
      limited.reset();

      // Assess
      expect(oks(burst)).toBe(25);
      expect(oks(unlimited)).toBe(30);
      expect(limited.rateLimits()).toEqual({ global: 25, perEndpoint: 25 });
      expect(limited.requestCounts().total).toEqual({ served: 0, rateLimited: 0, lockTimeouts: 0 });
    } finally {
      await limited.stop();
    }
  });
});

describe('lock_timeout', () => {
  it('refuses a write to an object another write still holds, with 429 lock_timeout', async () => {
    // Prepare
    const tr = await transfer();
    const [a, b] = [await transfer(), await transfer()];
    emulator.setRateLimits({ lockTimeout: true, lockHoldMs: 100 });

    // Act
    const concurrent = await settle([
      stripe.transfers.update(tr.id, { metadata: { n: '1' } }),
      stripe.transfers.update(tr.id, { metadata: { n: '2' } }),
    ]);
    const sequential = [
      await stripe.transfers.update(tr.id, { metadata: { n: '3' } }),
      await stripe.transfers.update(tr.id, { metadata: { n: '4' } }),
    ];
    const otherObjects = await settle([
      stripe.transfers.update(a.id, { metadata: { n: '5' } }),
      stripe.transfers.update(b.id, { metadata: { n: '6' } }),
      stripe.transfers.retrieve(a.id), // reads take no lock
    ]);

    // Assess
    expect(oks(concurrent)).toBe(1);
    const [refused] = errors(concurrent);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(refused).toMatchObject({ statusCode: 429, code: 'lock_timeout' });
    expect(refused?.message).toContain('another API request or Stripe process is currently accessing it');
    expect(refused?.headers?.['stripe-should-retry']).toBe('true');
    expect(sequential.map((t) => t.metadata.n)).toEqual(['3', '4']);
    expect(oks(otherObjects)).toBe(3);
    expect(emulator.requestCounts().routes['POST /v1/transfers/:id']).toEqual({
      served: 5,
      rateLimited: 1,
      lockTimeouts: 1,
    });
  });

  it('is retried by the SDK (Stripe-Should-Retry), so concurrent writes both land with retries on', async () => {
    // Prepare
    const tr = await transfer();
    emulator.setRateLimits({ lockTimeout: true, lockHoldMs: 100 });
    const retrying = sdk(emulator, 2);

    // Act
    const outcomes = await settle([
      retrying.transfers.update(tr.id, { metadata: { a: '1' } }),
      retrying.transfers.update(tr.id, { metadata: { b: '2' } }),
    ]);

    // Assess
    expect(oks(outcomes)).toBe(2);
    expect((await stripe.transfers.retrieve(tr.id)).metadata).toMatchObject({ a: '1', b: '2' });
    expect(emulator.requestCounts().total.lockTimeouts).toBeGreaterThanOrEqual(1);
  });
});

describe('request counts', () => {
  it('count served and refused requests per endpoint and in total, readable over the control API, and reset', async () => {
    // Prepare
    const tr = await transfer(); // POST /v1/accounts + POST /v1/transfers
    await stripe.transfers.retrieve(tr.id);
    await stripe.transfers.retrieve('tr_missing').catch(() => undefined); // a 404 is served too
    emulator.setRateLimits({ endpoints: { 'GET /v1/balance': 1 } });
    await settle(times(3, () => stripe.balance.retrieve()));

    // Act
    const counts = emulator.requestCounts();
    const overHttp = await (await fetch(`${emulator.url}/_emulator/request-counts`)).json();
    const reset = await fetch(`${emulator.url}/_emulator/request-counts/reset`, { method: 'POST' });
    const afterReset = emulator.requestCounts();

    // Assess
    expect(counts).toEqual({
      total: { served: 5, rateLimited: 2, lockTimeouts: 0 },
      routes: {
        'GET /v1/balance': { served: 1, rateLimited: 2, lockTimeouts: 0 },
        'GET /v1/transfers/:id': { served: 2, rateLimited: 0, lockTimeouts: 0 },
        'POST /v1/accounts': { served: 1, rateLimited: 0, lockTimeouts: 0 },
        'POST /v1/transfers': { served: 1, rateLimited: 0, lockTimeouts: 0 },
      },
    });
    expect(overHttp).toEqual(counts);
    expect(reset.status).toBe(200);
    expect(afterReset).toEqual({ total: { served: 0, rateLimited: 0, lockTimeouts: 0 }, routes: {} });
  });

  it('set limits over the control API: a preset, settings, or none', async () => {
    // Act
    const post = async (body: unknown) =>
      (
        await fetch(`${emulator.url}/_emulator/rate-limits`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json();
    const live = await post({ preset: 'live' });
    const custom = await post({ global: 10, endpoints: { 'POST /v1/transfers': 2 }, lockTimeout: true });
    const invalid = await post({ endpoints: { transfers: 2 } });
    const none = await post({});

    // Assess
    expect(live).toEqual({ global: 100, perEndpoint: 25 });
    expect(custom).toEqual({ global: 10, endpoints: { 'POST /v1/transfers': 2 }, lockTimeout: true });
    expect(invalid).toMatchObject({
      error: { message: expect.stringContaining("must look like 'POST /v1/transfers'") },
    });
    expect(none).toEqual({});
  });
});
