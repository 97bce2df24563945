/**
 * A partly out-of-band invoice waits for a person (NEEDS_REVIEW, no transfer plan yet). A refund or dispute of its
 * charge while it waits finds the row but no part to reduce, so nothing happens; the approval then plans the charges'
 * full shares (the platform API never reads Stripe). Before its first transfer the transfer worker brings each charge
 * to its clawback target, so the district is not paid money the customer got back; the out-of-band part is paid.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District } from '../../domain/model.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';

describe('money that goes back while a row waits for review', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('refund-awaiting-review');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    // The out-of-band part is paid from the platform balance.
    harness.emulator.setBalance(1_000_000);
    district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
  });

  const runMoneyEvents = () => harness.runQueue('revenueShare', harness.revenueShareHandler());

  /** 100.00 invoiced, 60.00 by card, 40.00 paid outside Stripe: its row waits for review (share 1500: 900 + 600). */
  async function waitingForReview(): Promise<{ id: string; chargeId: string }> {
    const message = await harness.invoicePaid({ amount_paid: 10_000, metadata: { districtId: district.districtId } }, [
      { paymentMethod: 'pm_card_bypassPending', amount: 6_000 },
    ]);
    const [charge] = (await harness.payments.chargesOf(message.invoiceId, 'usd')).charges;
    if (!charge) throw new Error('the invoice has no charge');
    await harness.queueForRevenueShare(message);
    await runMoneyEvents();
    const id = deriveRevenueShareId(message.invoiceId);
    expect(await harness.ledger.get(id)).toMatchObject({ payoutStatus: 'NEEDS_REVIEW', collectedCents: 6_000 });
    return { id, chargeId: charge.chargeId };
  }

  /** The money event delivered and processed while the row waits: it finds the row, and nothing moves. */
  async function deliveredWhileWaiting(event: StripeEventLike, id: string): Promise<void> {
    const before = await harness.ledger.get(id);
    await harness.deliverToRevenueShare(event);
    await runMoneyEvents();
    expect((await harness.auditLog.get(event.id))?.status).toBe('PROCESSED');
    expect(await harness.ledger.get(id)).toMatchObject({ payoutStatus: 'NEEDS_REVIEW', version: before?.version });
  }

  /** A person approves; the transfer and its verification run as their queues deliver. */
  async function approveAndPay(id: string): Promise<void> {
    const response = await harness.platformApiHandler()(
      platformRequest('POST', '/platform/payout/approve', {
        body: { revenueShareId: id, by: 'jane@example.org', reason: 'cheque 1042 cleared' },
      }),
      lambdaContext('platform-api', 20),
    );
    expect(response.statusCode).toBe(202);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
  }

  const transfers = () =>
    harness.transfersTo(district.stripeAccountId).map((t) => [t.amount, t.source_transaction, t.amount_reversed]);

  it('pays only the out-of-band part when the charge was refunded in full before the approval', async () => {
    // Prepare
    const { id, chargeId } = await waitingForReview();
    await deliveredWhileWaiting(await harness.refundCharge(chargeId), id);

    // Act
    await approveAndPay(id);

    // Assess: nothing from the refunded charge; the 600 paid outside Stripe, from the platform balance
    expect(transfers()).toEqual([[600, null, 0]]);
    const row = await harness.ledger.get(id);
    // What the charge part held back counts as taken back (the rule of a refund before the transfer)
    expect(row).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 900, netPaidCents: 600 });
    expect(row?.transferParts).toEqual([
      { index: 0, amountCents: 0, plannedCents: 900, sourceChargeId: chargeId },
      { index: 1, amountCents: 600, stripeTransferId: row?.stripeTransferId },
    ]);
    expect(row?.moneyHistory ?? []).toEqual([]);

    // Act: the transfer message redelivered, the refund replayed
    await harness
      .queue('transfer')
      .send(
        { revenueShareId: id, transferAttempt: row?.transferAttempt },
        { groupId: id, deduplicationId: `${id}#again` },
      );
    await harness.runQueue('transfer', harness.transferHandler());
    const refund = harness.emulator
      .events()
      .filter((e) => e.type === 'charge.refunded')
      .at(-1);
    if (refund) await harness.deliverToRevenueShare(refund, 1);
    await runMoneyEvents();

    // Assess: nothing more moves
    expect(transfers()).toEqual([[600, null, 0]]);
    expect((await harness.ledger.get(id))?.transferParts).toEqual(row?.transferParts);
  });

  it('pays the charge part less the clawback of a partial refund before the approval', async () => {
    // Prepare: 30.00 of the 60.00 charge refunded: its part keeps floor(3000 × 15%) = 450 of 900
    const { id, chargeId } = await waitingForReview();
    await deliveredWhileWaiting(await harness.refundCharge(chargeId, 3_000), id);

    // Act
    await approveAndPay(id);

    // Assess
    expect(transfers()).toEqual([
      [450, chargeId, 0],
      [600, null, 0],
    ]);
    const row = await harness.ledger.get(id);
    expect(row).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 450, netPaidCents: 1_050 });
    expect(row?.transferParts?.map((p) => [p.amountCents, p.plannedCents, p.sourceChargeId])).toEqual([
      [450, 900, chargeId],
      [600, undefined, undefined],
    ]);
  });

  it('holds back the charge part of a dispute opened before the approval (REVERSE_ON_DISPUTE)', async () => {
    // Prepare
    const { id, chargeId } = await waitingForReview();
    const seen = harness.emulator.events().length;
    harness.emulator.openDispute(chargeId);
    const opened = harness.emulator
      .events()
      .slice(seen)
      .filter((e) => e.type.startsWith('charge.dispute.'));
    expect(opened.map((e) => e.type)).toContain('charge.dispute.created');
    for (const event of opened) await deliveredWhileWaiting(event, id);

    // Act
    await approveAndPay(id);

    // Assess
    expect(transfers()).toEqual([[600, null, 0]]);
    expect((await harness.ledger.get(id))?.transferParts?.[0]).toMatchObject({ amountCents: 0, plannedCents: 900 });
  });
});
