import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UNDELIVERED_ALERT_MARKER } from '../../adapters/sqs/alert-sink.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import { FaultStack, sleep, waitFor } from './support/fault-stack.js';
import { expectNothingLostNothingPaidTwice, moneyReport } from './support/money-invariants.js';
import { envCount, seededRandom } from './support/random.js';
import { deliverLikeStripe, emptyDeliveryLog, serverErrors } from './support/stripe-deliveries.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const EVENTS = envCount('FAULTS_SQS_OUTAGE_EVENTS', 300);
const LEASE_SECONDS = 4;
const DOWN_MS = 2_000;

/**
 * SQS made unavailable mid-burst, then available again. Not by restarting the SQS server: fauxqs keeps its
 * messages in memory, so a restart would erase messages it had accepted, which real SQS never does (an SQS outage
 * is unavailability, not data loss). Instead every client (the functions and their event sources) reaches SQS
 * through a TCP proxy, and the proxy goes away: connections are cut and refused, the stored messages survive.
 */
describe('SQS unavailable in the middle of a burst, then back', () => {
  let proxy: TcpProxy;
  let emulator: StripeEmulator;
  let stack: FaultStack;
  const undeliveredAlerts: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const sqsServer = inject('sqsEndpoint');
    [proxy, emulator] = await Promise.all([
      startTcpProxy({ targetPort: Number(new URL(sqsServer).port) }),
      startStripeEmulator(),
    ]);
    emulator.setBalance(1_000_000_000_000);
    stack = await FaultStack.start({
      label: 'sqs-outage',
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      sqsEndpoint: proxy.endpoint,
      sqsServerEndpoint: sqsServer,
      emulator,
      leaseSeconds: LEASE_SECONDS,
      retryDelaySeconds: 1,
      // A handled message whose delete was refused comes back after this (deployed: 180 s).
      visibilityTimeoutSeconds: 5,
      pollers: { revenueShare: 3, transfer: 3, markPaid: 3 },
      undeliveredAlertLog: { error: (message, attributes) => undeliveredAlerts.push({ message, ...attributes }) },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
    await emulator?.stop();
  });

  it(`answers 5xx while SQS is down (row FAILED, alert logged), and redeliveries complete all ${EVENTS} events`, async () => {
    // Prepare
    const random = seededRandom('sqs-outage');
    const since = new Date(Date.now() - 1_000);
    const events = await stack.invoiceBurst(EVENTS, 3, () => random.int(100, 2_000_000));
    stack.startWorkers();

    // Act: a third of the way into the burst SQS becomes unreachable for two seconds
    const log = emptyDeliveryLog();
    const burst = deliverLikeStripe(
      events,
      { deliver: (event) => stack.deliver(event), concurrency: 16, random, timeoutMs: 90_000, firstBackoffMs: 300 },
      log,
    );
    await waitFor('a third of the burst', () => log.acknowledged >= EVENTS / 3, 60_000);
    await proxy.goDown();
    const acknowledgedAtOutage = log.acknowledged;
    await sleep(DOWN_MS);
    await proxy.comeBack();
    await burst;
    await stack.drained(120_000);
    await stack.claimLeasesExpired();
    const resynced = await stack.resync(since);
    await stack.drained(60_000);

    // Assess: refused while down; the enqueue failures marked their rows FAILED (re-claimed by the redelivery,
    // so attempts > 1), and the alerts that could not reach the alerts queue were logged with the paging marker
    const audit = await stack.auditRows();
    const reclaimed = audit.filter((row) => Number(row.attempts) > 1);
    console.info(
      '[faults] sqs-outage',
      JSON.stringify({
        acknowledgedAtOutage,
        answers: Object.fromEntries(log.byStatus),
        reclaimed: reclaimed.length,
        undeliveredAlerts: undeliveredAlerts.length,
        resynced: resynced.length,
      }),
    );
    expect(acknowledgedAtOutage).toBeLessThan(EVENTS);
    expect(serverErrors(log)).toBeGreaterThan(0);
    expect(reclaimed.length).toBeGreaterThan(0);
    expect(undeliveredAlerts.length).toBeGreaterThan(0);
    expect(undeliveredAlerts[0]).toMatchObject({
      message: UNDELIVERED_ALERT_MARKER,
      financialAlert: { kind: 'WEBHOOK_ENQUEUE_FAILED', severity: 'critical' },
    });
    const report = await moneyReport(
      stack,
      emulator,
      events.map((event) => event.id),
    );
    expect(log.acknowledged).toBe(EVENTS);
    expect(report.processed).toBe(EVENTS);
    expect(report.ledgerRows).toBe(EVENTS);
    expectNothingLostNothingPaidTwice(report);
  });
});
