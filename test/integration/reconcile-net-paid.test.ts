/**
 * Reconcile compares each clawed-back row's net paid at Stripe (its transfers minus their reversals, from Stripe)
 * with the ledger's net, through the scheduled reconcile function on the real local services and the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevenueShare } from '../../domain/model.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import type { ReconcileRunSummary } from '../../functions/reconcile/reconcile-handler.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';

const DAY = 86_400;
const HOUR = 3_600;

describe('reconcile: net paid per row', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('reconcile-net-paid');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const runReconcile = async (at: number) =>
    (await harness.reconcileHandler({ clock: { now: () => new Date(at * 1000) } })(
      {},
      lambdaContext('reconcile', 300),
    )) as ReconcileRunSummary;

  it('agrees after a clawback reversal the ledger records, and reports a reversal it does not as NET_PAID_MISMATCH', async () => {
    // Prepare: a fresh day; 100.00 paid (share 15.00), PAID, then 40.00 refunded: 6.00 reversed by the clawback
    const day = (Math.floor(harness.emulator.now() / DAY) + 2) * DAY;
    harness.emulator.advanceClock(day + 12 * HOUR - harness.emulator.now());
    const district = await harness.addDistrict({ shareBps: 1_500 });
    const now = harness.emulator.now();
    const message = await harness.invoicePaid(
      {
        amount_paid: 10_000,
        currency: 'usd',
        created: now - 60,
        status_transitions: { paid_at: now },
        metadata: { districtId: district.districtId },
      },
      [{ paymentMethod: 'pm_card_bypassPending' }],
    );
    await harness
      .queue('revenueShare')
      .send(message, { groupId: message.stripeEventId, deduplicationId: message.stripeEventId });
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    const id = deriveRevenueShareId(message.invoiceId);
    const row = (await harness.ledger.get(id)) as RevenueShare;
    const refunded = await harness.refundCharge(row.sourceCharges?.[0]?.chargeId ?? '', 4_000);
    const received = await harness.receivedEvent(refunded.type, refunded.data.object as Record<string, unknown>);
    await harness.queue('revenueShare').send(received, {
      groupId: received.stripeEventId,
      deduplicationId: received.stripeEventId,
    });
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    expect(await harness.ledger.get(id)).toMatchObject({ reversedCents: 600, payoutStatus: 'PARTIALLY_REVERSED' });

    // Act 1: the next morning's reconcile
    const clean = await runReconcile(day + DAY + 2 * HOUR);

    // Act 2: 1.00 more reversed at Stripe, outside the pipeline (no event reaches it)
    await harness.stripe.transfers.createReversal(row.stripeTransferId ?? '', { amount: 100 });
    await harness.alerts();
    const differing = await runReconcile(day + DAY + 3 * HOUR);

    // Assess
    expect(clean).toMatchObject({ mismatches: 0 });
    expect(differing).toMatchObject({ mismatches: 1, mismatchesByKind: { NET_PAID_MISMATCH: 1 } });
    const alerts = await harness.alerts();
    expect(alerts.map((a) => a.kind)).toEqual(['RECONCILE_MISMATCH']);
    expect(alerts[0]?.message).toContain('NET_PAID_MISMATCH');
  });
});
