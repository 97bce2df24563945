import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';

/** What the receiver got: one entry per POST. */
interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  event: Stripe.Event;
}

/** Answers the n-th request (0-based) with a status, after an optional delay. */
type Responder = (n: number, event: Stripe.Event) => number | { status: number; delayMs: number };

/** A small webhook receiver on 127.0.0.1, as the product's endpoint would be. */
class Receiver {
  readonly received: Received[] = [];
  respond: Responder = () => 200;
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as Stripe.Event;
      const n = this.received.length;
      this.received.push({ headers: req.headers, body, event });
      const answer = this.respond(n, event);
      const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
      const timer = setTimeout(() => {
        if (!res.destroyed) res.writeHead(status, { 'Content-Type': 'application/json' }).end('{"received":true}');
      }, delayMs);
      res.on('close', () => clearTimeout(timer));
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
  }

  clear(): void {
    this.received.length = 0;
    this.respond = () => 200;
  }

  ids(): string[] {
    return this.received.map((r) => r.event.id);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let emulator: StripeEmulator;
let stripe: Stripe;
const receiver = new Receiver();

/** Fast retries so a whole retry schedule plays out in milliseconds. */
const FAST = { retryBaseMs: 10, retryMaxMs: 40, timeoutMs: 2_000 };

async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const endpoint = (enabled_events: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = ['*']) =>
  stripe.webhookEndpoints.create({ url: receiver.url, enabled_events });

const emit = (type: string, id = `tr_${Math.random().toString(36).slice(2)}`) =>
  emulator.createEvent(type, { id, object: 'transfer' });

beforeAll(async () => {
  await receiver.start();
  emulator = await startStripeEmulator({ port: 0, delivery: FAST });
  stripe = createStripeClient(emulator.apiKey, { baseUrl: emulator.url, maxNetworkRetries: 0 });
});

afterAll(async () => {
  await emulator?.stop();
  await receiver.stop();
});

beforeEach(() => {
  emulator.reset();
  receiver.clear();
});

describe('webhook endpoints', () => {
  it('creates, retrieves, lists, updates and deletes an endpoint; the secret comes with create only', async () => {
    // Act
    const created: Stripe.WebhookEndpoint = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['transfer.created', 'transfer.reversed'],
      description: 'district payouts',
      metadata: { env: 'test' },
    });
    const secretShown = emulator.webhookSecret(created.id);
    const retrieved = await stripe.webhookEndpoints.retrieve(created.id);
    const listed = await stripe.webhookEndpoints.list({ limit: 10 });
    const disabled = await stripe.webhookEndpoints.update(created.id, {
      disabled: true,
      enabled_events: ['*'],
      url: `${receiver.url}?v=2`,
    });
    const enabled = await stripe.webhookEndpoints.update(created.id, { disabled: false });
    const deleted = await stripe.webhookEndpoints.del(created.id);
    const gone = await caught(stripe.webhookEndpoints.retrieve(created.id));

    // Assess
    expect(created).toMatchObject({
      object: 'webhook_endpoint',
      url: receiver.url,
      enabled_events: ['transfer.created', 'transfer.reversed'],
      status: 'enabled',
      description: 'district payouts',
      metadata: { env: 'test' },
      livemode: false,
    });
    expect(created.id).toMatch(/^we_[A-Za-z0-9]{24}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    expect(secretShown).toBe(created.secret);
    expect(retrieved.secret).toBeUndefined();
    expect(retrieved).toMatchObject({ id: created.id, status: 'enabled' });
    expect(listed.data.map((e) => e.id)).toEqual([created.id]);
    expect(listed.data[0]?.secret).toBeUndefined();
    expect(disabled).toMatchObject({ status: 'disabled', enabled_events: ['*'], url: `${receiver.url}?v=2` });
    expect(enabled.status).toBe('enabled');
    expect(deleted).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
    expect(gone).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('validates url and enabled_events', async () => {
    // Act
    const noEvents = await caught(
      stripe.webhookEndpoints.create({ url: receiver.url } as Stripe.WebhookEndpointCreateParams),
    );
    const badUrl = await caught(stripe.webhookEndpoints.create({ url: 'not a url', enabled_events: ['*'] }));
    const badDisabled = await caught(
      stripe.webhookEndpoints.update((await endpoint()).id, { disabled: 'maybe' as unknown as boolean }),
    );

    // Assess
    expect(noEvents).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'enabled_events' });
    expect(badUrl).toMatchObject({ statusCode: 400, code: 'url_invalid', param: 'url' });
    expect(badDisabled).toMatchObject({ statusCode: 400, param: 'disabled' });
  });
});

