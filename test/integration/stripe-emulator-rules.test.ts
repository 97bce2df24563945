import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { caught, useEmulator } from './stripe-emulator-helpers.js';

const ctx = useEmulator();
const HOUR = 3_600;

const client = (key: string): Stripe =>
  new Stripe(key, { host: '127.0.0.1', port: ctx.emulator.port, protocol: 'http', maxNetworkRetries: 0 });

describe('idempotency keys', () => {
  it('expire after 24 h of emulator time: the same key then executes again', async () => {
    // Prepare
    const customer = { email: 'a@example.org' };
    const first = await ctx.stripe.customers.create(customer, { idempotencyKey: 'cus-1' });
    ctx.emulator.advanceClock(23 * HOUR);
    const replayed = await ctx.stripe.customers.create(customer, { idempotencyKey: 'cus-1' });

    // Act
    ctx.emulator.advanceClock(HOUR);
    const afterExpiry = await ctx.stripe.customers.create(customer, { idempotencyKey: 'cus-1' });

    // Assess
    expect(replayed.id).toBe(first.id);
    expect(replayed.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(afterExpiry.id).not.toBe(first.id);
  });

  it('stores nothing for a validation failure, so the key can then be used', async () => {
    // Prepare
    const bad = { customer: 'cus_x', amount: 'abc', currency: 'usd' } as unknown as Stripe.InvoiceItemCreateParams;
    const invalid = await caught(ctx.stripe.invoiceItems.create(bad, { idempotencyKey: 'ii-1' }));
    const customer = await ctx.stripe.customers.create({});

    // Act
    const item = await ctx.stripe.invoiceItems.create(
      { customer: customer.id, amount: 100, currency: 'usd' },
      { idempotencyKey: 'ii-1' },
    );

    // Assess
    expect(invalid).toMatchObject({ statusCode: 400, code: 'parameter_invalid_integer' });
    expect(item.amount).toBe(100);
    expect(item.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers idempotency_error for the same key with other parameters', async () => {
    // Prepare
    await ctx.stripe.customers.create({ email: 'a@example.org' }, { idempotencyKey: 'k' });

    // Act
    const error = await caught(ctx.stripe.customers.create({ email: 'b@example.org' }, { idempotencyKey: 'k' }));

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });
});

describe('unknown parameters', () => {
  it('answers 400 parameter_unknown naming the parameter, and creates nothing', async () => {
    // Prepare
    const account = await ctx.stripe.accounts.create({ type: 'express' });
    const transfer = {
      amount: 100,
      currency: 'usd',
      destination: account.id,
      colour: 'blue',
    } as Stripe.TransferCreateParams;

    // Act
    const create = await caught(ctx.stripe.transfers.create(transfer));
    const list = await caught(ctx.stripe.charges.list({ sort: 'asc' } as Stripe.ChargeListParams));
    const known = await ctx.stripe.invoices.list({ status: 'paid', expand: ['data.customer'] });

    // Assess
    expect(create).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'colour' });
    expect(create.message).toBe('Received unknown parameter: colour');
    expect(list).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'sort' });
    expect(known.data).toEqual([]);
    expect(ctx.emulator.transfers()).toHaveLength(0);
  });

  it('checks the webhook endpoint routes too: a mistyped parameter registers no endpoint', async () => {
    // Act
    const create = await caught(
      ctx.stripe.webhookEndpoints.create({
        url: 'http://127.0.0.1:9/hook',
        enabled_events: ['invoice.paid'],
        enabled_event: ['charge.refunded'],
      } as Stripe.WebhookEndpointCreateParams),
    );
    const endpoints = await ctx.stripe.webhookEndpoints.list();

    // Assess
    expect(create).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'enabled_event' });
    expect(endpoints.data).toEqual([]);
  });
});

describe('API keys', () => {
  it('accepts any sk_test_ key and refuses live keys and other strings with 401', async () => {
    // Act
    const balance = await client('sk_test_anything_else').balance.retrieve();
    const live = await caught(client('sk_live_1234567890').balance.retrieve());
    const other = await caught(client('not_a_key').balance.retrieve());

    // Assess
    expect(balance.object).toBe('balance');
    expect(live).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(live).toMatchObject({ statusCode: 401, rawType: 'invalid_request_error' });
    expect(other).toMatchObject({ statusCode: 401 });
  });
});

describe('bad input', () => {
  it('answers Stripe errors, never a 500, for malformed bodies on every new route', async () => {
    // Prepare
    const posts = [
      '/v1/customers/cus_missing',
      '/v1/invoiceitems',
      '/v1/invoices',
      '/v1/invoices/in_missing/finalize',
      '/v1/invoices/in_missing/pay',
      '/v1/refunds',
      '/v1/disputes/du_missing/close',
      '/v1/credit_notes',
    ];
    const bodies = ['', 'amount=-1&currency=1', 'customer[x]=1&metadata=5', 'lines[0]=x&invoice=in_x', 'expand[]=nope'];

    // Act
    const statuses: number[] = [];
    for (const path of posts) {
      for (const body of bodies) {
        const response = await fetch(`${ctx.emulator.url}${path}`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${ctx.emulator.apiKey}`,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body,
        });
        const json = (await response.json()) as { error?: { type: string; message: string } };
        expect(json.error?.type, `${path} ${body}`).toBe('invalid_request_error');
        statuses.push(response.status);
      }
    }

    // Assess
    expect(statuses.every((s) => s === 400 || s === 404)).toBe(true);
    expect(ctx.emulator.events()).toEqual([]);
  });
});
