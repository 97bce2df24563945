/**
 * End to end with the Stripe emulator delivering, not the test: a local stack registers its webhook endpoint at the
 * emulator (as `npm start` does), invoices are paid through the official SDK, and the emulator signs, sends,
 * retries, duplicates, reorders and finally gives up on its deliveries as Stripe does. The webhook's enqueue can be
 * made to fail, so that the real webhook answers 503 (what it answers when an event could be lost).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROUTED_EVENT_TYPES } from '#contracts/stripe-events.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import type { ProcessEventMessage } from '../../domain/model.js';
import type { MessageQueue } from '../../domain/ports.js';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { type LocalStack, startLocalStack } from '../../local/local-stack.js';
import { payInvoice } from '../../local/stripe-cli/pay-invoice.js';
import type { DeliveryAttempt, DeliverySettings, StripeEmulator } from '../../local/stripe-emulator/index.js';

const run = promisify(execFile);
const DISTRICT = 'emulator-deliveries';
const SHARE_BPS = 1500;
/** Stripe's schedule scaled down so that a whole retry schedule plays out in well under a second. */
const DELIVERY: Partial<DeliverySettings> = {
  maxAttempts: 4,
  retryBaseMs: 20,
  retryFactor: 2,
  retryMaxMs: 200,
  timeoutMs: 10_000,
  disableAfterFailures: 20,
  duplicateRate: 0,
  outOfOrder: false,
};

interface Row {
  revenueShareId: string;
  invoiceId: string;
  payoutStatus: string;
  shareCents: number;
  stripeTransferId?: string;
}

let stack: LocalStack;
let emulator: StripeEmulator;
let stripe: Stripe;
/** How many of the webhook's next enqueues fail (so it answers 503 and the emulator retries). */
let refuseEnqueues = 0;
let revenueShareQueue: MessageQueue<ProcessEventMessage> | undefined;
const flakyQueue: MessageQueue<ProcessEventMessage> = {
  send: async (message, options) => {
    if (refuseEnqueues > 0) {
      refuseEnqueues--;
      throw new Error('revenue-share queue unavailable (test)');
    }
    if (!revenueShareQueue) throw new Error('the stack is not started');
    await revenueShareQueue.send(message, options);
  },
};

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function rows(): Promise<Row[]> {
  const response = await fetch(`${stack.url}/platform/revenue-shares?districtId=${DISTRICT}&limit=1000`);
  return ((await response.json()) as { items: Row[] }).items;
}

const rowsOf = async (invoiceId: string) => (await rows()).filter((row) => row.invoiceId === invoiceId);

const paidRow = (invoiceId: string) =>
  waitFor(async () => {
    const [row] = await rowsOf(invoiceId);
    return row?.payoutStatus === 'PAID' ? row : undefined;
  }, `the PAID row of ${invoiceId}`);

/** The invoice.paid event the emulator emitted for an invoice. */
async function invoicePaidEvent(invoiceId: string): Promise<Stripe.Event> {
  const { data } = await stripe.events.list({ type: 'invoice.paid', limit: 100 });
  const event = data.find((candidate) => (candidate.data.object as { id?: string }).id === invoiceId);
  if (!event) throw new Error(`no invoice.paid event for ${invoiceId}`);
  return event;
}

const attemptsFor = (eventId: string): DeliveryAttempt[] =>
  emulator.deliveries().filter((attempt) => attempt.eventId === eventId);

const transfersOf = (revenueShareId: string) =>
  emulator
    .transfers()
    .filter((transfer) => (transfer.metadata as Record<string, string>).revenueShareId === revenueShareId);

