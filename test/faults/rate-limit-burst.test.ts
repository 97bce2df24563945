/**
 * The first of the month: a burst of paid invoices while Stripe enforces its rate limits (scaled down so the run
 * is short). 429s are weather: every row ends PAID, nothing is dead-lettered, no alert is raised, no event FAILS,
 * and the workers keep Stripe busy: the request rate they achieve is printed with its fraction of the limit.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import { FaultStack } from './support/fault-stack.js';
import { expectNothingLostNothingPaidTwice, moneyReport, summarize } from './support/money-invariants.js';
import { envCount, type Random, seededRandom } from './support/random.js';
import { deliverLikeStripe } from './support/stripe-deliveries.js';

const INVOICES = envCount('FAULTS_RATE_LIMIT_INVOICES', 1_000);
/** Requests per second in all, and per endpoint (three endpoints at 15/s could do 45/s: the global limit binds). */
const LIMITS = { global: 40, perEndpoint: 15 };

describe("a burst of invoices inside Stripe's rate limits", () => {
  let emulator: StripeEmulator;
  let stack: FaultStack;
  let random: Random;

  beforeAll(async () => {
    random = seededRandom('rate-limit-burst');
    emulator = await startStripeEmulator();
    emulator.setBalance(1_000_000_000_000);
    stack = await FaultStack.start({
      label: 'rate-limit-burst',
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      sqsEndpoint: inject('sqsEndpoint'),
      emulator,
      retryDelaySeconds: 1,
      // No alerts poller: every alert raised stays on its queue, where the test counts it.
      pollers: { revenueShare: 4, transfer: 4, markPaid: 4, alerts: 0 },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await emulator?.stop();
  });

  it('pays every invoice once, with no alert, no FAILED event and nothing dead-lettered', async () => {
    // Prepare
    const events = await stack.invoiceBurst(INVOICES, 5, () => random.int(100, 500_000));
    emulator.setRateLimits(LIMITS);
    emulator.resetRequestCounts();
    stack.startWorkers();

    // Act
    const started = performance.now();
    const deliveries = await deliverLikeStripe(events, {
      deliver: (e) => stack.deliver(e),
      concurrency: 16,
      random,
      timeoutMs: 120_000,
    });
    await stack.drained(300_000);
    const seconds = (performance.now() - started) / 1000;

    // Assess
    const counts = emulator.requestCounts();
    const achieved = counts.total.served / seconds;
    const report = await moneyReport(
      stack,
      emulator,
      events.map((event) => event.id),
    );
    console.info(
      '[faults] rate-limit-burst',
      JSON.stringify({
        invoices: INVOICES,
        seconds: Math.round(seconds),
        stripe_served: counts.total.served,
        stripe_rate_limited: counts.total.rateLimited,
        achieved_per_s: Math.round(achieved * 10) / 10,
        limit_per_s: LIMITS.global,
        burst_fraction_of_stripe_limit: Math.round((achieved / LIMITS.global) * 100) / 100,
        ...summarize(report),
      }),
    );
    expect(deliveries.byOutcome.get('received')).toBe(INVOICES);
    expect(counts.total.rateLimited).toBeGreaterThan(0);
    expect(report.failed).toEqual([]);
    expect(report.processed).toBe(INVOICES);
    expect(report.ledgerRows).toBe(INVOICES);
    expect(report.notPaid).toEqual([]);
    expect(await stack.alertsWaiting()).toBe(0);
    expectNothingLostNothingPaidTwice(report);
    expect(achieved / LIMITS.global).toBeGreaterThanOrEqual(0.8);
  });
});
