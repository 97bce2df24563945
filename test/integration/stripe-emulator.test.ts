import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';

type Fixtures = { resources: Record<string, Record<string, unknown>> };
const fixtures = JSON.parse(
  readFileSync(new URL('../../local/stripe-emulator/fixtures3.json', import.meta.url), 'utf8'),
) as Fixtures;
const fixtureKeys = (resource: string): string[] => Object.keys(fixtures.resources[resource] ?? { missing: true });

let emulator: StripeEmulator;
let stripe: Stripe;

/** What the SDK threw, for asserting on Stripe error classes and fields. */
async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const availableUsd = async (): Promise<number> =>
  (await stripe.balance.retrieve()).available.find((b) => b.currency === 'usd')?.amount ?? 0;

const connectedAccount = (): Promise<Stripe.Account> =>
  stripe.accounts.create({ type: 'custom', country: 'US', email: 'district@example.org' });

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0 });
  stripe = createStripeClient(emulator.apiKey, { baseUrl: emulator.url, maxNetworkRetries: 0 });
});

afterAll(async () => {
  await emulator?.stop();
  await emulator?.stop(); // stopping twice is harmless
});

beforeEach(() => {
  emulator.reset();
});

describe('accounts', () => {
  it('creates a Connect account and retrieves it', async () => {
    // Prepare
    const params = { type: 'express' as const, country: 'US', email: 'a@b.org', metadata: { districtId: 'd-1' } };

    // Act
    const created = await stripe.accounts.create(params);
    const retrieved = await stripe.accounts.retrieve(created.id);

    // Assess
    expect(created.id).toMatch(/^acct_[A-Za-z0-9]{24}$/);
    expect(retrieved).toMatchObject({
      id: created.id,
      object: 'account',
      type: 'express',
      email: 'a@b.org',
      metadata: { districtId: 'd-1' },
      capabilities: { transfers: 'active' },
    });
  });

  it('answers resource_missing 404 for an unknown account', async () => {
    // Act
    const error = await caught(stripe.accounts.retrieve('acct_nope'));

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', type: 'StripeInvalidRequestError' });
  });
});

