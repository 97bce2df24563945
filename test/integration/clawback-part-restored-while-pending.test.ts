/**
 * A split row still PENDING (one part transferred, not yet verified) whose other part was cancelled before its
 * transfer (its charge refunded in full) gets that part's money back (the refund fails). The part's amount is
 * restored, and the money event queues the row's transfer again, so the missing part is transferred (only it) and
 * the row is verified with both: nothing leaves it PENDING with a part mark-paid can never verify.
 * Real local services and the Stripe emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevenueShare } from '../../domain/model.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('a cancelled part of a PENDING split row whose money comes back', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('clawback-part-restored');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const get = async (id: string) => (await harness.ledger.get(id)) as RevenueShare;

  /** Delivers an event (again, as delivery `delivery`) and processes it. */
  async function process(event: StripeEventLike, delivery = 0): Promise<void> {
    await harness.deliverToRevenueShare(event, delivery);
    const run = await harness.runQueue('revenueShare', harness.revenueShareHandler());
    expect(run.failedMessageIds).toEqual([]);
  }

  it('transfers the restored part once, then verifies the row with both parts: PAID', async () => {
    // Prepare: 100.00 at 15% paid by two charges (60.00, 40.00): parts of 9.00 and 6.00. The second charge is
    // refunded in full before the transfer (its part cancelled), then the first part is transferred; not yet verified
    const district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
    const row = await harness.writtenRow(district, 10_000, [
      { paymentMethod: 'pm_card_bypassPending', amount: 6_000 },
      { paymentMethod: 'pm_card_bypassPending', amount: 4_000 },
    ]);
    const first = row.sourceCharges?.find((c) => c.amountCents === 6_000)?.chargeId;
    const second = row.sourceCharges?.find((c) => c.amountCents === 4_000)?.chargeId ?? '';
    const { event: refunded, refundId } = await harness.refund(second);
    await process(refunded);
    expect((await harness.runQueue('transfer', harness.transferHandler())).failedMessageIds).toEqual([]);
    expect(harness.transfersTo(district.stripeAccountId).map((t) => t.amount)).toEqual([900]);
    expect(await get(row.revenueShareId)).toMatchObject({ payoutStatus: 'PENDING' });

    // Act: the refund fails (the second part's 6.00 is the district's again); its events processed, mark-paid runs (it cannot
    // verify a part not transferred yet), the transfer worker, mark-paid again; then the events delivered again
    const before = harness.emulator.events().length;
    harness.emulator.failRefund(refundId);
    const raised = harness.emulator.events().slice(before);
    expect(raised.length).toBeGreaterThan(0);
    for (const event of raised) await process(event);
    const restored = (await get(row.revenueShareId)).transferParts?.find((p) => p.sourceChargeId === second);
    expect(restored).toMatchObject({ amountCents: 600 });
    await harness.runQueue('markPaid', harness.markPaidHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    const paid = await get(row.revenueShareId);
    for (const event of raised) await process(event, 1);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: each part transferred once, from its own charge; the row verified with both, the whole share paid;
    // the redeliveries moved nothing; no alert, nothing dead-lettered
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed, t.source_transaction])).toEqual([
      [900, 0, first],
      [600, 0, second],
    ]);
    expect(paid).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 1_500, owedCents: 0 });
    expect(paid.paidAt).toBeDefined();
    expect(paid.lastError).toBeUndefined();
    const byCharge = (chargeId: string | undefined) => paid.transferParts?.find((p) => p.sourceChargeId === chargeId);
    expect(byCharge(first)).toMatchObject({ amountCents: 900, stripeTransferId: transfers[0]?.id });
    expect(byCharge(second)).toMatchObject({ amountCents: 600, stripeTransferId: transfers[1]?.id });
    expect((await get(row.revenueShareId)).version).toBe(paid.version);
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
    for (const key of ['revenueShare', 'transfer', 'markPaid'] as const) {
      expect(await harness.depth(key, true)).toBe(0);
    }
  });
});
