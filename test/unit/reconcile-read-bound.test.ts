import { describe, expect, it } from 'vitest';
import type { FinancialAlert, RevenueShare } from '../../domain/model.js';
import { parseReconcileDay } from '../../domain/reconcile/reconcile-day.js';
import { reconcileOneDay } from '../../domain/reconcile/reconcile-run.js';
import { runScheduledReconcile } from '../../domain/reconcile/scheduled-reconcile.js';
import type {
  ReconcileLedger,
  ReconcileStripeSource,
  ScheduledReconcileLedger,
  WaitingRow,
} from '../../domain/reconcile/sources.js';
import type { PaidInvoice, StripeTransfer } from '../../domain/reconcile/three-way-match.js';
import {
  MAX_TRANSFERS_READ_BY_ID,
  MAX_TRANSFERS_READ_BY_ID_BY_HAND,
} from '../../domain/reconcile/unlisted-transfers.js';

const day = parseReconcileDay('2026-12-01') ?? (undefined as never);
const now = new Date('2026-12-02T02:30:00Z');

const rowOf = (i: number): WaitingRow => ({
  revenueShareId: `rs_${i}`,
  districtId: 'shahdol',
  invoiceId: `in_${i}`,
  amountCents: 10_000,
  currency: 'usd',
  shareCents: 1_000,
  payoutStatus: 'PAID',
  destinationAccountId: 'acct_shahdol',
  stripeTransferId: `tr_${i}`,
  transferParts: [{ index: 0, amountCents: 1_000, stripeTransferId: `tr_${i}` }],
  createdAt: new Date((day.gte + 60) * 1000).toISOString(),
  updatedAt: new Date((day.gte + 60) * 1000).toISOString(),
});

/**
 * One row more than the scheduled bound, each paid that day with its transfer made on the day before (outside the
 * day's listing: read by id); the last one's transfer is 1 cent short.
 */
function dayPastTheBound() {
  const rows = Array.from({ length: MAX_TRANSFERS_READ_BY_ID + 1 }, (_, i) => rowOf(i));
  const invoices: PaidInvoice[] = rows.map((row) => ({
    id: row.invoiceId,
    amount_paid: 10_000,
    paid_at: day.gte + 60,
    currency: 'usd',
    customer: 'cus_shahdol',
    metadata: {},
  }));
  const atStripe: StripeTransfer[] = rows.map((row, i) => ({
    id: row.stripeTransferId ?? '',
    amount: i === MAX_TRANSFERS_READ_BY_ID ? 999 : 1_000,
    currency: 'usd',
    destination: 'acct_shahdol',
    reversed: false,
    amount_reversed: 0,
    created: day.gte - 3_600,
    metadata: { revenueShareId: row.revenueShareId },
  }));
  const stripe: ReconcileStripeSource = {
    paidInvoices: async () => invoices,
    transfers: async () => [],
    retrieveTransfers: async (ids) => atStripe.filter((t) => ids.includes(t.id)),
  };
  // The CLI's ledger lists them as its recent rows, the scheduled run's as its one listing.
  const ledger: ReconcileLedger & ScheduledReconcileLedger = {
    recentRows: async () => rows,
    waitingRows: async () => rows,
    row: async (id) => rows.find((row) => row.revenueShareId === id) as RevenueShare | undefined,
  };
  return { stripe, ledger };
}

describe('reconcile past its bound on reads by id', () => {
  it('pages NOT_FULLY_CHECKED (critical) from the scheduled run, naming the count and how to check the day', async () => {
    // Prepare
    const alerts: FinancialAlert[] = [];
    const deps = {
      ...dayPastTheBound(),
      alerts: { raise: async (alert: FinancialAlert) => void alerts.push(alert) },
      clock: { now: () => now },
    };

    // Act
    const { report } = await runScheduledReconcile(deps);

    // Assess: before, nothing (the last row's transfer was unread, so its 1 cent short went unseen)
    expect(report.transfersUnread).toBe(1);
    expect(report.mismatches).toEqual([
      {
        kind: 'NOT_FULLY_CHECKED',
        detail:
          `1 transfer(s) recorded by 1 checked row(s) (rs_${MAX_TRANSFERS_READ_BY_ID}) were not read by id, past this ` +
          `run's bound of ${MAX_TRANSFERS_READ_BY_ID}: they were neither compared nor checked as missing, nor those ` +
          "rows' net. To check them, run `npm run ops -- reconcile --date 2026-12-01` (it reads up to 10000 by id)",
      },
    ]);
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([['RECONCILE_MISMATCH', 'critical']]);
    expect(alerts[0]?.message).toContain('1 NOT_FULLY_CHECKED');
  });

  it("reads up to the caller's bound: the CLI's finds the mismatch the scheduled run could not", async () => {
    // Act
    const report = await reconcileOneDay(day, now, dayPastTheBound(), {
      maxTransfersReadById: MAX_TRANSFERS_READ_BY_ID_BY_HAND,
    });

    // Assess
    expect(report.transfersReadById).toBe(MAX_TRANSFERS_READ_BY_ID + 1);
    expect(report.transfersUnread).toBeUndefined();
    expect(report.mismatches.map((m) => [m.kind, m.revenueShareId])).toEqual([
      ['AMOUNT_DIFFERS', `rs_${MAX_TRANSFERS_READ_BY_ID}`],
    ]);
  });
});