describe('webhook delivery', () => {
  it('POSTs each event, signed with the endpoint secret, verifiable with constructEvent', async () => {
    // Prepare
    const { secret } = await endpoint(['transfer.created']);
    const account = await stripe.accounts.create({ type: 'express', country: 'US' });

    // Act
    const transfer = await stripe.transfers.create({ amount: 1_000, currency: 'usd', destination: account.id });
    await emulator.whenDelivered();

    // Assess
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const signature = String(delivery?.headers['stripe-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(delivery?.headers['content-type']).toContain('application/json');
    const event = stripe.webhooks.constructEvent(delivery?.body ?? '', signature, secret ?? '');
    expect(event).toMatchObject({ type: 'transfer.created', data: { object: { id: transfer.id, amount: 1_000 } } });
    expect(() => stripe.webhooks.constructEvent(delivery?.body ?? '', signature, 'whsec_wrong')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    const stored = await stripe.events.retrieve(event.id);
    expect(stored.pending_webhooks).toBe(0);
    expect(emulator.deliveries()).toMatchObject([
      { eventId: event.id, eventType: 'transfer.created', attempt: 1, kind: 'initial', status: 200, ok: true },
    ]);
  });

  it('delivers only the event types an endpoint subscribed to; * gets all', async () => {
    // Prepare
    const updatesOnly = await endpoint(['transfer.updated']);
    const all = await endpoint(['*']);

    // Act
    const created = emit('transfer.created');
    const updated = emit('transfer.updated');
    await emulator.whenDelivered();

    // Assess
    const to = (id: string) =>
      emulator
        .deliveries()
        .filter((d) => d.endpointId === id)
        .map((d) => d.eventId);
    expect(to(updatesOnly.id)).toEqual([updated.id]);
    expect(to(all.id).sort()).toEqual([created.id, updated.id].sort());
    expect(receiver.received).toHaveLength(3);
    expect((await stripe.events.retrieve(created.id)).pending_webhooks).toBe(0);
  });

  it('retries a 500 with backoff: 500, 500, 200 is three attempts and ends delivered', async () => {
    // Prepare
    await endpoint();
    receiver.respond = (n) => (n < 2 ? 500 : 200);

    // Act
    const event = emit('transfer.created');
    const pendingAtFirst = (await stripe.events.retrieve(event.id)).pending_webhooks;
    await emulator.whenDelivered();

    // Assess
    expect(pendingAtFirst).toBe(1);
    const attempts = emulator.deliveries();
    expect(attempts.map((a) => [a.attempt, a.kind, a.status, a.ok])).toEqual([
      [1, 'initial', 500, false],
      [2, 'retry', 500, false],
      [3, 'retry', 200, true],
    ]);
    // Backoff: the second retry waited about twice as long as the first (10 ms, then 20 ms).
    const [a1, a2, a3] = attempts;
    expect((a2?.at ?? 0) - (a1?.at ?? 0)).toBeGreaterThanOrEqual(10);
    expect((a3?.at ?? 0) - (a2?.at ?? 0)).toBeGreaterThanOrEqual(20);
    expect(new Set(receiver.ids())).toEqual(new Set([event.id]));
    expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(0);
    expect((await stripe.events.list({ delivery_success: false })).data).toEqual([]);
  });

  it('counts a timeout as a failed attempt and retries it', async () => {
    // Prepare
    emulator.setDeliveryOptions({ timeoutMs: 50 });
    await endpoint();
    receiver.respond = (n) => (n === 0 ? { status: 200, delayMs: 500 } : 200);

    // Act
    emit('transfer.created');
    await emulator.whenDelivered();

    // Assess
    expect(emulator.deliveries().map((a) => [a.status, a.ok, a.error])).toEqual([
      [null, false, 'Timed out after 50 ms'],
      [200, true, undefined],
    ]);
  });

  it('sends duplicates when switched on: the same event twice', async () => {
    // Prepare
    emulator.setDeliveryOptions({ duplicateRate: 1 });
    await endpoint();

    // Act
    const event = emit('transfer.created');
    await emulator.whenDelivered();

    // Assess
    expect(receiver.ids()).toEqual([event.id, event.id]);
    expect(emulator.deliveries().map((a) => a.kind)).toEqual(['initial', 'duplicate']);
    expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(0);
  });

  it('delivers out of order when switched on: newest first within the window', async () => {
    // Prepare
    await endpoint();

    // Act
    const inOrder = [emit('transfer.created'), emit('transfer.updated'), emit('transfer.reversed')];
    await emulator.whenDelivered();
    const sentInOrder = receiver.ids();
    receiver.clear();
    emulator.setDeliveryOptions({ outOfOrder: true, outOfOrderWindowMs: 20 });
    const reordered = [emit('transfer.created'), emit('transfer.updated'), emit('transfer.reversed')];
    await emulator.whenDelivered();

    // Assess
    expect(new Set(sentInOrder)).toEqual(new Set(inOrder.map((e) => e.id)));
    expect(receiver.ids()).toEqual(reordered.map((e) => e.id).reverse());
  });

  it('disables an endpoint that keeps failing; its events show under delivery_success: false; resend delivers', async () => {
    // Prepare
    emulator.setDeliveryOptions({ maxAttempts: 2, disableAfterFailures: 3 });
    const failing = await endpoint();
    receiver.respond = () => 503;

    // Act
    const first = emit('transfer.created');
    await emulator.whenDelivered();
    const second = emit('transfer.updated');
    await emulator.whenDelivered();
    const afterDisabled = emit('transfer.reversed');
    await emulator.whenDelivered();

    // Assess
    expect((await stripe.webhookEndpoints.retrieve(failing.id)).status).toBe('disabled');
    // 2 attempts for the first event, then the third failure in a row disables it: no retry of the second.
    expect(emulator.deliveries().map((a) => [a.eventId, a.status])).toEqual([
      [first.id, 503],
      [first.id, 503],
      [second.id, 503],
    ]);
    const undelivered = await stripe.events.list({ delivery_success: false });
    expect(undelivered.data.map((e) => e.id)).toEqual([second.id, first.id]);
    expect(undelivered.data.map((e) => e.pending_webhooks)).toEqual([1, 1]);
    expect((await stripe.events.retrieve(afterDisabled.id)).pending_webhooks).toBe(0); // nothing sent to a disabled endpoint
    const delivered = await stripe.events.list({ delivery_success: true });
    expect(delivered.data.map((e) => e.id)).toEqual([afterDisabled.id]);

    // Act: the receiver is fixed and the first event resent, as the Dashboard's "Resend" does
    receiver.respond = () => 200;
    const resent = await emulator.resend(first.id, failing.id);

    // Assess
    expect(resent).toMatchObject([
      { eventId: first.id, endpointId: failing.id, kind: 'resend', status: 200, ok: true },
    ]);
    expect(receiver.received.at(-1)?.event.id).toBe(first.id);
    expect((await stripe.events.retrieve(first.id)).pending_webhooks).toBe(0);
    expect((await stripe.events.list({ delivery_success: false })).data.map((e) => e.id)).toEqual([second.id]);
  });

  it('stops retrying once the endpoint is disabled through the API', async () => {
    // Prepare
    emulator.setDeliveryOptions({ retryBaseMs: 200, retryMaxMs: 200 });
    const target = await endpoint();
    receiver.respond = () => 500;

    // Act
    const event = emit('transfer.created');
    while (emulator.deliveries().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await stripe.webhookEndpoints.update(target.id, { disabled: true });
    await emulator.whenDelivered();
    emit('transfer.updated');
    await emulator.whenDelivered();

    // Assess
    expect(emulator.deliveries().map((a) => a.eventId)).toEqual([event.id]);
    expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(1);
  });

  it('is driven over the control API: settings, deliveries, idle and resend', async () => {
    // Prepare
    const control = async (path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
      const response = await fetch(`${emulator.url}/_emulator/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return { status: response.status, json: await response.json() };
    };
    const target = await endpoint();

    // Act
    const settings = await control('deliveries/settings', { maxAttempts: 1 });
    const invalid = await control('deliveries/settings', { maxAttempts: 'lots' });
    receiver.respond = () => 500;
    const event = emit('transfer.created');
    const idle = await control('deliveries/idle', {});
    receiver.respond = () => 200;
    const resent = await control('resend', { event: event.id });
    const deliveries = await control('deliveries');
    const secret = await control('webhook-secret', { endpoint: target.id });

    // Assess
    expect(settings).toMatchObject({ status: 200, json: { maxAttempts: 1, retryBaseMs: 10 } });
    expect(invalid.status).toBe(400);
    expect(idle).toEqual({ status: 200, json: { ok: true } });
    expect(resent).toMatchObject({ status: 200, json: { data: [{ kind: 'resend', status: 200, ok: true }] } });
    expect(deliveries.json).toMatchObject({
      data: [
        { eventId: event.id, kind: 'initial', status: 500 },
        { eventId: event.id, kind: 'resend', status: 200 },
      ],
    });
    expect(secret.json).toEqual({ secret: target.secret });
  });
});
