import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CatchUpResult } from '../../domain/catch-up/catch-up.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The catch-up re-syncs at most `maxReplays` FAILED rows a run. Rows that fail for good keep their createdAt on
 * every replay, so taking the oldest each run would hand every run to the same ones and never reach a row behind
 * them that would now succeed. Each run continues after the last row the previous one took.
 */
describe('catch-up re-sync turns', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('catch-up-turns');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    harness.emulator.reset();
    await harness.clearCatchUpState();
    await harness.drain('revenueShare');
    await harness.alerts();
  });

  const runCatchUp = async () =>
    (await harness.catchUpHandler({ settleSeconds: 0, maxReplays: 50, endpoint: {} })(
      {},
      lambdaContext('catch-up', 60),
    )) as CatchUpResult;

  /** An event at the emulator recorded FAILED at `at` (as its first delivery left it). */
  async function failedAt(event: StripeEventLike, at: Date, reason: string): Promise<void> {
    await harness.auditLog.claim({ stripeEventId: event.id, eventType: event.type, now: at, leaseSeconds: 60 });
    await harness.auditLog.markFailed(event.id, reason, at, { rawEvent: JSON.stringify(event) });
  }

  it('a recoverable FAILED event behind more permanent failures than one run replays is replayed on the next run', async () => {
    // Prepare: 50 transfer.reversed events two days old that no ledger row owns (they fail for good) ...
    const twoDaysAgo = Date.now() - 2 * DAY_MS;
    const permanent: string[] = [];
    for (let i = 0; i < 50; i++) {
      const event = harness.emulator.createEvent('transfer.reversed', { id: `tr_nobody${i}`, object: 'transfer' });
      await failedAt(
        event,
        new Date(twoDaysAgo + i * 1000),
        `transfer tr_nobody${i} was reversed but no ledger row owns it`,
      );
      permanent.push(event.id);
    }
    // ... then, a day ago, an invoice.paid that failed for a district configured since
    const district = await harness.addDistrict();
    const invoice = harness.emulator.buildInvoice(
      { amount_paid: 20_000, currency: 'usd', metadata: { districtId: district.districtId } },
      { payments: [{ paymentMethod: 'pm_card_visa' }] },
    );
    const recoverable = harness.emulator.createEvent('invoice.paid', invoice);
    await failedAt(recoverable, new Date(Date.now() - DAY_MS), `district ${district.districtId} not found`);

    // Act: two scheduled runs, the worker between them (the permanent ones fail again, keeping their createdAt)
    const first = await runCatchUp();
    await harness.runQueue('revenueShare', harness.revenueShareHandler(), 50);
    const second = await runCatchUp();
    await harness.runQueue('revenueShare', harness.revenueShareHandler(), 50);

    // Assess: the first run took the 50 oldest and said it left work; the second took the recoverable one
    expect(first.resync).toMatchObject({ replayed: 50, more: true });
    expect(first.truncated).toBe(true);
    expect(second.resync.replayed).toBeGreaterThanOrEqual(1);
    expect(await harness.auditLog.get(recoverable.id)).toMatchObject({ status: 'PROCESSED', attempts: 2 });
    const rows = (await harness.ledgerItems()).filter((item) => item.districtId === district.districtId);
    expect(rows).toEqual([expect.objectContaining({ amountCents: 20_000, invoiceId: invoice.id })]);
    expect(await harness.auditLog.get(permanent[0] as string)).toMatchObject({ status: 'FAILED', attempts: 2 });
  });
});
