/**
 * Reconcile checks that money which went back was clawed back: a charge refunded at Stripe whose money event never
 * reached the clawback leaves its row above what the district should keep, and the next morning's reconcile (the
 * scheduled function and the CLI, on the real local services and the emulator) reports CLAWBACK_DIFFERS; once the
 * event is processed the day reconciles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApiGateway } from '../../local/api-gateway.js';
import type { Io } from '../../ops/output.js';
import { runOps } from '../../ops/run.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { DAY, dateOf, freshDay, HOUR, runReconcileAt } from '../support/reconcile-days.js';

describe('reconcile: money that went back was clawed back', () => {
  let harness: PayoutHarness;
  let gateway: LocalApiGateway;

  beforeAll(async () => {
    harness = await PayoutHarness.start('reconcile-clawback');
    gateway = await harness.startPlatformGateway();
  });

  afterAll(async () => {
    await gateway?.close();
    await harness?.stop();
  });

  const runReconcile = (at: number) => runReconcileAt(harness, at);

  /** `npm run ops -- reconcile --date <day> --json` against the local platform API and the emulator. */
  async function reconcileCli(date: string, at: number) {
    const out: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: () => undefined, errRaw: () => undefined, errIsTty: false };
    const code = await runOps(['reconcile', '--date', date, '--json', '--api', gateway.url], {
      io,
      env: { STRIPE_API_BASE_URL: harness.emulator.url },
      now: () => new Date(at * 1000),
    });
    return { code, report: JSON.parse(out.join('\n')) };
  }

  it('reports a refund whose money event was never processed, and reconciles once it is', async () => {
    // Prepare: a fresh day; 100.00 paid (share 15.00), transferred and verified, then 40.00 refunded at Stripe
    const day = freshDay(harness);
    const district = await harness.addDistrict({ shareBps: 1_500 });
    const row = await harness.paidRow(district, 10_000);
    const chargeId = row.sourceCharges?.[0]?.chargeId ?? '';
    const refunded = await harness.refundCharge(chargeId, 4_000);
    await harness.alerts();
    const nextMorning = day + DAY + 2 * HOUR;

    // Act 1: the event is lost (never delivered)
    const lost = await runReconcile(nextMorning);
    const lostAlerts = await harness.alerts();
    const lostCli = await reconcileCli(dateOf(day), nextMorning);

    // Act 2: the event arrives (a redelivery, or the catch-up's replay) and the clawback reverses 6.00
    await harness.deliverToRevenueShare(refunded);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    const clawedBack = await runReconcile(nextMorning + HOUR);
    const clawedBackAlerts = await harness.alerts();
    const clawedBackCli = await reconcileCli(dateOf(day), nextMorning + HOUR);

    // Assess
    expect(row).toMatchObject({ payoutStatus: 'PAID', shareCents: 1_500 });
    expect(lost).toMatchObject({
      date: dateOf(day),
      moneyEventCharges: 1,
      mismatches: 1,
      mismatchesByKind: { CLAWBACK_DIFFERS: 1 },
      alertsRaised: 1,
    });
    expect(lostAlerts).toEqual([
      expect.objectContaining({
        kind: 'RECONCILE_MISMATCH',
        severity: 'critical',
        invoiceId: row.invoiceId,
        revenueShareId: row.revenueShareId,
      }),
    ]);
    const message = lostAlerts[0]?.message ?? '';
    expect(message).toContain('1 CLAWBACK_DIFFERS');
    expect(message).toContain(`charge ${chargeId}`);
    expect(message).toContain(`would reverse 600 from ${row.stripeTransferId}`);
    expect(lostCli.code).toBe(1);
    expect(lostCli.report).toMatchObject({ date: dateOf(day), moneyEventCharges: 1 });
    expect(lostCli.report.mismatches).toEqual([
      expect.objectContaining({
        kind: 'CLAWBACK_DIFFERS',
        invoiceId: row.invoiceId,
        revenueShareId: row.revenueShareId,
        chargeId,
        stripeTransferId: row.stripeTransferId,
      }),
    ]);
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PARTIALLY_REVERSED',
      reversedCents: 600,
    });
    expect(clawedBack).toMatchObject({ date: dateOf(day), moneyEventCharges: 1, mismatches: 0, alertsRaised: 0 });
    expect(clawedBackAlerts).toEqual([]);
    expect(clawedBackCli).toMatchObject({ code: 0, report: { moneyEventCharges: 1, mismatches: [] } });
  });
});
