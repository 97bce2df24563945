/**
 * Two money events of one charge, interleaved: the second runs to completion while the first is between reading the
 * charge and reading the row. The first must not plan from the charge it read before the row: the row already records
 * the second's larger clawback, and a target from the older charge would pay part of it back.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClawbackProvider } from '../../domain/ports.js';
import { stripePaymentsFromContext } from '../../functions/commons/stripe-payments.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('a money event that another one of its charge overtakes', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('clawback-stale-charge');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('plans from the charge as it is after the row was read: no re-payment of the later clawback', async () => {
    // Prepare: 100.00 at 15%: a transfer of 15.00, PAID; 33.33 refunded (its target: 5.00 reversed)
    const district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
    const written = await harness.paidRow(district, 10_000);
    const chargeId = written.sourceCharges?.[0]?.chargeId ?? '';
    await harness.deliverToRevenueShare(await harness.refundCharge(chargeId, 3_333));

    // Act: while the first refund's event looks its row up, 20.00 more is refunded (53.33: target 8.00) and that
    // event is processed to the end; then the first one goes on
    const real = stripePaymentsFromContext(harness.runtime('revenue-share').stripe);
    let overtaken = false;
    const overtakingProvider = (context: Context): ClawbackProvider => {
      const provider = real(context);
      return {
        chargeSnapshot: (id) => provider.chargeSnapshot(id),
        createReversal: (...args) => provider.createReversal(...args),
        createTransfer: (...args) => provider.createTransfer(...args),
        findReversals: (transferId) => provider.findReversals(transferId),
        findTransfersByGroup: (group) => provider.findTransfersByGroup(group),
        invoicesPaidWith: async (paymentIntentId) => {
          if (!overtaken) {
            overtaken = true;
            await harness.deliverToRevenueShare(await harness.refundCharge(chargeId, 2_000));
            await harness.runQueue('revenueShare', harness.revenueShareHandler());
          }
          return await provider.invoicesPaidWith(paymentIntentId);
        },
      };
    };
    const run = await harness.runQueue(
      'revenueShare',
      harness.revenueShareHandler({ clawbackProvider: overtakingProvider }),
    );

    // Assess: 8.00 reversed once, nothing paid back, no retry needed
    expect(overtaken).toBe(true);
    expect(run.failedMessageIds).toEqual([]);
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([[1_500, 800]]);
    const row = await harness.ledger.get(written.revenueShareId);
    expect(row).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 800, netPaidCents: 700 });
    expect(row?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([['REVERSAL', 800]]);
  });
});
