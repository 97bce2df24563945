/**
 * Reconcile reads by id the transfers a checked row records that the day's listing does not hold: a split row whose
 * first part was transferred on one day and its second on a later day (the first day's attempt failed for that part)
 * is checked on the later day with both parts, not reported MISSING_TRANSFER. The scheduled function, on the real
 * local services and the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferMessage } from '../../domain/model.js';
import { transferSendOptions } from '../../domain/payouts/messages.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';
import { DAY, dateOf, freshDay, HOUR, noonOf, runReconcileAt } from '../support/reconcile-days.js';

describe("reconcile: a checked row's transfers outside the day's listing", () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('reconcile-unlisted-transfers');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const runReconcile = (at: number) => runReconcileAt(harness, at);

  it('checks a split row on the day of its later part with the part made on an earlier day', async () => {
    // Prepare: day D at noon; a share of 15.00 in two parts: 9.00 from the invoice's charge, 6.00 (a part a person
    // approved, paid out of band) from the platform balance, which is empty: part 0 is transferred, part 1 fails
    const dayD = freshDay(harness);
    const district = await harness.addDistrict({ shareBps: 1_500 });
    const written = await harness.pendingRow(district, { amountCents: 10_000, shareCents: 1_500 });
    const chargeId = written.sourceCharges?.[0]?.chargeId ?? '';
    await harness.ledger.update({
      revenueShareId: written.revenueShareId,
      expectedVersion: written.version,
      changes: {
        transferParts: [
          { index: 0, amountCents: 900, sourceChargeId: chargeId },
          { index: 1, amountCents: 600 },
        ],
        updatedAt: new Date().toISOString(),
      },
    });
    harness.emulator.setBalance(0);
    const message: TransferMessage = { revenueShareId: written.revenueShareId, transferAttempt: 1 };
    await harness.queue<TransferMessage>('transfer').send(message, transferSendOptions(message));
    await harness.runQueue('transfer', harness.transferHandler());
    expect(await harness.ledger.get(written.revenueShareId)).toMatchObject({ payoutStatus: 'TRANSFER_FAILED' });

    // ... day E: funds arrive, the platform team retries, part 1 is transferred and the row verified
    const dayE = dayD + DAY;
    noonOf(harness, dayE);
    harness.emulator.setBalance(10_000_000_00);
    const retry = await harness.platformApiHandler()(
      platformRequest('POST', '/platform/payout/retry', { body: { revenueShareId: written.revenueShareId } }),
      lambdaContext('platform-api', 20),
    );
    expect(retry.statusCode).toBe(202);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    const paid = await harness.ledger.get(written.revenueShareId);
    await harness.alerts();

    // Act: the morning after day E
    const summary = await runReconcile(dayE + DAY + 2 * HOUR);

    // Assess: the parts were made on two days; day E's reconcile read part 0 by id and found both as recorded
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, Math.floor(Number(t.created) / DAY) * DAY])).toEqual([
      [900, dayD],
      [600, dayE],
    ]);
    expect(paid).toMatchObject({ payoutStatus: 'PAID' });
    expect(paid?.transferParts?.map((p) => p.stripeTransferId)).toEqual(transfers.map((t) => t.id));
    expect(summary).toMatchObject({
      date: dateOf(dayE),
      transfers: 1,
      transfersReadById: 1,
      mismatches: 0,
      alertsRaised: 0,
    });
    expect(await harness.alerts()).toEqual([]);
  });
});
