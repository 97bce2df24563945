/**
 * A PENDING row that something raced (a refund, a reversal, a clawback in flight) still reaches its final status, or
 * raises an alert for a person: never left PENDING with nothing queued and nobody told. Real local services and the
 * Stripe emulator; the races are forced by wrapping the workers' Stripe payments or their DynamoDB client.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { repaymentTransferGroupOf } from '../../domain/clawback/clawback-keys.js';
import type { District, RevenueShare } from '../../domain/model.js';
import { type PaymentsForContext, stripePaymentsFromContext } from '../../functions/commons/stripe-payments.js';
import { localDynamoDbClient } from '../../local/aws-clients.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { aroundCalls } from '../support/stripe-call-hooks.js';

describe('PENDING rows that a race met reach a final status or alert', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('pending-converge');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
  });

  /** Refunds (all of, or `amount` of) a charge and processes its charge.refunded through the revenue-share worker. */
  async function refundAndProcess(chargeId: string, amount?: number): Promise<void> {
    const event = await harness.refundCharge(chargeId, amount);
    const message = await harness.receivedEvent(event.type, event.data.object as Record<string, unknown>);
    await harness.queueForRevenueShare(message);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
  }

  /** A worker's Stripe payments, running `race` once, just before (or right after) the first call of `method`. */
  function aroundFirst(
    functionName: 'transfer' | 'mark-paid',
    method: 'createTransfer' | 'retrieveTransfer',
    race: () => Promise<void>,
    when: 'before' | 'after' = 'after',
  ): { payments: PaymentsForContext; raced: () => boolean } {
    let raced = false;
    const once = (at: 'before' | 'after') => async (call: number) => {
      if (call !== 1 || when !== at) return;
      raced = true;
      await race();
    };
    const payments = aroundCalls(stripePaymentsFromContext(harness.runtime(functionName).stripe), method, {
      before: once('before'),
      after: once('after'),
    });
    return { payments, raced: () => raced };
  }

  /**
   * Refunds 40.00 of the row's (100.00) charge and runs its clawback once, dying after the reversal is made at Stripe
   * and before it is recorded: the row keeps its clawback intent and the money event's message comes back.
   */
  async function refundWithClawbackDying(row: RevenueShare): Promise<void> {
    await processWithClawbackDying(await harness.refundCharge(row.sourceCharges?.[0]?.chargeId ?? '', 4_000));
  }

  /**
   * Runs a money event once through the revenue-share worker, dying after its reversal or re-payment is made at
   * Stripe and before it is recorded: the row keeps its clawback intent and the event's message comes back.
   */
  async function processWithClawbackDying(event: StripeEventLike): Promise<void> {
    const dynamodb = localDynamoDbClient(inject('dynamodbEndpoint'));
    let completionsToFail = 1;
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        const completes =
          context.commandName === 'UpdateItemCommand' && /REMOVE .*clawbackIntent/.test(input.UpdateExpression ?? '');
        if (completes && completionsToFail-- > 0) {
          throw Object.assign(new Error('the worker died before recording the reversal'), { name: 'WorkerDied' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'dieBeforeRecordingTheReversal' },
    );
    const ledger = new DynamoDbLedgerStore(
      DynamoDBDocumentClient.from(dynamodb),
      harness.resources.tables.revenueShares,
    );
    await harness.queueForRevenueShare(
      await harness.receivedEvent(event.type, event.data.object as Record<string, unknown>),
    );
    const died = await harness.runQueue('revenueShare', harness.revenueShareHandler({ ledger }), 1);
    expect(completionsToFail).toBe(0);
    expect(died.failedMessageIds).toHaveLength(1);
  }

  it("names the row when the first part's charge is refunded between its transfer and its record", async () => {
    // Prepare: 100.00 paid by two charges (60.00 and 40.00): two parts (9.00 and 6.00). Part 0's transfer is made,
    // then its charge is refunded in full before the worker records it (the refund makes part 0 amount 0)
    const row = await harness.writtenRow(district, 10_000, [
      { paymentMethod: 'pm_card_bypassPending', amount: 6_000 },
      { paymentMethod: 'pm_card_bypassPending', amount: 4_000 },
    ]);
    const [first, second] = row.transferParts ?? [];
    if (!first?.sourceChargeId || !second) throw new Error('the test row is not split over two charges');
    const racing = aroundFirst('transfer', 'createTransfer', () => refundAndProcess(first.sourceChargeId ?? ''));

    // Act
    await harness.runQueue('transfer', harness.transferHandler({ payments: racing.payments }));
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: part 0's transfer is recorded (naming the row) and reversed in full, part 1's paid; verified, no alert
    expect(racing.raced()).toBe(true);
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([
      [first.amountCents, first.amountCents],
      [second.amountCents, 0],
    ]);
    const now = (await harness.ledger.get(row.revenueShareId)) as RevenueShare;
    expect(now.stripeTransferId).toBe(transfers[0]?.id);
    expect(now).toMatchObject({
      payoutStatus: 'PARTIALLY_REVERSED',
      reversedCents: first.amountCents,
      netPaidCents: second.amountCents,
    });
    expect(now.paidAt).toBeDefined();
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
  });

  it('verifies again when a reversal is recorded between its read and its update: the row leaves PENDING', async () => {
    // Prepare: transferred, verification queued; mark-paid reads the row and retrieves the transfer, then a 40.00
    // refund of the 100.00 charge is clawed back (6.00 reversed and recorded: the row stays PENDING, one version on)
    const row = await harness.writtenRow(district, 10_000);
    await harness.runQueue('transfer', harness.transferHandler());
    const chargeId = row.sourceCharges?.[0]?.chargeId ?? '';
    const racing = aroundFirst('mark-paid', 'retrieveTransfer', async () => {
      const event = await harness.refundCharge(chargeId, 4_000);
      await harness.queueForRevenueShare(
        await harness.receivedEvent(event.type, event.data.object as Record<string, unknown>),
      );
      await harness.runQueue('revenueShare', harness.revenueShareHandler());
    });

    // Act
    const run = await harness.runQueue('markPaid', harness.markPaidHandler({ payments: racing.payments }));

    // Assess: the update lost to the clawback's write, the row was verified again on what it is now
    expect(racing.raced()).toBe(true);
    expect(run.failedMessageIds).toEqual([]);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(now?.paidAt).toBeDefined();
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
  });

  it('does not judge a row whose clawback is in flight: retried, PARTIALLY_REVERSED once the reversal is recorded', async () => {
    // Prepare: transferred, verification queued; a 40.00 refund's clawback reverses 6.00 at Stripe and dies before
    // recording it (the row keeps its clawback intent; its message comes back)
    const row = await harness.writtenRow(district, 10_000);
    await harness.runQueue('transfer', harness.transferHandler());
    await refundWithClawbackDying(row);
    expect((await harness.ledger.get(row.revenueShareId))?.clawbackIntent).toBeDefined();

    // Act: the verification while the intent is in flight, the clawback's retry, the verification's retry
    const inFlight = await harness.runQueue('markPaid', harness.markPaidHandler(), 1);
    const whileInFlight = await harness.ledger.get(row.revenueShareId);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const verified = await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: not judged while in flight (the message came back, no alert), verified once the reversal is recorded
    expect(inFlight.failedMessageIds).toHaveLength(1);
    expect(whileInFlight).toMatchObject({ payoutStatus: 'PENDING' });
    expect(whileInFlight?.lastError).toBeUndefined();
    expect(verified.failedMessageIds).toEqual([]);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(now?.clawbackIntent).toBeUndefined();
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
  });

  it('does not judge a row whose clawback started after it was read: retried, then PARTIALLY_REVERSED', async () => {
    // Prepare: mark-paid reads the row (no intent yet); before it retrieves the transfer, the clawback writes its
    // intent, reverses 6.00 at Stripe and dies before recording it
    const row = await harness.writtenRow(district, 10_000);
    await harness.runQueue('transfer', harness.transferHandler());
    const racing = aroundFirst('mark-paid', 'retrieveTransfer', () => refundWithClawbackDying(row), 'before');

    // Act
    const raced = await harness.runQueue('markPaid', harness.markPaidHandler({ payments: racing.payments }), 1);
    const whileInFlight = await harness.ledger.get(row.revenueShareId);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const verified = await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: the mismatch it saw was the clawback's: not alerted, retried, verified once the reversal is recorded
    expect(racing.raced()).toBe(true);
    expect(raced.failedMessageIds).toHaveLength(1);
    expect(whileInFlight?.lastError).toBeUndefined();
    expect(verified.failedMessageIds).toEqual([]);
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PARTIALLY_REVERSED',
      reversedCents: 600,
    });
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
  });

  it('does not judge a transfer reversed outside the stack before its transfer.reversed: retried, then REVERSED', async () => {
    // Prepare: transferred, verification queued; the dashboard reverses the whole transfer at Stripe, and its
    // transfer.reversed is not processed yet
    const row = await harness.writtenRow(district, 10_000);
    await harness.runQueue('transfer', harness.transferHandler());
    const transferId = (await harness.ledger.get(row.revenueShareId))?.stripeTransferId ?? '';
    const seen = harness.emulator.events().length;
    await harness.stripe.transfers.createReversal(transferId);
    const reversedEvents = harness.emulator
      .events()
      .slice(seen)
      .filter((e) => e.type === 'transfer.reversed');
    expect(reversedEvents).toHaveLength(1);

    // Act: the verification first, then transfer.reversed, then the verification's retry
    const early = await harness.runQueue('markPaid', harness.markPaidHandler(), 1);
    const beforeTheEvent = await harness.ledger.get(row.revenueShareId);
    for (const event of reversedEvents) await harness.deliverToRevenueShare(event);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const verified = await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: not judged before the reversal was recorded (the message came back), verified once it is
    expect(early.failedMessageIds).toHaveLength(1);
    expect(beforeTheEvent).toMatchObject({ payoutStatus: 'PENDING' });
    expect(beforeTheEvent?.lastError).toBeUndefined();
    expect(verified.failedMessageIds).toEqual([]);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, netPaidCents: 0, owedCents: 0 });
    expect(now?.paidAt).toBeDefined();
    expect((await harness.alerts()).map((a) => a.kind)).toEqual(['TRANSFER_REVERSED']);
  });

  it('alerts when mark-paid refuses a row whose parts record transfers but which names none', async () => {
    // Prepare: a row as the worker left it before the fix above: part 0 records a transfer, the row names none
    const row = await harness.pendingRow(district, {
      transferParts: [{ index: 0, amountCents: 1_500, stripeTransferId: 'tr_recorded_on_the_part' }],
    });

    // Act
    const response = await harness.invoke(
      harness.markPaidHandler(),
      harness.sqsEvent([{ body: { revenueShareId: row.revenueShareId }, groupId: row.revenueShareId }]),
    );

    // Assess: refused (nothing to verify), the reason recorded and a person told
    expect(response.batchItemFailures).toEqual([]);
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PENDING',
      lastError: expect.stringContaining('has no stripeTransferId'),
    });
    expect(await harness.alerts()).toEqual([
      expect.objectContaining({
        kind: 'TRANSFER_MISMATCH',
        revenueShareId: row.revenueShareId,
        message: expect.stringContaining('tr_recorded_on_the_part'),
      }),
    ]);
  });

  // The last two in this file: each moves the emulator's clock on by a day.
  it('records the reversal a clawback made before dying when retried after its key expired: reversed once', async () => {
    // Prepare: transferred; a 40.00 refund's clawback reverses 6.00 at Stripe and dies before recording it. Its
    // message is retried 25 hours later (dead-lettered, then re-driven): Stripe no longer keeps the reversal's key
    const row = await harness.writtenRow(district, 10_000);
    await harness.runQueue('transfer', harness.transferHandler());
    await refundWithClawbackDying(row);
    const laterSeconds = 25 * 3_600;
    harness.emulator.advanceClock(laterSeconds);
    const later = { now: () => new Date(Date.now() + laterSeconds * 1_000) };

    // Act
    const retried = await harness.runQueue('revenueShare', harness.revenueShareHandler({ clock: later }));

    // Assess: one reversal of 6.00 at Stripe, the one recorded on the row; the intent is cleared
    expect(retried.failedMessageIds).toEqual([]);
    const now = (await harness.ledger.get(row.revenueShareId)) as RevenueShare;
    const reversals = await harness.stripe.transfers.listReversals(now.stripeTransferId ?? '');
    expect(reversals.data.map((r) => r.amount)).toEqual([600]);
    expect(now.moneyHistory?.filter((m) => m.kind === 'REVERSAL').map((m) => m.stripeId)).toEqual([
      reversals.data[0]?.id,
    ]);
    expect(now).toMatchObject({ reversedCents: 600, netPaidCents: 900 });
    expect(now.clawbackIntent).toBeUndefined();
  });

  it('records the re-payment a clawback made before dying when retried after its key expired: re-paid once', async () => {
    // Prepare: paid; 40.00 refunded (6.00 reversed), then the refund fails: its re-payment of 6.00 reaches Stripe and
    // the clawback dies before recording it. The message is retried 25 hours later: Stripe no longer keeps the key
    const row = await harness.paidRow(district, 10_000);
    const chargeId = row.sourceCharges?.[0]?.chargeId ?? '';
    await refundAndProcess(chargeId, 4_000);
    const [refund] = (await harness.stripe.refunds.list({ charge: chargeId })).data;
    const seen = harness.emulator.events().length;
    harness.emulator.failRefund(refund?.id ?? '');
    const failed = harness.emulator
      .events()
      .slice(seen)
      .find((e) => e.type === 'refund.failed');
    if (!failed) throw new Error('failing the refund raised no refund.failed');
    await processWithClawbackDying(failed);
    const laterSeconds = 25 * 3_600;
    harness.emulator.advanceClock(laterSeconds);
    const later = { now: () => new Date(Date.now() + laterSeconds * 1_000) };

    // Act
    const retried = await harness.runQueue('revenueShare', harness.revenueShareHandler({ clock: later }));

    // Assess: one re-payment of 6.00 at Stripe, the one recorded on the row; the share is whole again
    expect(retried.failedMessageIds).toEqual([]);
    const repayments = await harness.stripe.transfers.list({
      transfer_group: repaymentTransferGroupOf(row.revenueShareId),
    });
    expect(repayments.data.map((t) => t.amount)).toEqual([600]);
    const now = (await harness.ledger.get(row.revenueShareId)) as RevenueShare;
    expect(now.moneyHistory?.filter((m) => m.kind === 'REPAYMENT').map((m) => m.stripeId)).toEqual([
      repayments.data[0]?.id,
    ]);
    expect(now).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 1_500 });
    expect(now.clawbackIntent).toBeUndefined();
  });
});
