import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import { FaultStack } from './support/fault-stack.js';
import { expectNothingLostNothingPaidTwice, moneyReport, summarize } from './support/money-invariants.js';
import { envCount, type Random, seededRandom } from './support/random.js';
import { deliverLikeStripe } from './support/stripe-deliveries.js';
import { type StripeFaultProxy, startStripeFaultProxy } from './support/stripe-fault-proxy.js';

/** The workers' Stripe client gives up after this (deployed: 10 s); held requests wait longer. */
const STRIPE_TIMEOUT_MS = 800;
const EVENTS = envCount('FAULTS_STRIPE_EVENTS', 100);

describe('Stripe failing 30% of requests with 500 and holding others past the client timeout', () => {
  let emulator: StripeEmulator;
  let proxy: StripeFaultProxy;
  let stack: FaultStack;
  let random: Random;

  beforeAll(async () => {
    random = seededRandom('stripe-faults');
    emulator = await startStripeEmulator();
    emulator.setBalance(1_000_000_000_000);
    proxy = await startStripeFaultProxy({
      targetPort: emulator.port,
      rates: { fail: 0.3, delay: 0.1, delayMs: STRIPE_TIMEOUT_MS + 400 },
      random,
    });
    stack = await FaultStack.start({
      label: 'stripe-faults',
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      sqsEndpoint: inject('sqsEndpoint'),
      emulator,
      stripeApiUrl: proxy.url,
      stripeTimeoutMilliseconds: STRIPE_TIMEOUT_MS,
      retryDelaySeconds: 1,
      pollers: { revenueShare: 2, transfer: 8, markPaid: 6 },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
    await emulator?.stop();
  });

  it('pays every row exactly once, and every row ends PAID', async () => {
    // Prepare: a few districts, one paid invoice each event
    const events = await stack.invoiceBurst(EVENTS, 4, () => random.int(1, 5_000_000));
    stack.startWorkers();

    // Act
    const deliveries = await deliverLikeStripe(events, {
      deliver: (e) => stack.deliver(e),
      concurrency: 16,
      random,
      timeoutMs: 60_000,
    });
    await stack.drained(150_000);

    // Assess
    const report = await moneyReport(
      stack,
      emulator,
      events.map((event) => event.id),
    );
    console.info('[faults] stripe-faults', JSON.stringify({ faults: proxy.counts, ...summarize(report) }));
    expect(deliveries.byOutcome.get('received')).toBe(EVENTS);
    expect(proxy.counts.failedBefore).toBeGreaterThan(0);
    expect(proxy.counts.failedAfter).toBeGreaterThan(0);
    expect(proxy.counts.delayed).toBeGreaterThan(0);
    expect(report.processed).toBe(EVENTS);
    expect(report.ledgerRows).toBe(EVENTS);
    expectNothingLostNothingPaidTwice(report);
  });
});
