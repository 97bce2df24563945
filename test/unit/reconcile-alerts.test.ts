import { describe, expect, it } from 'vitest';
import { parseReconcileDay } from '../../domain/reconcile/reconcile-day.js';
import { MAX_IDS_PER_ALERT, mismatchAlerts } from '../../domain/reconcile/scheduled-reconcile.js';
import type { Mismatch } from '../../domain/reconcile/three-way-match.js';

const day = parseReconcileDay('2026-12-01') ?? (undefined as never);
const now = new Date('2026-12-02T02:30:00Z');

describe('mismatchAlerts: one RECONCILE_MISMATCH alert per mismatch kind', () => {
  it('a day with no mismatch raises nothing', () => {
    // Assess
    expect(mismatchAlerts(day, [], now)).toEqual([]);
  });

  it('counts each kind, names at most five ids and says how many more; waiting for review is a warning', () => {
    // Prepare
    const missing: Mismatch[] = Array.from({ length: MAX_IDS_PER_ALERT + 2 }, (_, i) => ({
      kind: 'MISSING_LEDGER_ROW',
      invoiceId: `in_${i}`,
      detail: `invoice ${i} has no row`,
    }));
    const review: Mismatch = { kind: 'AWAITING_REVIEW', invoiceId: 'in_r', revenueShareId: 'rs_r', detail: 'waits' };

    // Act
    const alerts = mismatchAlerts(day, [review, ...missing], now);

    // Assess
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([
      ['RECONCILE_MISMATCH', 'critical'],
      ['RECONCILE_MISMATCH', 'warning'],
    ]);
    const [first, second] = alerts;
    expect(first?.message).toContain('Reconcile 2026-12-01 (UTC, by paid date): 7 MISSING_LEDGER_ROW');
    expect(first?.message).toContain('in_0, in_1, in_2, in_3, in_4 and 2 more');
    expect(first?.message).toContain('All that day: MISSING_LEDGER_ROW 7, AWAITING_REVIEW 1');
    expect(first?.message).toContain('npm run ops -- reconcile --date 2026-12-01');
    expect(first?.invoiceId).toBeUndefined();
    expect(second).toMatchObject({ invoiceId: 'in_r', revenueShareId: 'rs_r', occurredAt: now.toISOString() });
  });

  it('a reminder of rows waiting for a person is a warning pointing at their listing; money kinds are critical', () => {
    // Prepare
    const retry: Mismatch = { kind: 'AWAITING_RETRY', revenueShareId: 'rs_f', detail: 'failed 3 days ago' };
    const unrecorded: Mismatch = { kind: 'UNRECORDED_TRANSFER', revenueShareId: 'rs_u', detail: 'paid anyway' };

    // Act
    const alerts = mismatchAlerts(day, [retry, unrecorded], now);

    // Assess
    expect(alerts.map((a) => [a.severity, a.revenueShareId])).toEqual([
      ['critical', 'rs_u'],
      ['warning', 'rs_f'],
    ]);
    expect(alerts[0]?.message).toContain('npm run ops -- reconcile --date 2026-12-01');
    expect(alerts[1]?.message).toContain('npm run ops -- payouts list --status TRANSFER_FAILED');
  });
});
