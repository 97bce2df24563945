/**
 * Every scheduled reconcile reminds of the rows still waiting for a person, whatever their invoice's day: a
 * NEEDS_REVIEW row as AWAITING_REVIEW, a TRANSFER_FAILED row that failed over a day ago as AWAITING_RETRY, both
 * warnings, one alert per kind. The scheduled function on the real local services and the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../bench/request-counter.js';
import { ATTENTION_STATUSES, type TransferMessage } from '../../domain/model.js';
import { transferSendOptions } from '../../domain/payouts/messages.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import type { ReconcileRunSummary } from '../../functions/reconcile/reconcile-handler.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

describe('scheduled reconcile: reminders of the rows waiting for a person', () => {
  let harness: PayoutHarness;
  const counter = new RequestCounter();

  beforeAll(async () => {
    harness = await PayoutHarness.start('reconcile-reminders');
    counter.attach(harness.resources.dynamodb, 'dynamodb');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const runReconcile = async (at: Date) =>
    (await harness.reconcileHandler({ clock: { now: () => at } })(
      {},
      lambdaContext('reconcile', 300),
    )) as ReconcileRunSummary;

  /** A row of 15.00 from the platform balance, which is empty: its transfer fails, as of `at`. */
  async function failedAt(at: Date) {
    const district = await harness.addDistrict({ shareBps: 1_500 });
    const row = await harness.pendingRow(district, { transferParts: [{ index: 0, amountCents: 1_500 }] });
    harness.emulator.setBalance(0);
    const message: TransferMessage = { revenueShareId: row.revenueShareId, transferAttempt: 1 };
    await harness.queue<TransferMessage>('transfer').send(message, transferSendOptions(message));
    await harness.runQueue('transfer', harness.transferHandler({ clock: { now: () => at } }));
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({ payoutStatus: 'TRANSFER_FAILED' });
    return row;
  }

  it('reminds of a NEEDS_REVIEW row from 4 days ago and a transfer failed 3 days ago on every run', async () => {
    // Prepare: an invoice paid out of band 4 days before the run (its row waits for review); a transfer that failed
    // 3 days before it, and one that failed 2 hours before it (it paged as TRANSFER_FAILED, not yet a reminder)
    const run = new Date(Date.now() + 4 * DAY_MS);
    const district = await harness.addDistrict({ shareBps: 1_500 });
    const paidOutOfBand = await harness.invoicePaid(
      { amount_paid: 3_000, currency: 'usd', metadata: { districtId: district.districtId } },
      [],
    );
    await harness.queueForRevenueShare(paidOutOfBand);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const review = deriveRevenueShareId(paidOutOfBand.invoiceId);
    expect(await harness.ledger.get(review)).toMatchObject({ payoutStatus: 'NEEDS_REVIEW' });
    const failedLongAgo = await failedAt(new Date(run.getTime() - 3 * DAY_MS));
    const failedJustNow = await failedAt(new Date(run.getTime() - 2 * HOUR_MS));
    await harness.alerts();

    // Act: today's run, and the next day's
    const today = await runReconcile(run);
    const todaysAlerts = await harness.alerts();
    const nextDay = await runReconcile(new Date(run.getTime() + DAY_MS));
    const nextDaysAlerts = await harness.alerts();

    // Assess: none of them is the day's; each is reminded of, in one warning per kind
    expect(today).toMatchObject({
      mismatches: 0,
      remindersByKind: { AWAITING_REVIEW: 1, AWAITING_RETRY: 1 },
      alertsRaised: 2,
    });
    expect(todaysAlerts).toEqual([
      expect.objectContaining({ kind: 'RECONCILE_MISMATCH', severity: 'warning', revenueShareId: review }),
      expect.objectContaining({
        kind: 'RECONCILE_MISMATCH',
        severity: 'warning',
        revenueShareId: failedLongAgo.revenueShareId,
      }),
    ]);
    const [reviewAlert, retryAlert] = todaysAlerts;
    expect(reviewAlert?.message).toContain('1 AWAITING_REVIEW');
    expect(reviewAlert?.message).toContain('payouts list --status NEEDS_REVIEW');
    expect(retryAlert?.message).toContain('1 AWAITING_RETRY');
    expect(retryAlert?.message).toContain('balance_insufficient');
    expect(retryAlert?.message).not.toContain(failedJustNow.revenueShareId);
    // The next day the row that failed 2 hours before the first run is over a day old too
    expect(nextDay).toMatchObject({ remindersByKind: { AWAITING_REVIEW: 1, AWAITING_RETRY: 2 }, alertsRaised: 2 });
    expect(nextDaysAlerts.map((a) => [a.severity, a.revenueShareId])).toEqual([
      ['warning', review],
      ['warning', undefined],
    ]);
    expect(nextDaysAlerts[1]?.message).toContain('2 AWAITING_RETRY');
  });

  it('lists the waiting rows once a run, for the day and the reminders: one Query per waiting status', async () => {
    // Prepare: a row waiting for review
    const district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.pendingRow(district, { payoutStatus: 'NEEDS_REVIEW' });
    counter.label = 'reconcile';

    // Act
    const summary = await runReconcile(new Date(Date.now() + 10 * DAY_MS));
    counter.label = 'after';

    // Assess: before, one listing for the day's rows and one for the reminders (a Query per status each)
    expect(summary.remindersByKind.AWAITING_REVIEW).toBeGreaterThanOrEqual(1);
    const queries = Object.entries(counter.tallies('reconcile'))
      .filter(([operation]) => operation.startsWith('dynamodb.Query.'))
      .reduce((sum, [, tally]) => sum + tally.requests, 0);
    expect(queries).toBe(ATTENTION_STATUSES.length);
  });
});
