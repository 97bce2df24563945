/**
 * 429s are weather, not failures: a worker whose Stripe calls are still rate limited after its client waited puts
 * the record back on its own queue (a fresh message, so no receive counts toward the DLQ): no TRANSFER_FAILED, no
 * alert, nothing dead-lettered, and the payout is made exactly once when Stripe lets it through.
 */
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MarkPaidMessage, TransferMessage } from '../../domain/model.js';
import { transferSendOptions } from '../../domain/payouts/messages.js';
import {
  RATE_LIMITED_SINCE_ATTRIBUTE,
  REQUEUE_COUNT_ATTRIBUTE,
  type Requeuer,
  sqsRequeuer,
} from '../../functions/commons/requeue.js';
import { stripeClients } from '../../functions/commons/stripe-api-client.js';
import { stripePaymentsFromContext } from '../../functions/commons/stripe-payments.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('payout workers when Stripe rate limits them', () => {
  let harness: PayoutHarness;
  /** A client that gives up on a 429 after 50 ms, so the test need not wait out the production budget. */
  const impatient = () =>
    stripePaymentsFromContext(stripeClients({ baseUrl: harness.emulator.url, rateLimitRetry: { maxWaitMs: 50 } }));

  beforeAll(async () => {
    harness = await PayoutHarness.start('rate-limited');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    harness.emulator.reset();
    harness.emulator.setBalance(10_000_000);
    await Promise.all([
      harness.drain('revenueShare'),
      harness.drain('transfer'),
      harness.drain('markPaid'),
      harness.alerts(),
    ]);
  });

  async function queuedTransfer() {
    const district = await harness.addDistrict();
    const row = await harness.pendingRow(district);
    const message: TransferMessage = { revenueShareId: row.revenueShareId, transferAttempt: row.transferAttempt };
    await harness.queue<TransferMessage>('transfer').send(message, transferSendOptions(message));
    return { district, row };
  }

  it('puts a rate-limited transfer back on its queue and pays it once, with no failure and no alert', async () => {
    // Prepare
    const { district, row } = await queuedTransfer();
    harness.emulator.failNext(8, 429);
    // Act
    const transfers = await harness.runQueue('transfer', harness.transferHandler({ payments: impatient() }), 30);
    const markPaid = await harness.runQueue('markPaid', harness.markPaidHandler({ payments: impatient() }), 30);
    // Assess
    expect(transfers.invocations).toBeGreaterThan(1);
    expect([transfers.failedMessageIds, markPaid.failedMessageIds]).toEqual([[], []]);
    expect(harness.transfersTo(district.stripeAccountId)).toHaveLength(1);
    expect((await harness.ledger.get(row.revenueShareId))?.payoutStatus).toBe('PAID');
    expect(await harness.alerts()).toEqual([]);
    expect(await harness.depth('transfer', true)).toBe(0);
  });

  it('puts a rate-limited mark-paid back too and marks the row PAID once Stripe answers', async () => {
    // Prepare
    const { row } = await queuedTransfer();
    await harness.runQueue('transfer', harness.transferHandler());
    harness.emulator.failNext(6, 429);
    // Act
    const run = await harness.runQueue('markPaid', harness.markPaidHandler({ payments: impatient() }), 30);
    // Assess
    expect(run.invocations).toBeGreaterThan(1);
    expect(run.failedMessageIds).toEqual([]);
    expect((await harness.ledger.get(row.revenueShareId))?.payoutStatus).toBe('PAID');
    expect(await harness.alerts()).toEqual([]);
  });

  it('puts a rate-limited invoice.paid back on the revenue-share queue and writes its row once, no FAILED event', async () => {
    // Prepare
    const district = await harness.addDistrict();
    const event = await harness.invoicePaid({ amount_paid: 10_000, metadata: { districtId: district.districtId } });
    await harness.queueForRevenueShare(event);
    harness.emulator.failNext(6, 429);
    const invoicePayments = impatient();
    // Act
    const run = await harness.runQueue('revenueShare', harness.revenueShareHandler({ invoicePayments }), 30);
    // Assess
    expect(run.invocations).toBeGreaterThan(1);
    expect(run.failedMessageIds).toEqual([]);
    const rows = (await harness.ledgerItems()).filter((row) => row.invoiceId === event.invoiceId);
    expect(rows).toHaveLength(1);
    expect((await harness.auditLog.get(event.stripeEventId))?.status).toBe('PROCESSED');
    expect(await harness.drain('transfer')).toHaveLength(1);
    expect(await harness.alerts()).toEqual([]);
  });

  it('fails the record as any transient error once it was put back too often (so a Stripe that never answers pages)', async () => {
    // Prepare
    const { district, row } = await queuedTransfer();
    harness.emulator.failNext(1_000, 429);
    const requeue = sqsRequeuer(harness.resources.sqs, harness.resources.queues.queues.transfer, { maxRequeues: 2 });
    // Act
    const run = await harness.runQueue('transfer', harness.transferHandler({ payments: impatient(), requeue }), 4);
    // Assess
    expect(run.failedMessageIds).toHaveLength(2);
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
    expect((await harness.ledger.get(row.revenueShareId))?.payoutStatus).toBe('PENDING');
    expect(await harness.alerts()).toEqual([]);
    harness.emulator.failNext(0, 429);
    await harness.drain<MarkPaidMessage>('transfer');
  });

  it('keeps putting a rate-limited transfer back for an hour from its first requeue, past 50 requeues, then fails it', async () => {
    // Prepare: a clock the test moves, and the records the requeuer was given as SQS delivered them
    const { district, row } = await queuedTransfer();
    harness.emulator.failNext(1_000, 429);
    const started = Date.now();
    let now = started;
    const inner = sqsRequeuer(harness.resources.sqs, harness.resources.queues.queues.transfer, { now: () => now });
    const given: SQSRecord[] = [];
    const requeue: Requeuer = {
      requeue: (record) => {
        given.push(record);
        return inner.requeue(record);
      },
    };
    const handler = harness.transferHandler({ payments: impatient(), requeue });
    const attributes = (record: SQSRecord | undefined) => ({
      count: record?.messageAttributes[REQUEUE_COUNT_ATTRIBUTE]?.stringValue,
      since: record?.messageAttributes[RATE_LIMITED_SINCE_ATTRIBUTE]?.stringValue,
    });
    // Act: 55 hops at once, one more 59 minutes later, one past the hour
    const early = await harness.runQueue('transfer', handler, 55);
    now = started + 59 * 60_000;
    const late = await harness.runQueue('transfer', handler, 1);
    now = started + 60 * 60_000 + 1;
    const pastTheHour = await harness.runQueue('transfer', handler, 1);
    // Assess
    expect([early.invocations, early.failedMessageIds, late.failedMessageIds]).toEqual([55, [], []]);
    expect(attributes(given[55])).toEqual({ count: '55', since: String(started) });
    expect(pastTheHour.failedMessageIds).toHaveLength(1);
    expect(attributes(given[56])).toEqual({ count: '56', since: String(started) });
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
    expect((await harness.ledger.get(row.revenueShareId))?.payoutStatus).toBe('PENDING');
    expect(await harness.alerts()).toEqual([]);
    harness.emulator.failNext(0, 429);
    await harness.drain<TransferMessage>('transfer');
  });
});
