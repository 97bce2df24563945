import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTED_EVENT_TYPES } from '#contracts/stripe-events.js';
import type { CatchUpResult } from '../../domain/catch-up/catch-up.js';
import { createObservability } from '../../functions/commons/observability.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { PrintedMetrics } from '../support/printed-metrics.js';

/** Nothing listens here: every delivery to it fails (connection refused). */
const DEAD_WEBHOOK_URL = 'http://127.0.0.1:9/stripe/webhook';

/**
 * The scheduled catch-up on the real local services and the Stripe emulator: events the webhook never got (the
 * endpoint was failing, or not registered at all) are found at Stripe and processed once; a second run changes
 * nothing; a run out of time leaves the work to the next one.
 */
describe('catch-up', () => {
  let harness: PayoutHarness;
  const metrics = new PrintedMetrics();

  beforeAll(async () => {
    harness = await PayoutHarness.start('catch-up');
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

  /** One scheduled invocation; no settle time, so the events just made count. */
  async function runCatchUp(
    overrides: Parameters<PayoutHarness['catchUpHandler']>[1] = {},
    settings: Parameters<PayoutHarness['catchUpHandler']>[0] = {},
  ) {
    const handler = harness.catchUpHandler(
      { settleSeconds: 0, endpoint: { url: DEAD_WEBHOOK_URL }, ...settings },
      { observability: createObservability('catch-up'), ...overrides },
    );
    return (await handler({}, lambdaContext('catch-up', 60))) as CatchUpResult;
  }

  const metric = (name: string): number[] => metrics.dimensionless(name);

  async function paidInvoiceEvent(): Promise<{ event: StripeEventLike; districtId: string }> {
    const district = await harness.addDistrict();
    const invoice = harness.emulator.buildInvoice({
      amount_paid: 20_000,
      currency: 'usd',
      metadata: { districtId: district.districtId },
    });
    return { event: harness.emulator.createEvent('invoice.paid', invoice), districtId: district.districtId };
  }

  const rowsOf = async (districtId: string) =>
    (await harness.ledgerItems()).filter((item) => item.districtId === districtId);

  it('finds an event Stripe could not deliver (the endpoint was failing), processes it once, then changes nothing', async () => {
    // Prepare: the endpoint is registered but unreachable; the emulator gives up after one attempt
    harness.emulator.setDeliveryOptions({ maxAttempts: 1 });
    await harness.stripe.webhookEndpoints.create({ url: DEAD_WEBHOOK_URL, enabled_events: [...ROUTED_EVENT_TYPES] });
    const { event, districtId } = await paidInvoiceEvent();
    await harness.emulator.whenDelivered();
    const undelivered = await harness.stripe.events.list({ delivery_success: false });
    expect(undelivered.data.map((listed) => listed.id)).toEqual([event.id]);
    expect(await harness.auditLog.get(event.id)).toBeUndefined();

    // Act
    const first = await runCatchUp();
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const processed = await harness.auditLog.get(event.id);
    const second = await runCatchUp();

    // Assess: replayed through the claim path and processed, once
    expect(first).toMatchObject({
      undelivered: { listed: 1, missing: 1 },
      lookback: { listed: 1, missing: 0 },
      replayed: 1,
      failed: 0,
      truncated: false,
      endpoint: { checked: true, found: true, status: 'enabled', enabled: true },
    });
    expect(first.found).toEqual([
      { stripeEventId: event.id, eventType: 'invoice.paid', foundBy: 'undelivered', outcome: 'replayed' },
    ]);
    expect(processed).toMatchObject({ status: 'PROCESSED', attempts: 1, districtId });
    expect(await rowsOf(districtId)).toEqual([expect.objectContaining({ amountCents: 20_000, shareCents: 3_000 })]);
    // Assess: the second run sees the same undelivered event at Stripe and leaves it alone
    expect(second).toMatchObject({ undelivered: { listed: 1, missing: 0 }, replayed: 0, found: [] });
    expect(await harness.auditLog.get(event.id)).toEqual(processed);
    expect(await harness.depth('revenueShare')).toBe(0);
    expect(await rowsOf(districtId)).toHaveLength(1);
    // Assess: what the alarms watch
    expect(metric('CatchUpEventsUndelivered')).toEqual([1, 0]);
    expect(metric('CatchUpEventsReplayed')).toEqual([1, 0]);
    expect(metric('InvoicePaidAccepted')).toEqual([1]);
    expect(metric('WebhookEndpointEnabled')).toEqual([1, 1]);
  });

  it('finds a routed event sent to no endpoint at all (none registered) and says the endpoint is missing', async () => {
    // Prepare: no endpoint, so Stripe counts nothing as undelivered; an unrouted event too
    const { event, districtId } = await paidInvoiceEvent();
    const ignoredType = harness.emulator.createEvent('customer.created', { id: 'cus_catchup', object: 'customer' });

    // Act
    const result = await runCatchUp();
    await harness.runQueue('revenueShare', harness.revenueShareHandler());

    // Assess
    expect(result).toMatchObject({
      undelivered: { listed: 0, missing: 0 },
      lookback: { listed: 1, missing: 1 },
      replayed: 1,
      endpoint: { checked: true, found: false },
    });
    expect(result.found).toEqual([
      { stripeEventId: event.id, eventType: 'invoice.paid', foundBy: 'not_in_audit_log', outcome: 'replayed' },
    ]);
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'PROCESSED', districtId });
    expect(await harness.auditLog.get(ignoredType.id)).toBeUndefined();
    expect(await rowsOf(districtId)).toHaveLength(1);
    expect(metric('CatchUpEventsMissing')).toEqual([1]);
    expect(metric('WebhookEndpointEnabled')).toEqual([0]);
  });

  it('leaves an event the webhook already recorded to the webhook, whatever Stripe says of its delivery', async () => {
    // Prepare: the webhook recorded the event (and is working on it), but its answer never reached Stripe
    harness.emulator.setDeliveryOptions({ maxAttempts: 1 });
    await harness.stripe.webhookEndpoints.create({ url: DEAD_WEBHOOK_URL, enabled_events: [...ROUTED_EVENT_TYPES] });
    const { event } = await paidInvoiceEvent();
    await harness.emulator.whenDelivered();
    await harness.auditLog.claim({
      stripeEventId: event.id,
      eventType: event.type,
      rawEvent: JSON.stringify(event),
      now: new Date(),
      leaseSeconds: 60,
    });
    const before = await harness.auditLog.get(event.id);

    // Act
    const result = await runCatchUp();

    // Assess
    expect(result).toMatchObject({ undelivered: { listed: 1, missing: 0 }, replayed: 0, found: [] });
    expect(await harness.auditLog.get(event.id)).toEqual(before);
    expect(await harness.depth('revenueShare')).toBe(0);
  });

  it('stops at its deadline and leaves the work to the next run', async () => {
    // Prepare
    const { event } = await paidInvoiceEvent();

    // Act: an invocation whose time runs out as soon as it has computed its deadline (the clock jumps 10 minutes)
    const start = Date.now();
    let reads = 0;
    const result = await runCatchUp({ clock: { now: () => new Date(start + (reads++ === 0 ? 0 : 600_000)) } });

    // Assess: no Stripe page read, nothing replayed, and the run says it stopped short
    expect(result).toMatchObject({ stripePages: 0, replayed: 0, truncated: true });
    expect(await harness.auditLog.get(event.id)).toBeUndefined();
    expect(metric('CatchUpTruncated')).toEqual([1]);
  });

  it('reads at most the configured number of Stripe pages per run', async () => {
    // Prepare: more routed events than one page holds (100), none of them recorded
    for (let i = 0; i < 101; i++) {
      harness.emulator.createEvent('transfer.reversed', { id: `tr_page${i}`, object: 'transfer' });
    }
    harness.emulator.resetRequestCounts();
    const handler = harness.catchUpHandler({ settleSeconds: 0, maxPages: 2, endpoint: {} });

    // Act
    const result = (await handler({}, lambdaContext('catch-up', 60))) as CatchUpResult;

    // Assess: one page of the undelivered query (empty: no endpoint exists), one of the look-back, then it stopped
    expect(result).toMatchObject({ stripePages: 2, truncated: true, lookback: { listed: 100, missing: 100 } });
    expect(harness.emulator.requestCounts().routes['GET /v1/events']?.served).toBe(2);
    expect(result.endpoint).toEqual({ checked: false, reason: 'no endpoint id or URL configured' });
    expect(await harness.depth('revenueShare')).toBe(100);
  });

  it('continues a truncated listing where the last run stopped, so more undelivered events than one run reads all get in', async () => {
    // Prepare: 101 routed events Stripe could not deliver (one page holds 100), none recorded
    harness.emulator.setDeliveryOptions({ maxAttempts: 1 });
    await harness.stripe.webhookEndpoints.create({ url: DEAD_WEBHOOK_URL, enabled_events: [...ROUTED_EVENT_TYPES] });
    const events = Array.from({ length: 101 }, (_, i) =>
      harness.emulator.createEvent('transfer.reversed', { id: `tr_outage${i}`, object: 'transfer' }),
    );
    await harness.emulator.whenDelivered();
    const unrecorded = async () =>
      (await Promise.all(events.map((event) => harness.auditLog.get(event.id)))).filter((row) => !row).length;

    // Act: one page per run, until every event has an audit row (or five runs)
    const runs: CatchUpResult[] = [];
    while (runs.length < 5 && (await unrecorded()) > 0) runs.push(await runCatchUp({}, { maxPages: 1 }));

    // Assess: the runs read on where the last stopped (a restart from the newest would never reach the oldest)
    expect(await unrecorded()).toBe(0);
    expect(runs.length).toBeLessThanOrEqual(3);
    expect(runs[0]).toMatchObject({ undelivered: { listed: 100, missing: 100 }, stripePages: 1, truncated: true });
    expect(runs.flatMap((run) => run.found.map((event) => event.stripeEventId)).sort()).toEqual(
      events.map((event) => event.id).sort(),
    );
    expect(await harness.depth('revenueShare')).toBe(101);
  });

  it('lists from the newest again when Stripe no longer has the event the last run stopped at', async () => {
    // Prepare: a run stopped inside a listing, then Stripe forgot its events (the emulator starts afresh)
    for (let i = 0; i < 101; i++)
      harness.emulator.createEvent('transfer.reversed', { id: `tr_gone${i}`, object: 'transfer' });
    const stopped = await runCatchUp({}, { maxPages: 2 });
    expect(stopped).toMatchObject({ lookback: { listed: 100 }, truncated: true });
    harness.emulator.reset();
    const { event } = await paidInvoiceEvent();

    // Act: the look-back goes first (it was left unfinished) and its saved position names an event Stripe lacks
    const result = await runCatchUp({}, { maxPages: 2 });

    // Assess
    expect(result).toMatchObject({ errors: [], lookback: { listed: 1, missing: 1 }, replayed: 1 });
    expect(result.found.map((found) => found.stripeEventId)).toEqual([event.id]);
  });
});
