/**
 * Reconcile compares each clawed-back row's net paid at Stripe (its transfers minus their reversals, from Stripe)
 * with the ledger's net, through the scheduled reconcile function on the real local services and the emulator.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevenueShare } from '../../domain/model.js';
import type { ClawbackProvider } from '../../domain/ports.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { stripeClients } from '../../functions/commons/stripe-api-client.js';
import { stripePaymentsFromContext } from '../../functions/commons/stripe-payments.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { DAY, dateOf, freshDay, HOUR, noonOf, runReconcileAt } from '../support/reconcile-days.js';

describe('reconcile: net paid per row', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('reconcile-net-paid');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const runReconcile = (at: number) => runReconcileAt(harness, at);

  it('agrees after a clawback reversal the ledger records, and reports a reversal it does not as NET_PAID_MISMATCH', async () => {
    // Prepare: a fresh day; 100.00 paid (share 15.00), PAID, then 40.00 refunded: 6.00 reversed by the clawback
    const day = freshDay(harness);
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

  it("checks the net of a row refunded days after its payout on the refund's day: a reversal Stripe never made", async () => {
    // Prepare: day D, two invoices of 100.00 (shares 15.00) paid, transferred and verified
    const dayD = freshDay(harness);
    const district = await harness.addDistrict({ shareBps: 1_500 });
    const clawedBack = await harness.paidRow(district, 10_000);
    const notReversed = await harness.paidRow(district, 10_000);
    // ... day E, three days later: each charge refunded 40.00. The first refund is clawed back as it should be; the
    // second's reversal is answered without Stripe making it (a provider that reports a reversal it never made),
    // and the ledger records it as made
    const dayE = dayD + 3 * DAY;
    noonOf(harness, dayE);
    const refund = async (row: RevenueShare, clawbackProvider?: (context: Context) => ClawbackProvider) => {
      const event = await harness.refundCharge(row.sourceCharges?.[0]?.chargeId ?? '', 4_000);
      await harness.deliverToRevenueShare(event);
      const run = await harness.runQueue(
        'revenueShare',
        harness.revenueShareHandler(clawbackProvider ? { clawbackProvider } : {}),
      );
      expect(run.failedMessageIds).toEqual([]);
    };
    await refund(clawedBack);
    await refund(
      notReversed,
      reversalsNeverMade(stripePaymentsFromContext(stripeClients({ baseUrl: harness.emulator.url }))),
    );
    await harness.alerts();

    // Act: the morning after day E
    const summary = await runReconcile(dayE + DAY + 2 * HOUR);

    // Assess: the ledger says 6.00 went back from each row; at Stripe only the first transfer was reversed
    const ledgerOf = async (row: RevenueShare) => (await harness.ledger.get(row.revenueShareId)) as RevenueShare;
    for (const row of [clawedBack, notReversed]) {
      expect(await ledgerOf(row)).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600 });
    }
    const reversedAtStripe = (row: RevenueShare) =>
      harness.emulator.transfers().find((t) => t.id === row.stripeTransferId)?.amount_reversed;
    expect([reversedAtStripe(clawedBack), reversedAtStripe(notReversed)]).toEqual([600, 0]);
    expect(summary).toMatchObject({
      date: dateOf(dayE),
      paidInvoices: 0,
      transfers: 0,
      moneyEventCharges: 2,
      transfersReadById: 2,
      mismatches: 1,
      mismatchesByKind: { NET_PAID_MISMATCH: 1 },
    });
    const alerts = await harness.alerts();
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: 'RECONCILE_MISMATCH',
        severity: 'critical',
        revenueShareId: notReversed.revenueShareId,
      }),
    ]);
    expect(alerts[0]?.message).toContain('net paid at Stripe 1500 usd');
    expect(alerts[0]?.message).toContain('ledger net 900 (600 reversed, 0 re-paid)');
  });
});

/** The clawback's provider, except that a reversal is answered as made without reaching Stripe. */
function reversalsNeverMade(real: (context: Context) => ClawbackProvider) {
  let made = 0;
  return (context: Context): ClawbackProvider => {
    const provider = real(context);
    return {
      chargeSnapshot: (chargeId) => provider.chargeSnapshot(chargeId),
      invoicesPaidWith: (paymentIntentId) => provider.invoicesPaidWith(paymentIntentId),
      createReversal: async () => ({ id: `trr_never_made_${++made}` }),
      createTransfer: (request, key) => provider.createTransfer(request, key),
      findReversals: (transferId) => provider.findReversals(transferId),
      findTransfersByGroup: (group) => provider.findTransfersByGroup(group),
    };
  };
}