describe('transfers', () => {
  it('creates a transfer, debits the balance and retrieves it', async () => {
    // Prepare
    const account = await connectedAccount();
    const before = await availableUsd();

    // Act
    const transfer = await stripe.transfers.create({
      amount: 12_345,
      currency: 'usd',
      destination: account.id,
      transfer_group: 'invoice_in_1',
      metadata: { payoutId: 'p-1' },
      description: 'Revenue share',
    });
    const retrieved = await stripe.transfers.retrieve(transfer.id);

    // Assess
    expect(transfer.id).toMatch(/^tr_/);
    expect(retrieved).toMatchObject({
      id: transfer.id,
      object: 'transfer',
      amount: 12_345,
      amount_reversed: 0,
      currency: 'usd',
      destination: account.id,
      transfer_group: 'invoice_in_1',
      metadata: { payoutId: 'p-1' },
      description: 'Revenue share',
      livemode: false,
      reversed: false,
      reversals: { object: 'list', data: [], url: `/v1/transfers/${transfer.id}/reversals` },
    });
    expect(await availableUsd()).toBe(before - 12_345);
  });

  it('lists newest first, filtered by destination, transfer_group and created', async () => {
    // Prepare
    const [a, b] = [await connectedAccount(), await connectedAccount()];
    vi.useFakeTimers({ toFake: ['Date'] });
    let first: Stripe.Transfer;
    let second: Stripe.Transfer;
    let third: Stripe.Transfer;
    try {
      vi.setSystemTime(new Date('2026-03-01T00:00:00Z'));
      first = await stripe.transfers.create({ amount: 100, currency: 'usd', destination: a.id, transfer_group: 'g1' });
      vi.setSystemTime(new Date('2026-03-01T01:00:00Z'));
      second = await stripe.transfers.create({ amount: 200, currency: 'usd', destination: b.id, transfer_group: 'g1' });
      vi.setSystemTime(new Date('2026-03-01T02:00:00Z'));
      third = await stripe.transfers.create({ amount: 300, currency: 'usd', destination: a.id, transfer_group: 'g2' });
    } finally {
      vi.useRealTimers();
    }

    // Act
    const all = await stripe.transfers.list();
    const toA = await stripe.transfers.list({ destination: a.id });
    const groupOne = await stripe.transfers.list({ transfer_group: 'g1' });
    const sinceSecond = await stripe.transfers.list({ created: { gte: second.created } });
    const exactlyFirst = await stripe.transfers.list({ created: first.created });
    const page = await stripe.transfers.list({ limit: 1, starting_after: third.id });

    // Assess
    const ids = (list: Stripe.ApiList<Stripe.Transfer>) => list.data.map((t) => t.id);
    expect(ids(all)).toEqual([third.id, second.id, first.id]);
    expect(all).toMatchObject({ object: 'list', has_more: false, url: '/v1/transfers' });
    expect(ids(toA)).toEqual([third.id, first.id]);
    expect(ids(groupOne)).toEqual([second.id, first.id]);
    expect(ids(sinceSecond)).toEqual([third.id, second.id]);
    expect(ids(exactlyFirst)).toEqual([first.id]);
    expect(ids(page)).toEqual([second.id]);
    expect(page.has_more).toBe(true);
  });

  it('rejects an unknown destination with resource_missing on param destination', async () => {
    // Act
    const error = await caught(stripe.transfers.create({ amount: 100, currency: 'usd', destination: 'acct_missing' }));

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'destination' });
    expect(emulator.transfers()).toHaveLength(0);
  });

  it('rejects a transfer above the available balance with balance_insufficient', async () => {
    // Prepare
    const account = await connectedAccount();
    emulator.setBalance(1_000);

    // Act
    const error = await caught(stripe.transfers.create({ amount: 1_001, currency: 'usd', destination: account.id }));

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'balance_insufficient', rawType: 'invalid_request_error' });
    expect(await availableUsd()).toBe(1_000);
    expect(emulator.transfers()).toHaveLength(0);
  });

  it('rejects missing and non-integer parameters', async () => {
    // Prepare
    const account = await connectedAccount();
    const noDestination = { amount: 100, currency: 'usd' } as Stripe.TransferCreateParams;

    // Act
    const missing = await caught(stripe.transfers.create(noDestination));
    const fractional = await caught(
      stripe.transfers.create({ amount: 12.5, currency: 'usd', destination: account.id }),
    );

    // Assess
    expect(missing).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'destination' });
    expect(fractional).toMatchObject({ statusCode: 400, code: 'parameter_invalid_integer', param: 'amount' });
    expect(emulator.transfers()).toHaveLength(0);
  });
});

describe('reversals', () => {
  it('reverses partially then fully, crediting the balance back', async () => {
    // Prepare
    const account = await connectedAccount();
    const transfer = await stripe.transfers.create({ amount: 1_000, currency: 'usd', destination: account.id });
    const afterTransfer = await availableUsd();

    // Act
    const partial = await stripe.transfers.createReversal(transfer.id, { amount: 400, metadata: { reason: 'refund' } });
    const afterPartial = await stripe.transfers.retrieve(transfer.id);
    const rest = await stripe.transfers.createReversal(transfer.id);
    const afterFull = await stripe.transfers.retrieve(transfer.id);
    const listed = await stripe.transfers.listReversals(transfer.id);
    const overReversal = await caught(stripe.transfers.createReversal(transfer.id, { amount: 1 }));

    // Assess
    expect(partial).toMatchObject({ object: 'transfer_reversal', amount: 400, transfer: transfer.id, currency: 'usd' });
    expect(partial.id).toMatch(/^trr_/);
    expect(afterPartial).toMatchObject({ amount_reversed: 400, reversed: false });
    expect(rest.amount).toBe(600);
    expect(afterFull).toMatchObject({ amount_reversed: 1_000, reversed: true });
    expect(afterFull.reversals.data.map((r) => r.id)).toEqual([rest.id, partial.id]);
    expect(listed.data.map((r) => r.id)).toEqual([rest.id, partial.id]);
    expect(overReversal).toMatchObject({ statusCode: 400, param: 'amount' });
    expect(await availableUsd()).toBe(afterTransfer + 1_000);
  });

  it('refuses a reversal above the unreversed amount', async () => {
    // Prepare
    const account = await connectedAccount();
    const transfer = await stripe.transfers.create({ amount: 500, currency: 'usd', destination: account.id });

    // Act
    const error = await caught(stripe.transfers.createReversal(transfer.id, { amount: 501 }));

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((await stripe.transfers.retrieve(transfer.id)).amount_reversed).toBe(0);
  });
});