const pay = (amount: number, paymentMethod = 'pm_card_visa') =>
  payInvoice(stripe, { districtId: DISTRICT, amount, paymentMethod });

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    stripeEmulatorPort: 0,
    registerWebhookEndpoint: true,
    webhookSecrets: [],
    retryDelaySeconds: 1,
    stripeEmulator: { delivery: DELIVERY },
    overrides: { 'stripe-webhook': { processEventQueue: flakyQueue } },
  });
  if (!stack.stripe) throw new Error('the stack started without its emulator');
  emulator = stack.stripe;
  revenueShareQueue = new SqsMessageQueue<ProcessEventMessage>(stack.sqs, stack.queues.queues.revenueShare);
  stripe = createStripeClient(emulator.apiKey, { baseUrl: emulator.url, maxNetworkRetries: 0 });
  const account = await stripe.accounts.create({ type: 'express', country: 'US' });
  const put = await fetch(`${stack.url}/platform/districts/${DISTRICT}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      stripeAccountId: account.id,
      shareBps: SHARE_BPS,
      currency: 'usd',
      autoTransfer: true,
      stripeCustomerIds: [],
    }),
  });
  if (put.status !== 200) throw new Error(`the district was not configured: ${put.status}`);
}, 120_000);

afterEach(async () => {
  refuseEnqueues = 0;
  emulator.setDeliveryOptions(DELIVERY);
  await emulator.whenDelivered();
  await stripe.webhookEndpoints.update(String(stack.webhookEndpoint?.id), { disabled: false });
});

afterAll(async () => {
  await stack?.stop();
});

describe('the emulator delivers to the endpoint the local stack registered', () => {
  it('registers one endpoint for exactly the routed event types, whose secret the webhook accepts', async () => {
    // Act
    const { data } = await stripe.webhookEndpoints.list();
    // Assess
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ id: stack.webhookEndpoint?.id, url: stack.webhookUrl, status: 'enabled' });
    expect([...(data[0]?.enabled_events ?? [])].sort()).toEqual([...ROUTED_EVENT_TYPES].sort());
    expect(stack.webhookEndpoint?.secret).toMatch(/^whsec_/);
    expect(emulator.webhookSecret(String(stack.webhookEndpoint?.id))).toBe(stack.webhookEndpoint?.secret);
  });

  it('takes an invoice paid through the SDK to a ledger row and a PAID payout, delivered once by the emulator', async () => {
    // Act
    const { invoice } = await pay(20_000);
    const row = await paidRow(invoice.id);
    await emulator.whenDelivered();
    // Assess
    const event = await invoicePaidEvent(invoice.id);
    expect(attemptsFor(event.id).map(({ endpointId, kind, status }) => ({ endpointId, kind, status }))).toEqual([
      { endpointId: stack.webhookEndpoint?.id, kind: 'initial', status: 200 },
    ]);
    expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(0);
    expect(row).toMatchObject({ shareCents: 3_000, payoutStatus: 'PAID' });
    expect(transfersOf(row.revenueShareId)).toMatchObject([{ id: row.stripeTransferId, amount: 3_000 }]);
  });

  it('retries a delivery the webhook refuses with 503 until it is accepted; the invoice is paid once', async () => {
    // Prepare: the webhook cannot enqueue its next two events, so it records them FAILED and answers 503
    refuseEnqueues = 2;
    // Act
    const { invoice } = await pay(10_000);
    const row = await paidRow(invoice.id);
    await emulator.whenDelivered();
    // Assess
    const event = await invoicePaidEvent(invoice.id);
    expect(attemptsFor(event.id).map(({ kind, status }) => ({ kind, status }))).toEqual([
      { kind: 'initial', status: 503 },
      { kind: 'retry', status: 503 },
      { kind: 'retry', status: 200 },
    ]);
    expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(0);
    expect(await rowsOf(invoice.id)).toHaveLength(1);
    expect(transfersOf(row.revenueShareId)).toHaveLength(1);
  });

  it('changes nothing when every event is delivered twice and out of order: one row and one transfer per invoice', async () => {
    // Prepare
    emulator.setDeliveryOptions({ duplicateRate: 1, outOfOrder: true, outOfOrderWindowMs: 400 });
    // Act: three invoices paid at once, so that their first deliveries fall into one reordered batch
    const paid = await Promise.all([pay(1_000), pay(2_000), pay(3_000)]);
    const paidRows = await Promise.all(paid.map(({ invoice }) => paidRow(invoice.id)));
    await emulator.whenDelivered();
    // Assess
    const events = await Promise.all(paid.map(({ invoice }) => invoicePaidEvent(invoice.id)));
    for (const event of events) {
      expect(attemptsFor(event.id).map((attempt) => attempt.kind)).toEqual(['initial', 'duplicate']);
    }
    const eventIds = events.map((event) => event.id);
    const created = [...eventIds].sort(
      (a, b) =>
        emulator.events().findIndex((event) => event.id === a) - emulator.events().findIndex((event) => event.id === b),
    );
    const sent = emulator
      .deliveries()
      .filter((attempt) => attempt.kind === 'initial' && eventIds.includes(attempt.eventId))
      .map((attempt) => attempt.eventId);
    expect(sent).not.toEqual(created);
    for (const [index, { invoice }] of paid.entries()) {
      const row = paidRows[index] as Row;
      expect(await rowsOf(invoice.id)).toHaveLength(1);
      expect(row.shareCents).toBe(((index + 1) * 1_000 * SHARE_BPS) / 10_000);
      expect(transfersOf(row.revenueShareId)).toHaveLength(1);
    }
  });

  it('disables an endpoint that keeps failing, lists its events as delivery_success: false, and pays once after Resend', async () => {
    // Prepare: the webhook refuses everything; the emulator gives up after three failed attempts in a row
    refuseEnqueues = Number.POSITIVE_INFINITY;
    emulator.setDeliveryOptions({ maxAttempts: 3, disableAfterFailures: 3 });
    const endpointId = String(stack.webhookEndpoint?.id);
    // Act
    const { invoice } = await pay(4_000);
    await emulator.whenDelivered();
    const event = await invoicePaidEvent(invoice.id);
    const disabled = await stripe.webhookEndpoints.retrieve(endpointId);
    const undelivered = (await stripe.events.list({ delivery_success: false, limit: 100 })).data.map((e) => e.id);
    const whileDisabled = await pay(5_000);
    await emulator.whenDelivered();
    const skippedEvent = await invoicePaidEvent(whileDisabled.invoice.id);
    // Assess: three 503s, then nothing more is sent to the disabled endpoint, and no money moved
    expect(attemptsFor(event.id).map((attempt) => attempt.status)).toEqual([503, 503, 503]);
    expect(disabled.status).toBe('disabled');
    expect(undelivered).toContain(event.id);
    expect(attemptsFor(skippedEvent.id)).toEqual([]);
    expect(await rowsOf(invoice.id)).toEqual([]);
    const failed = await fetch(`${stack.url}/platform/webhook-events?status=FAILED`);
    expect(
      ((await failed.json()) as { items: { stripeEventId: string }[] }).items.map((e) => e.stripeEventId),
    ).toContain(event.id);

    // Act: the cause fixed, the endpoint enabled again and the event resent (the Dashboard's Resend)
    refuseEnqueues = 0;
    await stripe.webhookEndpoints.update(endpointId, { disabled: false });
    const resent = await emulator.resend(event.id, endpointId);
    const row = await paidRow(invoice.id);
    // Assess
    expect(resent.map((attempt) => ({ kind: attempt.kind, status: attempt.status }))).toEqual([
      { kind: 'resend', status: 200 },
    ]);
    expect((await stripe.events.list({ delivery_success: false, limit: 100 })).data.map((e) => e.id)).not.toContain(
      event.id,
    );
    expect(transfersOf(row.revenueShareId)).toHaveLength(1);
  });
});

describe('npm run stripe (the trigger CLI) against the running stack', () => {
  const cli = (...args: string[]) =>
    run('npx', ['tsx', 'local/stripe-cli/main.ts', ...args], {
      env: { ...process.env, STRIPE_EMULATOR_PORT: String(emulator.port) },
    }).then(
      (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
      (failed: { code: number; stdout: string; stderr: string }) => failed,
    );

  it('trigger invoice.paid makes a paid invoice for the district, the emulator delivers it, and the payout is PAID', async () => {
    // Act
    const result = await cli('trigger', 'invoice.paid', '--district', DISTRICT, '--amount', '6000');
    // Assess
    expect(result.code).toBe(0);
    const invoiceId = /invoice\s+(in_\w+)/.exec(result.stdout)?.[1];
    expect(invoiceId).toBeDefined();
    const invoiceLine = result.stdout
      .split('\n')
      .find((line) => line.includes(' invoice.paid ') && line.includes(`${invoiceId}`));
    expect(invoiceLine).toContain('delivered');
    const row = await paidRow(String(invoiceId));
    expect(row.shareCents).toBe(900);
  });

  it('trigger charge.refunded and charge.dispute.created make the refund and the dispute at the emulator', async () => {
    // Act
    const refunded = await cli('trigger', 'charge.refunded', '--district', DISTRICT, '--amount', '2500');
    const disputed = await cli('trigger', 'charge.dispute.created', '--district', DISTRICT);
    // Assess
    expect(refunded.code).toBe(0);
    const chargeId = /charge\s+(ch_\w+)/.exec(refunded.stdout)?.[1];
    expect((await stripe.charges.retrieve(String(chargeId))).refunded).toBe(true);
    expect(refunded.stdout).toMatch(/charge\.refunded\s+ch_/);
    expect(disputed.code).toBe(0);
    const disputeId = /dispute\s+(du_\w+)/.exec(disputed.stdout)?.[1];
    expect((await stripe.disputes.retrieve(String(disputeId))).status).toBe('needs_response');
    expect(disputed.stdout).toMatch(/charge\.dispute\.created\s+du_/);
  });

  it('events lists recent events with their delivery status, and --failed only the undelivered', async () => {
    // Prepare: one invoice.paid the webhook refuses on every attempt
    refuseEnqueues = Number.POSITIVE_INFINITY;
    emulator.setDeliveryOptions({ maxAttempts: 2 });
    const { invoice } = await pay(3_300);
    await emulator.whenDelivered();
    const event = await invoicePaidEvent(invoice.id);
    // Act
    const all = await cli('events', '--limit', '100', '--json');
    const failed = await cli('events', '--failed', '--json');
    // Assess
    expect(all.code).toBe(0);
    const listed = JSON.parse(all.stdout) as { id: string; delivery: string; attempts: number; lastStatus: number }[];
    expect(listed.find((e) => e.id === event.id)).toMatchObject({ delivery: 'failing', attempts: 2, lastStatus: 503 });
    expect(listed.find((e) => e.id !== event.id && e.delivery === 'delivered')).toBeDefined();
    const failedIds = (JSON.parse(failed.stdout) as { id: string }[]).map((e) => e.id);
    expect(failedIds).toContain(event.id);
    expect(failedIds.every((id) => listed.find((e) => e.id === id)?.delivery !== 'delivered')).toBe(true);
  });

  it('refuses bad arguments with exit 2 and the usage, and makes nothing at the emulator', async () => {
    // Prepare
    const before = emulator.events().length;
    // Act
    const results = await Promise.all([
      cli('trigger', 'invoice.voided'),
      cli('trigger', 'invoice.paid', '--amount', '12.5'),
      cli('trigger', 'invoice.paid', '--district', 'Not A District'),
      cli('events', '--limit', '0'),
      cli('refund'),
    ]);
    // Assess
    for (const result of results) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage: npm run stripe -- <command>');
    }
    expect(results[0]?.stderr).toContain('cannot trigger "invoice.voided"');
    expect(results[1]?.stderr).toContain('--amount must be a whole number');
    expect(results[2]?.stderr).toContain('--district must match');
    expect(emulator.events()).toHaveLength(before);
  });
});
