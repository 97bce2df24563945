/**
 * Money rules 7 and 9 for an invoice paid by a legacy charge made without a payment intent (its invoice payment is
 * `payment: { type: 'charge' }`): Stripe leads from a charge to its invoice only through the payment intent, so the
 * ledger writes a pointer item for this charge with the row, and a refund or dispute of it is clawed back through
 * that. The row is not paid automatically, whatever the district's opt-ins: it waits for a person, who can approve
 * it; the approved transfer is still funded by that charge (source_transaction).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';

describe('an invoice paid by a charge without a payment intent', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('pay-from-legacy-charge');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    // The platform's own available balance is 0: only a transfer funded by its charge can succeed.
    harness.emulator.setBalance(0);
    // Opted in to every automatic payment there is: none of it may pay this invoice.
    district = await harness.addDistrict({ shareBps: 1_500, autoTransfer: true, autoPayOutOfBand: true });
    await harness.drainAll();
  });

  const rowOf = async (invoiceId: string) =>
    (await harness.ledger.get(deriveRevenueShareId(invoiceId))) as RevenueShare;

  /** invoice.paid, paid at the emulator by one legacy charge for all of it, through the three workers. */
  async function paidByLegacyCharge(amountPaid: number): Promise<{ invoiceId: string; chargeId: string }> {
    const message = await harness.invoicePaid(
      { amount_paid: amountPaid, metadata: { districtId: district.districtId } },
      [{ paymentMethod: 'pm_card_visa', withoutPaymentIntent: true }],
    );
    await harness.queueForRevenueShare(message);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    const [payment] = (await harness.stripe.invoicePayments.list({ invoice: message.invoiceId })).data;
    return { invoiceId: message.invoiceId, chargeId: String(payment?.payment.charge) };
  }

  const approve = (revenueShareId: string) =>
    harness.platformApiHandler()(
      platformRequest('POST', '/platform/payout/approve', {
        body: { revenueShareId, by: 'jane@example.org', reason: 'legacy charge checked: not refunded, not disputed' },
      }),
      lambdaContext('platform-api', 20),
    );

  it('writes the row NEEDS_REVIEW with a reason naming the charge, makes no transfer and alerts', async () => {
    // Act
    const { invoiceId, chargeId } = await paidByLegacyCharge(10_000);

    // Assess
    expect((await harness.stripe.charges.retrieve(chargeId)).payment_intent).toBeNull();
    const reason =
      `charge_without_payment_intent: charge ${chargeId} (10000 usd) was made without a payment intent, so Stripe ` +
      'leads from it to no invoice: a refund or dispute of it is clawed back through the ledger alone (its charge ' +
      'pointer), which reconcile does not check';
    const row = await rowOf(invoiceId);
    expect(row).toMatchObject({
      payoutStatus: 'NEEDS_REVIEW',
      transferAttempt: 0,
      shareCents: 1_500,
      collectedCents: 10_000,
      sourceCharges: [{ chargeId, amountCents: 10_000, withoutPaymentIntent: true }],
      reviewReason: reason,
    });
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
    expect(await harness.alerts()).toEqual([
      expect.objectContaining({
        kind: 'PAYOUT_NEEDS_REVIEW',
        revenueShareId: row.revenueShareId,
        message: expect.stringContaining(reason),
      }),
    ]);
  });

  it('pays an approved row once, by a transfer funded by that charge', async () => {
    // Prepare
    const { invoiceId, chargeId } = await paidByLegacyCharge(8_000);
    const waiting = await rowOf(invoiceId);

    // Act
    const approved = await approve(waiting.revenueShareId);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess
    expect(approved.statusCode).toBe(202);
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers).toEqual([expect.objectContaining({ amount: 1_200, source_transaction: chargeId })]);
    expect(await rowOf(invoiceId)).toMatchObject({
      payoutStatus: 'PAID',
      transferParts: [{ index: 0, amountCents: 1_200, sourceChargeId: chargeId, stripeTransferId: transfers[0]?.id }],
      decision: { action: 'approve', by: 'jane@example.org' },
    });
  });

  it('claws back the share of a partial refund of that charge once paid, found through its pointer item', async () => {
    // Prepare
    const { invoiceId, chargeId } = await paidByLegacyCharge(8_000);
    const waiting = await rowOf(invoiceId);
    await approve(waiting.revenueShareId);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    expect((await rowOf(invoiceId)).payoutStatus).toBe('PAID');
    harness.emulator.advanceClock(3 * 86_400); // the charge's funds, and so the district's, become available
    await harness.alerts();

    // Act
    const refunded = await harness.deliverToRevenueShare(await harness.refundCharge(chargeId, 2_000));
    await harness.runQueue('revenueShare', harness.revenueShareHandler());

    // Assess: 15% of the 2000 refunded (300) is reversed from the 1200 paid.
    expect((await harness.auditLog.get(refunded.stripeEventId))?.status).toBe('PROCESSED');
    expect(await harness.alerts()).not.toContainEqual(expect.objectContaining({ kind: 'EVENT_FAILED' }));
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([[1_200, 300]]);
    expect(await rowOf(invoiceId)).toMatchObject({
      payoutStatus: 'PARTIALLY_REVERSED',
      reversedCents: 300,
      netPaidCents: 900,
    });
    // The pointer names the row and carries no key of the district or attention indexes.
    const pointer = (await harness.chargePointerItems()).find((item) => item.chargeId === chargeId);
    expect(pointer).toEqual({
      pk: `charge#${chargeId}`,
      chargeId,
      revenueShareIds: new Set([waiting.revenueShareId]),
    });
  });
});