describe('events', () => {
  it('emits transfer.created and transfer.reversed, listable by type and retrievable', async () => {
    // Prepare
    const account = await connectedAccount();
    const transfer = await stripe.transfers.create(
      { amount: 700, currency: 'usd', destination: account.id },
      { idempotencyKey: 'payout-7' },
    );
    await stripe.transfers.createReversal(transfer.id, { amount: 100 });

    // Act
    const created = await stripe.events.list({ type: 'transfer.created' });
    const reversed = await stripe.events.list({ type: 'transfer.reversed' });
    const anyTransfer = await stripe.events.list({ type: 'transfer.*' });
    const both = await stripe.events.list({ types: ['transfer.created', 'transfer.reversed'] });
    const createdEvent = created.data[0];
    const retrieved = await stripe.events.retrieve(createdEvent?.id ?? 'missing');

    // Assess
    expect(created.data).toHaveLength(1);
    expect(retrieved).toMatchObject({
      id: createdEvent?.id,
      object: 'event',
      type: 'transfer.created',
      api_version: Stripe.API_VERSION,
      livemode: false,
      request: { idempotency_key: 'payout-7' },
      data: { object: { id: transfer.id, amount: 700, amount_reversed: 0 } },
    });
    expect(retrieved.id).toMatch(/^evt_/);
    expect(retrieved.request?.id).toMatch(/^req_/);
    expect(reversed.data[0]?.data.object).toMatchObject({ id: transfer.id, amount_reversed: 100 });
    expect(anyTransfer.data.map((e) => e.type)).toEqual(['transfer.reversed', 'transfer.created']);
    expect(both.data).toHaveLength(2);
  });

  it('stores events created by the test harness', async () => {
    // Prepare
    const invoice = emulator.buildInvoice({ amount_paid: 5_000, metadata: { districtId: 'd-9' } });

    // Act
    const event = emulator.createEvent('invoice.paid', invoice);
    const listed = await stripe.events.list({ type: 'invoice.paid' });
    const fetchedInvoice = await stripe.invoices.retrieve(String(invoice.id));

    // Assess
    expect(listed.data.map((e) => e.id)).toEqual([event.id]);
    expect(fetchedInvoice).toMatchObject({ id: invoice.id, status: 'paid', amount_paid: 5_000, total: 5_000 });
    expect(fetchedInvoice.parent?.subscription_details?.subscription).toMatch(/^sub_/);
    expect(fetchedInvoice.metadata).toEqual({ districtId: 'd-9' });
    expect(fetchedInvoice).not.toHaveProperty('subscription');
  });

  it('lists invoices filtered by status and customer, as reconciliation reads them', async () => {
    // Prepare
    const paid = emulator.buildInvoice({ customer: 'cus_reconcile', amount_paid: 700 });
    emulator.buildInvoice({ customer: 'cus_other', amount_paid: 900 });
    emulator.buildInvoice({ customer: 'cus_reconcile', status: 'open', amount_paid: 0 });

    // Act
    const listed = await stripe.invoices.list({ status: 'paid', customer: 'cus_reconcile' });

    // Assess
    expect(listed.data.map((i) => i.id)).toEqual([paid.id]);
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and parameters', async () => {
    // Prepare
    const account = await connectedAccount();
    const params = { amount: 900, currency: 'usd', destination: account.id, metadata: { payoutId: 'p-9' } };

    // Act
    const first = await stripe.transfers.create(params, { idempotencyKey: 'payout-p-9' });
    const second = await stripe.transfers.create(params, { idempotencyKey: 'payout-p-9' });

    // Assess
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(emulator.transfers()).toHaveLength(1);
    expect((await stripe.events.list({ type: 'transfer.created' })).data).toHaveLength(1);
  });

  it('replays errors too', async () => {
    // Prepare
    const account = await connectedAccount();
    emulator.setBalance(100);
    const params = { amount: 500, currency: 'usd', destination: account.id };
    const first = await caught(stripe.transfers.create(params, { idempotencyKey: 'k-err' }));
    emulator.setBalance(1_000_000);

    // Act
    const second = await caught(stripe.transfers.create(params, { idempotencyKey: 'k-err' }));

    // Assess
    expect(first.code).toBe('balance_insufficient');
    expect(second).toMatchObject({ statusCode: 400, code: 'balance_insufficient', message: first.message });
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(emulator.transfers()).toHaveLength(0);
  });

  it('answers idempotency_error when the same key comes with different parameters', async () => {
    // Prepare
    const account = await connectedAccount();
    await stripe.transfers.create({ amount: 100, currency: 'usd', destination: account.id }, { idempotencyKey: 'k1' });

    // Act
    const error = await caught(
      stripe.transfers.create({ amount: 101, currency: 'usd', destination: account.id }, { idempotencyKey: 'k1' }),
    );

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
    expect(emulator.transfers()).toHaveLength(1);
  });
});

