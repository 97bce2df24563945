import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevenueShare } from '../../domain/model.js';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import type { Io } from '../../ops/output.js';
import { stripeApiSource, stripeClientFor } from '../../ops/reconcile/stripe-source.js';
import { runOps } from '../../ops/run.js';

let emulator: StripeEmulator;
let stripe: Stripe;
let ledger: Server;
let ledgerUrl = '';
let ledgerRows: RevenueShare[] = [];

const nowSeconds = () => Math.floor(Date.now() / 1000);
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0 });
  stripe = createStripeClient(emulator.apiKey, { baseUrl: emulator.url });
  // Just enough platform API for reconcile: the listing, and 404 for any single row.
  ledger = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const [status, body] =
      path === '/platform/revenue-shares' ? [200, { items: ledgerRows }] : [404, { error: 'not found' }];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => ledger.listen(0, '127.0.0.1', resolve));
  ledgerUrl = `http://127.0.0.1:${(ledger.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await emulator.stop();
  await new Promise((resolve) => ledger.close(resolve));
});

describe('reconcile reads Stripe through the official SDK', () => {
  it('lists the day’s paid invoices and transfers, shaped for the match', async () => {
    // Prepare
    emulator.reset();
    const account = await stripe.accounts.create({ type: 'custom', country: 'US' });
    const named = emulator.buildInvoice({
      amount_paid: 10_000,
      customer: 'cus_a',
      metadata: { districtId: 'shahdol' },
    });
    const byCustomer = emulator.buildInvoice({ amount_paid: 5_000, customer: 'cus_b' });
    const transfer = await stripe.transfers.create({
      amount: 1_500,
      currency: 'usd',
      destination: account.id,
      metadata: { revenueShareId: 'rs_1' },
    });
    const source = stripeApiSource(
      stripeClientFor({ url: ledgerUrl, local: true }, { STRIPE_API_BASE_URL: emulator.url }),
    );
    const range = { gte: nowSeconds() - 60, lt: nowSeconds() + 60 };

    // Act
    const [invoices, transfers, earlier] = await Promise.all([
      source.paidInvoices(range),
      source.transfers(range),
      source.paidInvoices({ gte: range.gte - 86_400, lt: range.gte }),
    ]);

    // Assess
    expect(invoices.sort((a, b) => a.amount_paid - b.amount_paid)).toEqual([
      {
        id: byCustomer.id,
        amount_paid: 5_000,
        paid_at: expect.any(Number),
        currency: 'usd',
        customer: 'cus_b',
        metadata: {},
      },
      {
        id: named.id,
        amount_paid: 10_000,
        paid_at: expect.any(Number),
        currency: 'usd',
        customer: 'cus_a',
        metadata: { districtId: 'shahdol' },
      },
    ]);
    expect(transfers).toEqual([
      {
        id: transfer.id,
        amount: 1_500,
        currency: 'usd',
        destination: account.id,
        reversed: false,
        amount_reversed: 0,
        created: transfer.created,
        metadata: { revenueShareId: 'rs_1' },
      },
    ]);
    expect(earlier).toEqual([]);
  });

  it('reads transfers by id, leaving out an id Stripe does not have rather than failing the run', async () => {
    // Prepare
    emulator.reset();
    const account = await stripe.accounts.create({ type: 'custom', country: 'US' });
    const transfer = await stripe.transfers.create({ amount: 700, currency: 'usd', destination: account.id });
    const source = stripeApiSource(
      stripeClientFor({ url: ledgerUrl, local: true }, { STRIPE_API_BASE_URL: emulator.url }),
    );

    // Act
    const found = await source.retrieveTransfers?.(['tr_never_made', transfer.id]);

    // Assess
    expect(found?.map((t) => [t.id, t.amount])).toEqual([[transfer.id, 700]]);
  });

  it('runs reconcile end to end against the emulator and exits 1 for the invoice without a row', async () => {
    // Prepare
    emulator.reset();
    const account = await stripe.accounts.create({ type: 'custom', country: 'US' });
    const booked = emulator.buildInvoice({ amount_paid: 10_000, customer: 'cus_a' });
    const lost = emulator.buildInvoice({ amount_paid: 5_000, customer: 'cus_b' });
    const transfer = await stripe.transfers.create({
      amount: 1_500,
      currency: 'usd',
      destination: account.id,
      metadata: { revenueShareId: 'rs_booked' },
    });
    const stamp = new Date().toISOString();
    ledgerRows = [
      {
        revenueShareId: 'rs_booked',
        districtId: 'shahdol',
        invoiceId: String(booked.id),
        stripeEventId: 'evt_1',
        amountCents: 10_000,
        currency: 'usd',
        shareBps: 1500,
        shareCents: 1_500,
        payoutStatus: 'PAID',
        destinationAccountId: account.id,
        stripeTransferId: transfer.id,
        version: 3,
        transferAttempt: 1,
        createdAt: stamp,
        updatedAt: stamp,
      },
    ];
    const out: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: () => undefined, errRaw: () => undefined, errIsTty: false };

    // Act
    const code = await runOps(['reconcile', '--date', today(), '--json', '--api', ledgerUrl], {
      io,
      env: { STRIPE_API_BASE_URL: emulator.url },
    });

    // Assess
    expect(code).toBe(1);
    const report = JSON.parse(out.join('\n'));
    expect(report).toMatchObject({ date: today(), paidInvoices: 2, ledgerRows: 1, transfers: 1 });
    expect(report.mismatches).toEqual([expect.objectContaining({ kind: 'MISSING_LEDGER_ROW', invoiceId: lost.id })]);
  });

  it('refuses to reconcile a deployed stack without STRIPE_API_KEY', () => {
    expect(() =>
      stripeClientFor(
        { url: 'https://a1.execute-api.us-east-1.amazonaws.com/prod', local: false, region: 'us-east-1' },
        {},
      ),
    ).toThrow('needs STRIPE_API_KEY');
  });
});
