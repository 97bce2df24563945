import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import { FaultStack } from './support/fault-stack.js';
import { expectNothingLostNothingPaidTwice, moneyReport } from './support/money-invariants.js';
import { envCount, seededRandom } from './support/random.js';
import { deliverLikeStripe } from './support/stripe-deliveries.js';

const EVENTS = envCount('FAULTS_STORM_EVENTS', 1_000);
const COPIES = 3;

describe('duplicate storm: every event delivered three times at once, in random order', () => {
  let emulator: StripeEmulator;
  let stack: FaultStack;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    emulator.setBalance(1_000_000_000_000);
    stack = await FaultStack.start({
      label: 'storm',
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      sqsEndpoint: inject('sqsEndpoint'),
      emulator,
      pollers: { revenueShare: 4, transfer: 4, markPaid: 4 },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await emulator?.stop();
  });

  it(`records ${EVENTS} events once each, makes ${EVENTS} ledger rows and ${EVENTS} transfers, none twice`, async () => {
    // Prepare
    const random = seededRandom('duplicate-storm');
    const events = await stack.invoiceBurst(EVENTS, 5, () => random.int(100, 2_000_000));
    stack.startWorkers();

    // Act: 3,000 deliveries, shuffled, 32 in flight, while the workers already take the first events off the queue
    const started = Date.now();
    const deliveries = await deliverLikeStripe(events, {
      deliver: (event) => stack.deliver(event),
      concurrency: 32,
      copies: COPIES,
      random,
      timeoutMs: 120_000,
    });
    const delivered = Date.now();
    await stack.drained(150_000);
    console.info(`[faults] storm: delivered in ${delivered - started} ms, drained after ${Date.now() - started} ms`);

    // Assess: one delivery of each event won the claim, the two others were told "duplicate"
    expect(Object.fromEntries(deliveries.byStatus)).toEqual({ 200: EVENTS * COPIES });
    expect(Object.fromEntries(deliveries.byOutcome)).toEqual({ received: EVENTS, duplicate: EVENTS * (COPIES - 1) });
    expect(new Set(deliveries.receivedIds).size).toBe(EVENTS);
    const audit = await stack.auditRows();
    expect(audit).toHaveLength(EVENTS);
    expect(audit.every((row) => row.attempts === 1)).toBe(true);
    const report = await moneyReport(
      stack,
      emulator,
      events.map((event) => event.id),
    );
    expect(report.processed).toBe(EVENTS);
    expect(report.ledgerRows).toBe(EVENTS);
    expect(report.transfers).toBe(EVENTS);
    expectNothingLostNothingPaidTwice(report);
  });
});