describe('auth and faults', () => {
  it('answers 401 to a wrong API key', async () => {
    // Prepare
    const wrong = new Stripe('wrong_key_123', {
      host: '127.0.0.1',
      port: emulator.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });

    // Act
    const error = await caught(wrong.balance.retrieve());

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error).toMatchObject({ statusCode: 401, rawType: 'invalid_request_error' });
  });

  it('fails the next request with a 500 api_error, then recovers', async () => {
    // Prepare
    const account = await connectedAccount();
    emulator.failNext(1);

    // Act
    const error = await caught(stripe.transfers.create({ amount: 100, currency: 'usd', destination: account.id }));
    const next = await stripe.transfers.create({ amount: 100, currency: 'usd', destination: account.id });

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500, rawType: 'api_error' });
    expect(emulator.transfers().map((t) => t.id)).toEqual([next.id]);
  });

  it('delays the next request past the SDK timeout; a retry with the same key does not duplicate', async () => {
    // Prepare
    const account = await connectedAccount();
    const params = { amount: 250, currency: 'usd', destination: account.id };
    emulator.delayNext(1, 400);

    // Act
    const error = await caught(stripe.transfers.create(params, { idempotencyKey: 'slow', timeout: 100 }));
    const retried = await stripe.transfers.create(params, { idempotencyKey: 'slow' });
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(emulator.transfers().map((t) => t.id)).toEqual([retried.id]);
    expect((await stripe.events.list({ type: 'transfer.created' })).data).toHaveLength(1);
  });
});

describe('shapes', () => {
  it('keeps every key of the fixture transfer, transfer_reversal, event, account and balance', async () => {
    // Prepare
    const account = await connectedAccount();
    const transfer = await stripe.transfers.create({ amount: 100, currency: 'usd', destination: account.id });

    // Act
    const reversal = await stripe.transfers.createReversal(transfer.id, { amount: 10 });
    const [event] = (await stripe.events.list({ limit: 1 })).data;
    const balance = await stripe.balance.retrieve();

    // Assess
    expect(Object.keys(transfer)).toEqual(expect.arrayContaining(fixtureKeys('transfer')));
    expect(Object.keys(reversal)).toEqual(expect.arrayContaining(fixtureKeys('transfer_reversal')));
    expect(Object.keys(event ?? {})).toEqual(expect.arrayContaining(fixtureKeys('event')));
    expect(Object.keys(account)).toEqual(expect.arrayContaining(fixtureKeys('account')));
    expect(Object.keys(balance)).toEqual(expect.arrayContaining(fixtureKeys('balance')));
    const invoiceKeys = fixtureKeys('invoice').filter((key) => key !== 'subscription'); // pre-basil key, dropped
    expect(Object.keys(emulator.buildInvoice())).toEqual(expect.arrayContaining(invoiceKeys));
    expect(event?.created).toBeGreaterThan(1_700_000_000);
  });

  it('answers unknown routes with a Stripe-shaped 404 and a Request-Id', async () => {
    // Act
    const response = await fetch(`${emulator.url}/v1/nothing_here`, {
      headers: { Authorization: `Bearer ${emulator.apiKey}` },
    });
    const body = (await response.json()) as { error: { type: string; message: string } };

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('Unrecognized request URL (GET: /v1/nothing_here)');
  });
});

