import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { freePort } from '../../local/free-port.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import { FaultStack, sleep, waitFor } from './support/fault-stack.js';
import { expectNothingLostNothingPaidTwice, moneyReport } from './support/money-invariants.js';
import { envCount, seededRandom } from './support/random.js';
import { deliverLikeStripe, emptyDeliveryLog, serverErrors } from './support/stripe-deliveries.js';

const EVENTS = envCount('FAULTS_DYNAMODB_CRASH_EVENTS', 500);
/**
 * The webhook's claim lease (deployed: 60 s), shortened so re-sync may take an abandoned claim over within the
 * test, yet longer than DynamoDB Local's restart, so Stripe's first retries still find the dead claim's lease.
 */
const LEASE_SECONDS = 30;
const DOWN_MS = 1_500;
/**
 * DynamoDB Local's data folder, in memory where the OS offers a tmpfs: a killed process loses nothing the OS
 * already holds, which is all this scenario is about, and a disk would only make every write slower.
 */
const DATA_PARENT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/**
 * Arms a crash of DynamoDB Local right after it commits an audit claim and before the webhook gets the answer:
 * the claim is stored, the delivery is refused (5xx). That is the worst moment to die: Stripe's retry arrives while
 * the dead claim's lease runs, is answered 200 duplicate, and Stripe stops retrying an event nobody enqueued.
 */
function crashAfterNextClaim(auditTable: () => string) {
  let armed: ((stripeEventId: string) => Promise<void>) | undefined;
  return {
    arm(crash: (stripeEventId: string) => Promise<void>) {
      armed = crash;
    },
    instrument(client: DynamoDBClient) {
      client.middlewareStack.add(
        (next) => async (args) => {
          const input = args.input as { TableName?: string; Item?: { stripeEventId?: unknown } };
          const crash = armed;
          if (!crash || input.TableName !== auditTable() || typeof input.Item?.stripeEventId !== 'string') {
            return next(args);
          }
          armed = undefined;
          await next(args);
          await crash(input.Item.stripeEventId);
          throw Object.assign(new Error('socket hang up'), { name: 'ECONNRESET' });
        },
        { step: 'initialize', name: 'crashAfterNextClaim' },
      );
    },
  };
}

describe('DynamoDB Local killed (SIGKILL) in the middle of a burst and restarted on its data', () => {
  let dataDir: string;
  let port: number;
  let dynamodb: DynamoDbLocal;
  let emulator: StripeEmulator;
  let stack: FaultStack;
  const crash = crashAfterNextClaim(() => stack.tables.webhookAuditLog);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(DATA_PARENT, 'faults-dynamodb-'));
    port = await freePort();
    [dynamodb, emulator] = await Promise.all([startDynamoDbLocal({ port, dbPath: dataDir }), startStripeEmulator()]);
    emulator.setBalance(1_000_000_000_000);
    stack = await FaultStack.start({
      label: 'dynamodb-crash',
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: inject('sqsEndpoint'),
      emulator,
      leaseSeconds: LEASE_SECONDS,
      // Five receives, five seconds apart, outlast the outage and the restart (deployed: five times 180 s).
      retryDelaySeconds: 5,
      pollers: { revenueShare: 3, transfer: 3, markPaid: 3 },
      instrumentDynamoDb: crash.instrument,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await dynamodb?.stop();
    await emulator?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`answers 5xx while it is down, and Stripe's redeliveries (and re-sync) complete all ${EVENTS} events`, async () => {
    // Prepare
    const random = seededRandom('dynamodb-crash');
    const since = new Date(Date.now() - 1_000);
    const events = await stack.invoiceBurst(EVENTS, 3, () => random.int(100, 2_000_000));
    stack.startWorkers();

    // Act: a third of the way into the burst, DynamoDB Local is killed right after committing a claim, and comes
    // back on the same port and data
    const log = emptyDeliveryLog();
    const burst = deliverLikeStripe(
      events,
      { deliver: (event) => stack.deliver(event), concurrency: 16, random, timeoutMs: 90_000, firstBackoffMs: 300 },
      log,
    );
    await waitFor('a third of the burst', () => log.acknowledged >= EVENTS / 3, 60_000);
    let crashedClaim: string | undefined;
    crash.arm(async (stripeEventId) => {
      crashedClaim = stripeEventId;
      await dynamodb.kill();
    });
    await waitFor('the crash', () => crashedClaim !== undefined, 10_000);
    const acknowledgedAtCrash = log.acknowledged;
    await sleep(DOWN_MS);
    dynamodb = await startDynamoDbLocal({ port, dbPath: dataDir });
    await burst;
    await stack.drained(120_000);

    // Act: on-call, paged by AUDIT_LOG_WRITE_FAILED, re-syncs once the dead claims' leases have expired
    await stack.claimLeasesExpired();
    const resynced = await stack.resync(since);
    await stack.drained(60_000);

    // Assess: refused while down; the dead claim was told "duplicate" and only re-sync enqueued it
    const report = await moneyReport(
      stack,
      emulator,
      events.map((event) => event.id),
    );
    const context = JSON.stringify({
      acknowledgedAtCrash,
      answers: Object.fromEntries(log.byStatus),
      outcomes: Object.fromEntries(log.byOutcome),
      resynced,
    });
    expect(acknowledgedAtCrash, context).toBeLessThan(EVENTS);
    expect(serverErrors(log), context).toBeGreaterThan(0);
    expect(log.acknowledged, context).toBe(EVENTS);
    expect(log.byOutcome.get('duplicate'), context).toBeGreaterThanOrEqual(1);
    expect(resynced, context).toContainEqual({
      stripeEventId: crashedClaim,
      eventType: 'invoice.paid',
      stuck: 'not_processed',
      outcome: 'replayed',
      source: 'stripe',
    });
    expect(report.processed).toBe(EVENTS);
    expect(report.ledgerRows).toBe(EVENTS);
    expectNothingLostNothingPaidTwice(report);
  });
});
