/**
 * Money events that meet a transfer not yet made, or made and not yet verified, on the real local services and the
 * Stripe emulator: the result converges to the clawback rule and nothing is dead-lettered for it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import { PaymentProviderError, type TransferRequest } from '../../domain/ports.js';
import { type PaymentsForContext, stripePaymentsFromContext } from '../../functions/commons/stripe-payments.js';
import type { ReconcileRunSummary } from '../../functions/reconcile/reconcile-handler.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';
import { aroundCalls } from '../support/stripe-call-hooks.js';

const DAY_SECONDS = 86_400;
const HOUR_MS = 3_600_000;

describe('money events racing a transfer', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('clawback-races');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
  });

  const writtenRow = (payments: { paymentMethod: string; amount: number }[]) =>
    harness.writtenRow(
      district,
      payments.reduce((sum, p) => sum + p.amount, 0),
      payments,
    );

  /** Refunds (all of) a charge and queues its charge.refunded as the webhook would. */
  async function refund(chargeId: string, amount?: number): Promise<void> {
    const event = await harness.refundCharge(chargeId, amount);
    const message = await harness.receivedEvent(event.type, event.data.object as Record<string, unknown>);
    await harness.queueForRevenueShare(message);
  }

  /**
   * The transfer worker's Stripe payments, except that just before its first create reaches Stripe the row's charge
   * is refunded (all of it, or `amount`) and the refund processed by the revenue-share worker.
   */
  function refundingBeforeFirstCreate(row: RevenueShare, amount?: number) {
    let raced = false;
    const payments = aroundCalls(stripePaymentsFromContext(harness.runtime('transfer').stripe), 'createTransfer', {
      before: async (call) => {
        if (call !== 1) return;
        raced = true;
        await refund(row.sourceCharges?.[0]?.chargeId ?? '', amount);
        await harness.runQueue('revenueShare', harness.revenueShareHandler());
      },
    });
    return { payments, raced: () => raced };
  }

  /**
   * The transfer worker's Stripe payments, except that just after its second create reached Stripe, that part's
   * charge is refunded in full and the refund processed, before the worker records the transfer.
   */
  function refundingAfterSecondCreate() {
    let refunded = '';
    const payments = aroundCalls(stripePaymentsFromContext(harness.runtime('transfer').stripe), 'createTransfer', {
      after: async (call, [request]) => {
        if (call !== 2) return;
        refunded = String((request as TransferRequest).sourceTransaction ?? '');
        await refund(refunded);
        await harness.runQueue('revenueShare', harness.revenueShareHandler());
      },
    });
    return { payments, refundedCharge: () => refunded };
  }

  /** What the district keeps of a transfer at the emulator. */
  const net = (t: Record<string, unknown>) => Number(t.amount) - Number(t.amount_reversed);

  /** Stripe's 429 as the worker's Stripe adapter reports it, once the client's own waits are spent. */
  const rateLimited = () => new PaymentProviderError(false, 'rate_limit', 'Request rate limit exceeded', 429);

  /** `payments` whose first call of `method` is answered by that 429. */
  const rateLimitedOnce = (payments: PaymentsForContext, method: string) =>
    aroundCalls(payments, method, {
      before: async (call) => {
        if (call === 1) throw rateLimited();
      },
    });

  it('skips a part whose charge was fully refunded before the transfer and pays the other: PARTIALLY_REVERSED', async () => {
    // Prepare: 100.00 paid by two charges (60.00 + 40.00): parts of 9.00 and 6.00; the first charge refunded
    const row = await writtenRow([
      { paymentMethod: 'pm_card_bypassPending', amount: 6_000 },
      { paymentMethod: 'pm_card_bypassPending', amount: 4_000 },
    ]);
    const first = row.sourceCharges?.find((c) => c.amountCents === 6_000)?.chargeId ?? '';
    await refund(first);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());

    // Act
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: one transfer, of the second part; nothing of 0 sent; the first part's 900 taken back
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => t.amount)).toEqual([600]);
    const now = (await harness.ledger.get(row.revenueShareId)) as RevenueShare;
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 900, netPaidCents: 600 });
    const zero = now.transferParts?.find((p) => p.sourceChargeId === first);
    const paid = now.transferParts?.find((p) => p.sourceChargeId !== first);
    expect(zero).toMatchObject({ amountCents: 0, plannedCents: 900 });
    expect(zero?.stripeTransferId).toBeUndefined();
    expect(paid?.stripeTransferId).toBe(transfers[0]?.id);
    expect(now.stripeTransferId).toBe(transfers[0]?.id);
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
  });

  it('claws back a split row part whose transfer was made but not recorded when its charge was refunded in full', async () => {
    // Prepare: 100.00 paid by two charges (parts of 9.00 and 6.00); the transfer worker's second create reaches
    // Stripe, then that part's charge is refunded in full and the refund processed before the transfer is recorded
    const row = await writtenRow([
      { paymentMethod: 'pm_card_bypassPending', amount: 6_000 },
      { paymentMethod: 'pm_card_bypassPending', amount: 4_000 },
    ]);
    const racing = refundingAfterSecondCreate();
    const { payments } = racing;

    // Act: the worker's record loses to the clawback's write; its retry, then the verification
    await harness.runQueue('transfer', harness.transferHandler({ payments }));
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: the transfer funded by the refunded charge is recorded on its part and reversed in full
    expect(racing.refundedCharge()).toMatch(/^ch_/);
    const fromRefunded = harness.emulator.transfers().filter((t) => t.source_transaction === racing.refundedCharge());
    expect(fromRefunded.map(net)).toEqual([0]);
    const now = (await harness.ledger.get(row.revenueShareId)) as RevenueShare;
    const part = now.transferParts?.find((p) => p.sourceChargeId === racing.refundedCharge());
    expect(part?.stripeTransferId).toBe(fromRefunded[0]?.id);
    const kept = harness.transfersTo(district.stripeAccountId).reduce((sum, t) => sum + net(t), 0);
    expect(kept).toBe(now.netPaidCents);
  });

  it('does not verify a split row whose held-back part has a transfer its worker has not recorded yet', async () => {
    // Prepare: as above: the second part's transfer reaches Stripe, then its charge is refunded in full and the
    // refund processed, so the worker's record loses and its message comes back
    const row = await writtenRow([
      { paymentMethod: 'pm_card_bypassPending', amount: 6_000 },
      { paymentMethod: 'pm_card_bypassPending', amount: 4_000 },
    ]);
    const racing = refundingAfterSecondCreate();
    const { payments } = racing;
    await harness.runQueue('transfer', harness.transferHandler({ payments }), 1);

    // Act: a person asks for the verification before the worker's retry; then the retry, then the verification again
    await operatorMarkPaid(row.revenueShareId);
    const early = await harness.runQueue('markPaid', harness.markPaidHandler(), 1);
    const waiting = await harness.ledger.get(row.revenueShareId);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: the early verification waited (before: the row was PARTIALLY_REVERSED at once and the transfer of the
    // refunded charge was never recorded or reversed: the district kept it); then that transfer is recorded and
    // reversed in full, and what the district keeps is what the row says
    expect(early.failedMessageIds).toHaveLength(1);
    expect(waiting?.payoutStatus).toBe('PENDING');
    const fromRefunded = harness.emulator.transfers().filter((t) => t.source_transaction === racing.refundedCharge());
    expect(fromRefunded.map(net)).toEqual([0]);
    const now = (await harness.ledger.get(row.revenueShareId)) as RevenueShare;
    expect(now.payoutStatus).toBe('PARTIALLY_REVERSED');
    const kept = harness.transfersTo(district.stripeAccountId).reduce((sum, t) => sum + net(t), 0);
    expect(kept).toBe(now.netPaidCents);
  });

  it('reverses a transfer made but not yet verified at once, and mark-paid then accepts it: nothing retried', async () => {
    // Prepare: transferred, not yet verified; 40.00 of 100.00 refunded
    const row = await writtenRow([{ paymentMethod: 'pm_card_bypassPending', amount: 10_000 }]);
    await harness.runQueue('transfer', harness.transferHandler());
    const pending = (await harness.ledger.get(row.revenueShareId)) as RevenueShare;
    expect(pending).toMatchObject({ payoutStatus: 'PENDING' });
    await refund(row.sourceCharges?.[0]?.chargeId ?? '', 4_000);

    // Act: the money event, then the verification
    const moneyRun = await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const verification = await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: 6.00 reversed once, first try; verified against the recorded reversal; partly reversed, no alert
    expect(moneyRun.failedMessageIds).toEqual([]);
    expect(verification.failedMessageIds).toEqual([]);
    const transfer = harness.emulator.transfers().find((t) => t.id === pending.stripeTransferId);
    expect(transfer?.amount_reversed).toBe(600);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(now?.paidAt).toBeDefined();
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
    expect(await harness.depth('revenueShare', true)).toBe(0);
  });

  it('converges when a refund lands while the transfer is being made: the full transfer is recorded and clawed back', async () => {
    // Prepare: the transfer worker's Stripe client processes a 50.00 refund just before its create reaches Stripe
    const row = await writtenRow([{ paymentMethod: 'pm_card_bypassPending', amount: 10_000 }]);
    const racing = refundingBeforeFirstCreate(row, 5_000);

    // Act
    await harness.runQueue('transfer', harness.transferHandler({ payments: racing.payments }));
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: one transfer of 15.00 (made for the plan before the refund), 7.50 of it reversed; the rule's result
    expect(racing.raced()).toBe(true);
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([[1_500, 750]]);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 750, netPaidCents: 750 });
    expect(now?.stripeTransferId).toBe(transfers[0]?.id);
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([['REVERSAL', 750]]);
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
  });

  it('still claws back a transfer made for the plan before a refund when its clawback was rate limited: the requeued message finishes it', async () => {
    // Prepare: the refund lands while the transfer is being made (as above), and the worker's first read of the
    // charge after recording the transfer is rate limited (a 429 the client's retries did not outlast)
    const row = await writtenRow([{ paymentMethod: 'pm_card_bypassPending', amount: 10_000 }]);
    const racing = refundingBeforeFirstCreate(row, 5_000);
    const payments = rateLimitedOnce(racing.payments, 'chargeSnapshot');

    // Act: the rate-limited message goes back to its queue and is delivered again, then the verification
    await harness.runQueue('transfer', harness.transferHandler({ payments }));
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: 7.50 of the 15.00 transfer reversed, as without the 429; no alert
    expect(racing.raced()).toBe(true);
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([[1_500, 750]]);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 750, netPaidCents: 750 });
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
    expect(await harness.depth('markPaid', true)).toBe(0);
  });

  /** A person's `payouts mark-paid`: the platform API queues the verification. */
  async function operatorMarkPaid(revenueShareId: string): Promise<void> {
    const response = await harness.platformApiHandler()(
      platformRequest('POST', '/platform/payout/mark-paid', { body: { revenueShareId } }),
      lambdaContext('platform-api', 20),
    );
    expect(response.statusCode).toBe(202);
  }

  it('still claws back the refunded part when a person verified the row before the rate-limited clawback came back', async () => {
    // Prepare: as above: the refund lands while the transfer is being made, and the clawback's charge read is rate
    // limited, so the record goes back on its queue with 15.00 recorded and nothing reversed yet (two deliveries:
    // the first one's record loses to the refund's write, the second records the transfer)
    const row = await writtenRow([{ paymentMethod: 'pm_card_bypassPending', amount: 10_000 }]);
    const racing = refundingBeforeFirstCreate(row, 5_000);
    const payments = rateLimitedOnce(racing.payments, 'chargeSnapshot');
    await harness.runQueue('transfer', harness.transferHandler({ payments }), 2);

    // Act: a person asks for the verification (it marks the row PAID at what was sent), then the requeued record
    await operatorMarkPaid(row.revenueShareId);
    await harness.runQueue('markPaid', harness.markPaidHandler());
    const verified = await harness.ledger.get(row.revenueShareId);
    await harness.runQueue('transfer', harness.transferHandler());

    // Assess: 7.50 reversed after all (before: [[1500, 0]], the row PAID with the refunded half kept)
    expect(verified?.payoutStatus).toBe('PAID');
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([[1_500, 750]]);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 750, netPaidCents: 750 });
  });

  it('completes a clawback intent the transfer worker wrote when its reversal was rate limited: reversed once, verified', async () => {
    // Prepare: as above, but the 429 answers the reversal itself, after its intent is on the row
    const row = await writtenRow([{ paymentMethod: 'pm_card_bypassPending', amount: 10_000 }]);
    const racing = refundingBeforeFirstCreate(row, 5_000);
    const payments = rateLimitedOnce(racing.payments, 'createReversal');

    // Act
    await harness.runQueue('transfer', harness.transferHandler({ payments }));
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: one reversal of 7.50; the intent completed; the row verified, nothing dead-lettered
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([[1_500, 750]]);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 750, netPaidCents: 750 });
    expect(now?.clawbackIntent).toBeUndefined();
    expect(await harness.depth('markPaid', true)).toBe(0);
  });

  it('reverses in full a transfer made while a refund of the whole charge cancelled its row: REVERSED, nothing left paid', async () => {
    // Prepare: the whole charge is refunded just before the transfer worker's create reaches Stripe, so the row is
    // REVERSED (nothing left to pay) by the time the worker comes to record the transfer it made
    const row = await writtenRow([{ paymentMethod: 'pm_card_bypassPending', amount: 10_000 }]);
    const racing = refundingBeforeFirstCreate(row);

    // Act
    await harness.runQueue('transfer', harness.transferHandler({ payments: racing.payments }));
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: the 15.00 transfer is recorded on the row and reversed in full at Stripe; the district keeps nothing
    expect(racing.raced()).toBe(true);
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([[1_500, 1_500]]);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, netPaidCents: 0 });
    expect(now?.stripeTransferId).toBe(transfers[0]?.id);
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([['REVERSAL', 1_500]]);
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
    // ... and the next morning's reconcile finds nothing wrong with this invoice
    const nextMorning = new Date((Math.floor(harness.emulator.now() / DAY_SECONDS) + 1) * DAY_SECONDS * 1000 + HOUR_MS);
    const reconciled = (await harness.reconcileHandler({ clock: { now: () => nextMorning } })(
      {},
      lambdaContext('reconcile', 300),
    )) as ReconcileRunSummary;
    expect(reconciled.paidInvoices).toBeGreaterThan(0);
    const aboutThisInvoice = (await harness.alerts()).filter((alert) => alert.message.includes(row.invoiceId));
    expect(aboutThisInvoice).toEqual([]);
  });
});
