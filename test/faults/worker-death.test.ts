import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import { type WorkerDeaths, workerDeaths } from './support/dying-worker.js';
import { FaultStack } from './support/fault-stack.js';
import { expectNothingLostNothingPaidTwice, moneyReport } from './support/money-invariants.js';
import { envCount, type Random, seededRandom } from './support/random.js';
import { deliverLikeStripe } from './support/stripe-deliveries.js';

const ROWS = envCount('FAULTS_WORKER_DEATH_ROWS', 100);

describe('the transfer worker killed between transfers.create and recording the transfer', () => {
  let emulator: StripeEmulator;
  let stack: FaultStack;
  let random: Random;
  let deaths: WorkerDeaths;

  beforeAll(async () => {
    random = seededRandom('worker-death');
    deaths = workerDeaths({ random, laterDeathRate: 0.3, maxDeathsPerRow: 3 });
    emulator = await startStripeEmulator();
    emulator.setBalance(1_000_000_000_000);
    stack = await FaultStack.start({
      label: 'worker-death',
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      sqsEndpoint: inject('sqsEndpoint'),
      emulator,
      retryDelaySeconds: 1,
      pollers: { transfer: 4, markPaid: 2 },
      wrapTransferLedger: deaths.ledger,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await emulator?.stop();
  });

  it(`leaves exactly one transfer per row, recorded on the row, after ${ROWS}+ deaths at random points`, async () => {
    // Prepare
    const district = await stack.addDistrict();
    const events = Array.from({ length: ROWS }, () => stack.invoicePaid(district, random.int(1, 1_000_000)));
    stack.startWorkers();

    // Act: the events arrive; every row's transfer worker dies at least once, SQS redelivers
    await deliverLikeStripe(events, {
      deliver: (event) => stack.deliver(event),
      concurrency: 8,
      random,
      timeoutMs: 30_000,
    });
    await stack.drained(120_000);

    // Assess
    const totalDeaths = deaths.at.before_record + deaths.at.after_record;
    expect(totalDeaths).toBeGreaterThanOrEqual(ROWS);
    expect(deaths.perRow.size).toBe(ROWS);
    expect(deaths.at.before_record).toBeGreaterThan(0);
    expect(deaths.at.after_record).toBeGreaterThan(0);
    const report = await moneyReport(
      stack,
      emulator,
      events.map((event) => event.id),
    );
    expect(report.ledgerRows).toBe(ROWS);
    expectNothingLostNothingPaidTwice(report);
  });
});
