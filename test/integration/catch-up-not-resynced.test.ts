import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CatchUpResult } from '../../domain/catch-up/catch-up.js';
import { createObservability } from '../../functions/commons/observability.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { PrintedMetrics } from '../support/printed-metrics.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The catch-up re-syncs the open rows (FAILED, stuck RECEIVED) of the last 30 days, and a row keeps its createdAt on
 * every re-claim. Until then each replay that fails again pages (webhook-events-failed); after that nothing replays
 * it, so nothing would page: an invoice.paid for a district never configured would stay FAILED in silence. Each run
 * counts the open rows beyond its look-back and publishes the count, which an alarm watches.
 */
describe('catch-up: open events older than its re-sync look-back', () => {
  let harness: PayoutHarness;
  const metrics = new PrintedMetrics();

  beforeAll(async () => {
    harness = await PayoutHarness.start('catch-up-not-resynced');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    harness.emulator.reset();
    await harness.clearCatchUpState();
    await harness.drain('revenueShare');
    await harness.alerts();
    metrics.start();
  });

  afterEach(() => metrics.stop());

  const runCatchUp = async () =>
    (await harness.catchUpHandler({ settleSeconds: 0, endpoint: {} }, { observability: createObservability('c') })(
      {},
      lambdaContext('catch-up', 60),
    )) as CatchUpResult;

  const metric = (name: string): number[] => metrics.dimensionless(name);

  /** An invoice.paid claimed at `at`, left FAILED (or, `failed: false`, RECEIVED with its lease ended then). */
  async function openRowAt(at: Date, { failed = true } = {}): Promise<string> {
    const invoice = harness.emulator.buildInvoice({ amount_paid: 5_000, metadata: { districtId: 'district-never' } });
    const event = harness.emulator.createEvent('invoice.paid', invoice);
    await harness.auditLog.claim({ stripeEventId: event.id, eventType: event.type, now: at, leaseSeconds: 60 });
    if (failed) {
      await harness.auditLog.markFailed(event.id, 'district district-never not found', at, {
        rawEvent: JSON.stringify(event),
      });
    }
    return event.id;
  }

  it('counts the FAILED and stuck RECEIVED rows it no longer re-syncs, and publishes the count every run', async () => {
    // Prepare: two FAILED rows and a stuck RECEIVED one from 31 to 40 days ago; one FAILED row of yesterday
    const old = [
      await openRowAt(new Date(Date.now() - 40 * DAY_MS)),
      await openRowAt(new Date(Date.now() - 31 * DAY_MS)),
      await openRowAt(new Date(Date.now() - 35 * DAY_MS), { failed: false }),
    ];
    const recent = await openRowAt(new Date(Date.now() - DAY_MS));

    // Act: two runs, the worker between them (the recent one fails again)
    const first = await runCatchUp();
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const second = await runCatchUp();

    // Assess: the recent row is replayed by each run (and fails again); the old ones are not, but counted, each run
    expect(first.resync.replayed).toBe(1);
    expect(first.notResynced).toBe(3);
    expect(second.notResynced).toBe(3);
    expect(metric('CatchUpEventsNotResynced')).toEqual([3, 3]);
    expect(second.resync.replayed).toBe(1);
    expect(await harness.auditLog.get(recent)).toMatchObject({ status: 'RECEIVED', attempts: 3 });
    for (const id of old) expect((await harness.auditLog.get(id))?.attempts).toBe(1);
  });

  it('does not count a row while its replay by hand is in flight, nor once it is processed', async () => {
    // Prepare: one FAILED row 45 days old, counted
    const before = (await runCatchUp()).notResynced;
    const id = await openRowAt(new Date(Date.now() - 45 * DAY_MS));
    const counted = (await runCatchUp()).notResynced;

    // Act: on-call fixed the cause and replayed it (re-claimed: RECEIVED, a fresh lease, its old createdAt) ...
    await harness.auditLog.claim({ stripeEventId: id, eventType: 'invoice.paid', now: new Date(), leaseSeconds: 60 });
    const inFlight = (await runCatchUp()).notResynced;
    // ... and the worker processed it
    await harness.auditLog.markProcessed(id, new Date());
    const done = (await runCatchUp()).notResynced;

    // Assess
    expect(counted).toBe(before + 1);
    expect(inFlight).toBe(before);
    expect(done).toBe(before);
  });
});
