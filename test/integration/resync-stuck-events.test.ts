import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessEventMessage } from '../../domain/model.js';
import type { ResyncResult } from '../../domain/resync/resync-failed-events.js';
import { processEventDeduplicationId } from '../../domain/webhook/receive-event.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * RECEIVED rows that nothing moves on any more, and that re-sync therefore takes as it takes FAILED ones: a row
 * whose lease ended over an hour ago, either an abandoned claim (the delivery that claimed the event died before
 * enqueueing it, and Stripe, told "duplicate", stopped retrying) or a lost message (SQS dead-lettered it). The row
 * cannot tell which, so both are replayed; a message that was in fact still queued is skipped by the worker.
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

  it('replays a claim abandoned over an hour ago before it was enqueued', async () => {
    // Prepare: a delivery claimed the event two hours ago and died before enqueueing it (a concurrent delivery was
    // told "duplicate", so Stripe stopped retrying)
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR_MS);
    const since = new Date(twoHoursAgo.getTime() - 1_000).toISOString();
    const { event, districtId } = await invoicePaid();
    await claimAndDie(event, twoHoursAgo, 60);
    expect(await harness.depth('revenueShare')).toBe(0);

    // Act
    const result = await resync({ since });

    // Assess: re-claimed through the webhook's path (attempts 2), on the queue, then processed once
    expect(result).toMatchObject({ replayed: 1, stillFailing: 0, skipped: 0, more: false });
    expect(result.items).toEqual([
      {
        stripeEventId: event.id,
        eventType: 'invoice.paid',
        stuck: 'not_processed',
        outcome: 'replayed',
        source: 'stripe',
      },
    ]);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'PROCESSED', attempts: 2, districtId });
    expect(await rowsOf(districtId)).toEqual([expect.objectContaining({ amountCents: 12_000, shareCents: 1_800 })]);
  });

  it('replays an event whose first message is in fact still queued, and the worker makes one row of the two', async () => {
    // Prepare: claimed and enqueued two hours ago, its message still waiting behind a long backlog
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR_MS);
    const since = new Date(twoHoursAgo.getTime() - 1_000).toISOString();
    const { event, districtId } = await invoicePaid();
    await claimAndDie(event, twoHoursAgo, 60);
    await harness
      .queue<ProcessEventMessage>('revenueShare')
      .send(
        { stripeEventId: event.id, eventType: event.type },
        { groupId: event.id, deduplicationId: processEventDeduplicationId(event.id, 1) },
      );

    // Act
    const result = await resync({ since });
    const again = await resync({ since });

    // Assess: sent again under a new deduplication id; the re-claim's fresh lease keeps the second re-sync off it;
    // both messages are processed and the second is skipped
    expect(result.items).toEqual([
      expect.objectContaining({ stripeEventId: event.id, stuck: 'not_processed', outcome: 'replayed' }),
    ]);
    expect(again.items).toEqual([]);
    expect(await harness.depth('revenueShare')).toBe(2);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    expect(await harness.depth('revenueShare')).toBe(0);
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'PROCESSED', attempts: 2, districtId });
    expect(await rowsOf(districtId)).toHaveLength(1);
  });

  it('leaves RECEIVED events that are still in flight alone', async () => {
    // Prepare: one claimed a moment ago (within its lease), one whose lease ended half an hour ago (its message may
    // still be queued or retried by SQS)
    const since = new Date(Date.now() - HOUR_MS).toISOString();
    const claimed = (await invoicePaid()).event;
    const queued = (await invoicePaid()).event;
    await claimAndDie(claimed, new Date(), 60);
    await claimAndDie(queued, new Date(Date.now() - HOUR_MS / 2), 60);

    // Act
    const bySince = await resync({ since });
    const dryRun = await resync({ since, dryRun: true });
    const byIds = await resync({ stripeEventIds: [claimed.id, queued.id] });

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
        stripeEventId: queued.id,
        eventType: 'invoice.paid',
        outcome: 'skipped',
        error: 'event is RECEIVED and still in flight',
      },
    ]);
    expect(await harness.depth('revenueShare')).toBe(0);
    expect(await harness.auditLog.get(claimed.id)).toMatchObject({ status: 'RECEIVED', attempts: 1 });
  });

  it('a dry run names the stuck events and changes nothing', async () => {
    // Prepare: claimed an hour and a minute ago with a 60 s lease
    const since = new Date(Date.now() - 2 * HOUR_MS).toISOString();
    const { event } = await invoicePaid();
    await claimAndDie(event, new Date(Date.now() - HOUR_MS - 61_000), 60);
    const before = await harness.auditLog.get(event.id);

    // Act
    const result = await resync({ since, dryRun: true });

    // Assess
    expect(result).toMatchObject({ dryRun: true, wouldReplay: 1, replayed: 0 });
    expect(result.items).toEqual([
      { stripeEventId: event.id, eventType: 'invoice.paid', stuck: 'not_processed', outcome: 'would_replay' },
    ]);
    expect(await harness.auditLog.get(event.id)).toEqual(before);
    expect(await harness.depth('revenueShare')).toBe(0);
  });
});
