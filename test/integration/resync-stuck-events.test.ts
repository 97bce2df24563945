import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResyncResult } from '../../domain/resync/resync-failed-events.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { HARNESS_WEBHOOK_SECRET, PayoutHarness } from '../support/payout-harness.js';
import { signedWebhookEvent } from '../support/webhook-requests.js';

const WEBHOOK_SECRET = HARNESS_WEBHOOK_SECRET;
const HOUR_MS = 60 * 60 * 1000;

/**
 * RECEIVED rows that nothing moves on any more, and that re-sync therefore takes as it takes FAILED ones:
 * an abandoned claim (the delivery that claimed the event died before enqueueing it, and Stripe, told "duplicate",
 * stopped retrying) and a lost message (enqueued an hour ago and never processed: SQS dead-lettered it).
 */
describe('resync of stuck RECEIVED events', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('resync-stuck');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    await harness.drain('revenueShare');
    await harness.alerts();
  });

  const webhook = () => harness.webhookHandler();

  /** Direct invoke, as on-call runs it: `aws lambda invoke --payload '{"since": ...}'`. */
  async function resync(body: Record<string, unknown>): Promise<ResyncResult> {
    return (await harness.resyncHandler()(body, lambdaContext('resync', 300))) as ResyncResult;
  }

  async function invoicePaid(): Promise<{ event: StripeEventLike; districtId: string }> {
    const district = await harness.addDistrict();
    const invoice = harness.emulator.buildInvoice(
      {
        amount_paid: 12_000,
        currency: 'usd',
        metadata: { districtId: district.districtId },
      },
      { payments: [{ paymentMethod: 'pm_card_visa' }] },
    );
    return { event: harness.emulator.createEvent('invoice.paid', invoice), districtId: district.districtId };
  }

  /** What a delivery that claimed the event and died before enqueueing it leaves behind. */
  const claimAndDie = (event: StripeEventLike, now: Date, leaseSeconds: number) =>
    harness.auditLog.claim({
      stripeEventId: event.id,
      eventType: event.type,
      rawEvent: JSON.stringify(event),
      now,
      leaseSeconds,
    });

  const rowsOf = async (districtId: string) =>
    (await harness.ledgerItems()).filter((item) => item.districtId === districtId);

  it('replays an abandoned claim that a concurrent delivery was told was a duplicate', async () => {
    // Prepare: delivery 1 claims and dies; delivery 2 arrives within the lease and gets 200 duplicate, so Stripe
    // stops retrying; then the lease expires with nothing enqueued
    const since = new Date(Date.now() - 1_000).toISOString();
    const { event, districtId } = await invoicePaid();
    await claimAndDie(event, new Date(), 1);
    const second = await webhook()(
      signedWebhookEvent(JSON.stringify(event), { secret: WEBHOOK_SECRET }),
      lambdaContext('stripe-webhook', 10),
    );
    expect({ status: second.statusCode, body: JSON.parse(second.body) }).toEqual({
      status: 200,
      body: { duplicate: true },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'RECEIVED', attempts: 1 });
    expect(await harness.depth('revenueShare')).toBe(0);

    // Act
    const result = await resync({ since });

    // Assess: re-claimed through the webhook's path (attempts 2), on the queue, then processed once
    expect(result).toMatchObject({ replayed: 1, stillFailing: 0, skipped: 0, more: false });
    expect(result.items).toEqual([
      {
        stripeEventId: event.id,
        eventType: 'invoice.paid',
        stuck: 'abandoned_claim',
        outcome: 'replayed',
        source: 'stripe',
      },
    ]);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'PROCESSED', attempts: 2, districtId });
    expect(await rowsOf(districtId)).toEqual([expect.objectContaining({ amountCents: 12_000, shareCents: 1_800 })]);
  });

  it('sends the message of an event enqueued an hour ago and never processed again, once', async () => {
    // Prepare: claimed and enqueued two hours ago; the message went to the DLQ and the row stayed RECEIVED
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR_MS);
    const { event, districtId } = await invoicePaid();
    await claimAndDie(event, twoHoursAgo, 60);
    await harness.auditLog.markEnqueued(event.id, twoHoursAgo);
    const since = new Date(twoHoursAgo.getTime() - 1_000).toISOString();

    // Act
    const result = await resync({ since });
    const again = await resync({ since });

    // Assess: one message, read by the worker from the audit row; enqueuedAt refreshed, so the second re-sync
    // leaves it alone
    expect(result.items).toEqual([
      {
        stripeEventId: event.id,
        eventType: 'invoice.paid',
        stuck: 'message_lost',
        outcome: 'replayed',
        source: 'audit_log',
      },
    ]);
    expect(again.items).toEqual([]);
    const refreshed = await harness.auditLog.get(event.id);
    expect(Date.parse(refreshed?.enqueuedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(await harness.depth('revenueShare')).toBe(1);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'PROCESSED', attempts: 1, districtId });
    expect(await rowsOf(districtId)).toHaveLength(1);
  });

  it('leaves RECEIVED events that are still in flight alone', async () => {
    // Prepare: one claimed a moment ago (within its lease), one enqueued a moment ago
    const since = new Date(Date.now() - 1_000).toISOString();
    const claimed = (await invoicePaid()).event;
    const enqueued = (await invoicePaid()).event;
    await claimAndDie(claimed, new Date(), 60);
    await claimAndDie(enqueued, new Date(), 60);
    await harness.auditLog.markEnqueued(enqueued.id, new Date());

    // Act
    const bySince = await resync({ since });
    const dryRun = await resync({ since, dryRun: true });
    const byIds = await resync({ stripeEventIds: [claimed.id, enqueued.id] });

    // Assess
    expect(bySince.items).toEqual([]);
    expect(dryRun.items).toEqual([]);
    expect(byIds.items).toEqual([
      {
        stripeEventId: claimed.id,
        eventType: 'invoice.paid',
        outcome: 'skipped',
        error: 'event is RECEIVED and still in flight',
      },
      {
        stripeEventId: enqueued.id,
        eventType: 'invoice.paid',
        outcome: 'skipped',
        error: 'event is RECEIVED and still in flight',
      },
    ]);
    expect(await harness.depth('revenueShare')).toBe(0);
    expect(await harness.auditLog.get(claimed.id)).toMatchObject({ status: 'RECEIVED', attempts: 1 });
  });

  it('a dry run names the stuck events and changes nothing', async () => {
    // Prepare: claimed 61 s ago with a 60 s lease
    const since = new Date(Date.now() - 120_000).toISOString();
    const { event } = await invoicePaid();
    await claimAndDie(event, new Date(Date.now() - 61_000), 60);
    const before = await harness.auditLog.get(event.id);

    // Act
    const result = await resync({ since, dryRun: true });

    // Assess
    expect(result).toMatchObject({ dryRun: true, wouldReplay: 1, replayed: 0 });
    expect(result.items).toEqual([
      { stripeEventId: event.id, eventType: 'invoice.paid', stuck: 'abandoned_claim', outcome: 'would_replay' },
    ]);
    expect(await harness.auditLog.get(event.id)).toEqual(before);
    expect(await harness.depth('revenueShare')).toBe(0);
  });
});
