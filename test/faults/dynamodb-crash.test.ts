import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { freePort } from '../../local/free-port.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import { FaultStack, sleep, waitFor } from './support/fault-stack.js';
import { expectNothingLostNothingPaidTwice, moneyReport } from './support/money-invariants.js';
import { envCount, seededRandom } from './support/random.js';
import { deliverLikeStripe, emptyDeliveryLog, serverErrors } from './support/stripe-deliveries.js';

const EVENTS = envCount('FAULTS_DYNAMODB_CRASH_EVENTS', 500);
/** The webhook's claim lease, shortened from 60 s so an abandoned claim can be taken over within the test. */
const LEASE_SECONDS = 4;
const DOWN_MS = 1_500;

describe('DynamoDB Local killed (SIGKILL) in the middle of a burst and restarted on its data', () => {
  let dataDir: string;
  let port: number;
  let dynamodb: DynamoDbLocal;
  let emulator: StripeEmulator;
  let stack: FaultStack;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'faults-dynamodb-'));
    port = await freePort();
    [dynamodb, emulator] = await Promise.all([startDynamoDbLocal({ port, dbPath: dataDir }), startStripeEmulator()]);
    emulator.setBalance(1_000_000_000_000);
    stack = await FaultStack.start({
      label: 'dynamodb-crash',
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: inject('sqsEndpoint'),
      emulator,
      leaseSeconds: LEASE_SECONDS,
      // Five receives, three seconds apart, outlast the outage (deployed: five times 180 s).
      retryDelaySeconds: 3,
      pollers: { revenueShare: 3, transfer: 3, markPaid: 3 },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await dynamodb?.stop();
    await emulator?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`answers 5xx while it is down, and Stripe's redeliveries complete all ${EVENTS} events once it is back`, async () => {
    // Prepare
    const random = seededRandom('dynamodb-crash');
    const since = new Date(Date.now() - 1_000);
    const districts = await Promise.all([1, 2, 3].map(() => stack.addDistrict()));
    const events = Array.from({ length: EVENTS }, (_, i) =>
      stack.invoicePaid(districts[i % districts.length] as (typeof districts)[number], random.int(100, 2_000_000)),
    );
    stack.startWorkers();

    // Act: the burst starts; a third of the way in, DynamoDB Local dies and comes back on the same port and data
    const log = emptyDeliveryLog();
    const burst = deliverLikeStripe(
      events,
      { deliver: (event) => stack.deliver(event), concurrency: 16, random, timeoutMs: 90_000, firstBackoffMs: 300 },
      log,
    );
    await waitFor('a third of the burst', () => log.acknowledged >= EVENTS / 3, 60_000);
    await dynamodb.kill();
    const acknowledgedAtCrash = log.acknowledged;
    await sleep(DOWN_MS);
    dynamodb = await startDynamoDbLocal({ port, dbPath: dataDir });
    await burst;
    await stack.drained(120_000);

    // Act: on-call, paged by AUDIT_LOG_WRITE_FAILED, re-syncs once the abandoned claims' leases have expired
    await sleep(LEASE_SECONDS * 1_000);
    const resynced = await stack.resync(since);
    await stack.drained(60_000);

    // Assess
    const report = await moneyReport(
      stack,
      emulator,
      events.map((event) => event.id),
    );
    console.info(
      '[faults] dynamodb-crash',
      JSON.stringify({
        acknowledgedAtCrash,
        answers: Object.fromEntries(log.byStatus),
        outcomes: Object.fromEntries(log.byOutcome),
        resynced: resynced.map((item) => `${item.stripeEventId}: ${item.outcome}`),
      }),
    );
    expect(acknowledgedAtCrash).toBeLessThan(EVENTS);
    expect(serverErrors(log)).toBeGreaterThan(0);
    expect(log.acknowledged).toBe(EVENTS);
    expect(report.processed).toBe(EVENTS);
    expect(report.ledgerRows).toBe(EVENTS);
    expectNothingLostNothingPaidTwice(report);
  });
});