describe('signed webhook delivery', () => {
  const secret = 'whsec_test_emulator';
  let receiver: Server;
  let receiverUrl: string;
  const received: Stripe.Event[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          const event = stripe.webhooks.constructEvent(
            Buffer.concat(chunks),
            String(req.headers['stripe-signature']),
            secret,
          );
          received.push(event);
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received: event.id }));
        } catch (error) {
          res.writeHead(400).end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
  });

  it('posts an event the receiver verifies with constructEvent', async () => {
    // Prepare
    const invoice = emulator.buildInvoice({ amount_paid: 20_000, metadata: { districtId: 'd-1' } });
    const event = emulator.createEvent('invoice.paid', invoice);

    // Act
    const result = await emulator.deliver(event, { url: receiverUrl, secret });

    // Assess
    expect(result).toEqual({ status: 200, body: JSON.stringify({ received: event.id }) });
    expect(received).toHaveLength(1);
    const verified = received[0] as Stripe.InvoicePaidEvent;
    expect(verified.type).toBe('invoice.paid');
    expect(verified.data.object).toMatchObject({
      id: invoice.id,
      amount_paid: 20_000,
      metadata: { districtId: 'd-1' },
    });
  });

  it('is rejected by the receiver when signed with another secret or too long ago', async () => {
    // Prepare
    const event = emulator.createEvent('invoice.paid', emulator.buildInvoice());

    // Act
    const wrongSecret = await emulator.deliver(event, { url: receiverUrl, secret: 'whsec_other' });
    const stale = await emulator.deliver(event, {
      url: receiverUrl,
      secret,
      timestamp: Math.floor(Date.now() / 1000) - 3_600,
    });

    // Assess
    expect(wrongSecret.status).toBe(400);
    expect(stale.status).toBe(400);
    expect(received).toHaveLength(0);
  });

  it('delivers through the control endpoint', async () => {
    // Prepare
    const invoice = emulator.buildInvoice({ amount_paid: 3_000 });

    // Act
    const response = await fetch(`${emulator.url}/_emulator/deliver`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'invoice.paid', object: invoice, url: receiverUrl, secret }),
    });
    const body = (await response.json()) as { event: { id: string }; status: number; body: string };

    // Assess
    expect(response.status).toBe(200);
    expect(body.status).toBe(200);
    expect(received.map((e) => e.id)).toEqual([body.event.id]);
    expect((await stripe.events.retrieve(body.event.id)).type).toBe('invoice.paid');
  });
});

describe('control endpoints', () => {
  const control = async (path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${emulator.url}/_emulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: await response.json() };
  };

  it('sets the balance, injects faults, stores events, lists transfers and resets', async () => {
    // Prepare
    const account = await connectedAccount();

    // Act
    const balance = await control('balance', { available: 5_000, currency: 'usd' });
    await stripe.transfers.create({ amount: 1_500, currency: 'usd', destination: account.id });
    const transfers = await control('transfers');
    const faults = await control('faults', { failNext: 1, status: 503 });
    const failed = await caught(stripe.balance.retrieve());
    const event = await control('events', { type: 'invoice.paid', object: emulator.buildInvoice() });
    const storedEvent = await stripe.events.retrieve((event.json as { id: string }).id);
    const reset = await control('reset', {});

    // Assess
    expect(balance.json).toMatchObject({ object: 'balance', available: [{ amount: 5_000, currency: 'usd' }] });
    expect(transfers.json).toMatchObject({ object: 'list', data: [{ amount: 1_500, destination: account.id }] });
    expect(faults.json).toMatchObject({ failNext: 1, status: 503 });
    expect(failed).toMatchObject({ statusCode: 503, rawType: 'api_error' });
    expect(storedEvent.type).toBe('invoice.paid');
    expect(reset.status).toBe(200);
    expect(emulator.transfers()).toHaveLength(0);
    expect(await availableUsd()).toBe(10_000_000_00);
  });
});
