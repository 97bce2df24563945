import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import type { AuditRecord, ProcessEventMessage } from '../../domain/model.js';
import type { ResyncResult } from '../../domain/resync/resync-failed-events.js';
import type { ResyncHandlerDeps } from '../../functions/resync/resync-handler.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { HARNESS_WEBHOOK_SECRET, PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';
import { signedWebhookEvent } from '../support/webhook-requests.js';

const WEBHOOK_SECRET = HARNESS_WEBHOOK_SECRET;

describe('resync against DynamoDB Local, the SQS server and the Stripe emulator', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('resync');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    harness.emulator.setBalance(10_000_000);
    await Promise.all([harness.drain('revenueShare'), harness.drain('transfer'), harness.drain('markPaid')]);
    await harness.alerts();
  });

  const webhook = () => harness.webhookHandler();
  const platformApi = () => harness.platformApiHandler();
  /** The production wiring: the API key from the secret on the context, the SDK pointed at the emulator. */
  const resyncHandler = (overrides: Partial<ResyncHandlerDeps> = {}) => harness.resyncHandler(overrides);

  async function resync(body: unknown, handler = resyncHandler()): Promise<{ status: number; body: ResyncResult }> {
    const response = (await handler(
      platformRequest('POST', '/platform/resync', { body }),
      lambdaContext('resync', 300),
    )) as APIGatewayProxyResult;
    return { status: response.statusCode, body: JSON.parse(response.body) as ResyncResult };
  }

  /** Stripe delivers a signed invoice.paid to the webhook; the revenue-share worker takes it off the queue. */
  async function deliverAndProcess(event: StripeEventLike): Promise<AuditRecord | undefined> {
    const response = await webhook()(
      signedWebhookEvent(JSON.stringify(event), { secret: WEBHOOK_SECRET }),
      lambdaContext('stripe-webhook', 10),
    );
    expect(response.statusCode).toBe(200);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    return await harness.auditLog.get(event.id);
  }

  /** An invoice.paid for a district that is not configured yet, held by the emulator (so events.retrieve finds it). */
  function invoicePaidFor(districtId: string, amountPaid = 20_000): StripeEventLike {
    const invoice = harness.emulator.buildInvoice(
      {
        amount_paid: amountPaid,
        currency: 'usd',
        metadata: { districtId },
      },
      { payments: [{ paymentMethod: 'pm_card_visa' }] },
    );
    return harness.emulator.createEvent('invoice.paid', invoice);
  }

  async function configureDistrict(districtId: string): Promise<string> {
    const account = await harness.stripe.accounts.create({ type: 'express', country: 'US' });
    const response = await platformApi()(
      platformRequest('PUT', '/platform/districts/{districtId}', {
        params: { districtId },
        body: {
          stripeAccountId: account.id,
          shareBps: 1500,
          currency: 'usd',
          autoTransfer: true,
          stripeCustomerIds: [],
        },
      }),
      lambdaContext('platform-api', 20),
    );
    expect(response.statusCode).toBe(200);
    return account.id;
  }

  const newDistrictId = () => `district-${randomUUID().slice(0, 8)}`;
  const rowsOf = async (districtId: string) =>
    (await harness.ledgerItems()).filter((item) => item.districtId === districtId);

  it('replays an event that FAILED for a missing district, once the district is added: one row, paid once', async () => {
    // Prepare: the invoice arrives before its district is configured, so the worker marks the event FAILED
    const districtId = newDistrictId();
    const event = invoicePaidFor(districtId);
    const since = new Date(Date.now() - 1_000).toISOString();
    const failed = await deliverAndProcess(event);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(failed?.errorMessage).toContain(districtId);
    const accountId = await configureDistrict(districtId);

    // Act
    const response = await resync({ since });

    // Assess: replayed from Stripe, re-claimed (attempts 2), back on the queue
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ dryRun: false, replayed: 1, stillFailing: 0, skipped: 0, more: false });
    expect(response.body.items).toEqual([
      { stripeEventId: event.id, eventType: 'invoice.paid', outcome: 'replayed', source: 'stripe' },
    ]);
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'RECEIVED', attempts: 2 });

    // Assess: the workers take it from there: PROCESSED, one row, one transfer, PAID
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'PROCESSED', districtId });
    const rows = await rowsOf(districtId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amountCents: 20_000, shareCents: 3_000, payoutStatus: 'PAID' });
    expect(harness.transfersTo(accountId)).toHaveLength(1);
    expect(harness.transfersTo(accountId)[0]).toMatchObject({ amount: 3_000, currency: 'usd' });

    // Act again: the event is no longer FAILED
    const again = await resync({ stripeEventIds: [event.id] });
    const sinceAgain = await resync({ since });

    // Assess: skipped, nothing queued, still one row and one transfer
    expect(again.body).toMatchObject({ replayed: 0, stillFailing: 0, skipped: 1 });
    expect(again.body.items).toEqual([
      {
        stripeEventId: event.id,
        eventType: 'invoice.paid',
        outcome: 'skipped',
        error: 'event is PROCESSED, not FAILED',
      },
    ]);
    expect(sinceAgain.body).toMatchObject({ replayed: 0, skipped: 0, items: [] });
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    expect(await rowsOf(districtId)).toHaveLength(1);
    expect(harness.transfersTo(accountId)).toHaveLength(1);
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'PROCESSED', attempts: 2 });
  });

  it('replays from the raw event on the audit row when Stripe no longer has the event', async () => {
    // Prepare: an event the emulator does not hold (past Stripe's retention)
    const districtId = newDistrictId();
    const held = invoicePaidFor(districtId, 9_999);
    const gone: StripeEventLike = { ...held, id: `evt_gone${randomUUID().replaceAll('-', '')}` };
    expect((await deliverAndProcess(gone))?.status).toBe('FAILED');
    const accountId = await configureDistrict(districtId);

    // Act
    const response = await resync({ stripeEventIds: [gone.id] });

    // Assess
    expect(response.body.items).toEqual([
      { stripeEventId: gone.id, eventType: 'invoice.paid', outcome: 'replayed', source: 'audit_log' },
    ]);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    expect(await harness.auditLog.get(gone.id)).toMatchObject({ status: 'PROCESSED' });
    expect(await rowsOf(districtId)).toEqual([expect.objectContaining({ amountCents: 9_999, shareCents: 1_499 })]);
    expect(harness.transfersTo(accountId)).toHaveLength(1);
  });

  it('replays from the audit row when Stripe no longer has an event selected by time (listed without it)', async () => {
    // Prepare: the status index re-sync lists from does not hold the raw event, so re-sync must read the row
    const districtId = newDistrictId();
    const since = new Date(Date.now() - 1_000).toISOString();
    const gone: StripeEventLike = {
      ...invoicePaidFor(districtId, 4_321),
      id: `evt_gone${randomUUID().replaceAll('-', '')}`,
    };
    expect((await deliverAndProcess(gone))?.status).toBe('FAILED');
    const accountId = await configureDistrict(districtId);

    // Act
    const response = await resync({ since });

    // Assess
    expect(response.body.items).toEqual([
      { stripeEventId: gone.id, eventType: 'invoice.paid', outcome: 'replayed', source: 'audit_log' },
    ]);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    expect(await harness.auditLog.get(gone.id)).toMatchObject({ status: 'PROCESSED', attempts: 2 });
    expect(await rowsOf(districtId)).toEqual([expect.objectContaining({ amountCents: 4_321, shareCents: 648 })]);
    expect(harness.transfersTo(accountId)).toHaveLength(1);
  });

  it('keeps the copy on the row across a re-claim: a replay whose message is lost is replayed again from it', async () => {
    // Prepare: a FAILED event Stripe no longer has, replayed from its copy; the replay's message is then lost (the
    // DLQ's 14 days run out), so the re-claimed row is left RECEIVED
    const districtId = newDistrictId();
    const gone: StripeEventLike = {
      ...invoicePaidFor(districtId, 7_000),
      id: `evt_gone${randomUUID().replaceAll('-', '')}`,
    };
    expect((await deliverAndProcess(gone))?.status).toBe('FAILED');
    const first = await resync({ stripeEventIds: [gone.id] });
    expect(first.body.items).toEqual([expect.objectContaining({ outcome: 'replayed', source: 'audit_log' })]);
    expect(await harness.drain('revenueShare')).toHaveLength(1);
    const accountId = await configureDistrict(districtId);

    // Act: two hours later the RECEIVED row is stuck, and re-sync takes it
    const later = { now: () => new Date(Date.now() + 2 * 60 * 60 * 1000) };
    const again = await resync({ stripeEventIds: [gone.id] }, resyncHandler({ clock: later }));

    // Assess: replayed from the copy the re-claim kept, then processed once
    expect(again.body.items).toEqual([
      {
        stripeEventId: gone.id,
        eventType: 'invoice.paid',
        stuck: 'not_processed',
        outcome: 'replayed',
        source: 'audit_log',
      },
    ]);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    expect(await harness.auditLog.get(gone.id)).toMatchObject({ status: 'PROCESSED', attempts: 3 });
    expect(await rowsOf(districtId)).toEqual([expect.objectContaining({ amountCents: 7_000, shareCents: 1_050 })]);
    expect(harness.transfersTo(accountId)).toHaveLength(1);
  });

  it('a dry run lists the FAILED events and changes nothing: no row, no message, no Stripe call', async () => {
    // Prepare
    const districtId = newDistrictId();
    const event = invoicePaidFor(districtId);
    const since = new Date(Date.now() - 1_000).toISOString();
    const before = await deliverAndProcess(event);
    await configureDistrict(districtId);
    await harness.alerts();
    harness.emulator.failNext(100, 500);

    // Act
    const response = await resync({ since, dryRun: true });
    harness.emulator.reset();
    harness.emulator.setBalance(10_000_000);

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      dryRun: true,
      replayed: 0,
      stillFailing: 0,
      skipped: 0,
      wouldReplay: 1,
      more: false,
      items: [{ stripeEventId: event.id, eventType: 'invoice.paid', outcome: 'would_replay' }],
    });
    expect(await harness.auditLog.get(event.id)).toEqual(before);
    expect(await harness.depth('revenueShare')).toBe(0);
    expect(await harness.alerts()).toEqual([]);
    expect(await rowsOf(districtId)).toEqual([]);
  });

  it('skips ids that are unknown or not FAILED, with the reason', async () => {
    // Prepare
    const unknown = `evt_unknown${randomUUID().replaceAll('-', '')}`;

    // Act
    const response = await resync({ stripeEventIds: [unknown] });

    // Assess
    expect(response.body).toMatchObject({ replayed: 0, skipped: 1 });
    expect(response.body.items).toEqual([
      { stripeEventId: unknown, outcome: 'skipped', error: 'no such event in the audit log' },
    ]);
  });

  it('reports still_failing and raises RESYNC_FAILED when the replay cannot be enqueued; the row stays FAILED', async () => {
    // Prepare
    const districtId = newDistrictId();
    const event = invoicePaidFor(districtId);
    await deliverAndProcess(event);
    await configureDistrict(districtId);
    await harness.alerts();
    const missingQueue = `${harness.resources.queues.queues.revenueShare.replace(/\.fifo$/, '')}-missing.fifo`;
    const handler = resyncHandler({
      processEventQueue: new SqsMessageQueue<ProcessEventMessage>(harness.resources.sqs, missingQueue),
    });

    // Act
    const response = await resync({ stripeEventIds: [event.id] }, handler);

    // Assess
    expect(response.body).toMatchObject({ replayed: 0, stillFailing: 1, skipped: 0 });
    expect(response.body.items[0]).toMatchObject({
      stripeEventId: event.id,
      outcome: 'still_failing',
      source: 'stripe',
    });
    expect(response.body.items[0]?.error).toContain('could not be enqueued');
    expect(await harness.auditLog.get(event.id)).toMatchObject({ status: 'FAILED', attempts: 2 });
    const alerts = await harness.alerts();
    expect(alerts).toContainEqual(
      expect.objectContaining({ kind: 'RESYNC_FAILED', severity: 'critical', stripeEventId: event.id }),
    );
    expect(await rowsOf(districtId)).toEqual([]);
  });

  it('reports still_failing with a warning when Stripe cannot be reached, and changes nothing', async () => {
    // Prepare
    const districtId = newDistrictId();
    const event = invoicePaidFor(districtId);
    const before = await deliverAndProcess(event);
    await harness.alerts();
    harness.emulator.failNext(10, 500);

    // Act
    const response = await resync({ stripeEventIds: [event.id] });
    harness.emulator.reset();
    harness.emulator.setBalance(10_000_000);

    // Assess
    expect(response.body).toMatchObject({ replayed: 0, stillFailing: 1 });
    expect(response.body.items[0]?.error).toContain('could not fetch the event');
    expect(await harness.auditLog.get(event.id)).toEqual(before);
    expect(await harness.depth('revenueShare')).toBe(0);
    expect(await harness.alerts()).toEqual([
      expect.objectContaining({ kind: 'RESYNC_FAILED', severity: 'warning', stripeEventId: event.id }),
    ]);
  });

  it.each([
    [{ since: 'last week' }, 'since'],
    [{ dryRun: 'yes' }, 'dryRun'],
    [{ stripeEventIds: ['in_123'] }, 'stripeEventIds[0]'],
    [{ stripeEventIds: [] }, 'stripeEventIds'],
    [{ stripeEventIds: ['evt_1'], since: '2025-01-01' }, 'stripeEventIds'],
    [{ limit: 101 }, 'limit'],
    [{ sinse: '2025-01-01' }, 'sinse'],
    ['[', 'body'],
  ])('answers 400 for %j, naming %s', async (body, field) => {
    const response = await resync(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ field, error: expect.stringContaining(field.replace(/\[\d+\]$/, '')) });
  });

  it('answers a direct invocation (no API Gateway) with the result itself', async () => {
    const result = (await resyncHandler()(
      { dryRun: true, since: new Date().toISOString() },
      lambdaContext('resync', 300),
    )) as ResyncResult;
    expect(result).toEqual({
      dryRun: true,
      replayed: 0,
      stillFailing: 0,
      skipped: 0,
      wouldReplay: 0,
      more: false,
      items: [],
    });
  });
});
