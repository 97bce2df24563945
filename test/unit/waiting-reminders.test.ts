import { describe, expect, it } from 'vitest';
import type { WaitingRow } from '../../domain/reconcile/sources.js';
import { waitingReminders } from '../../domain/reconcile/waiting-reminders.js';

const now = new Date('2026-12-05T02:30:00.000Z');

const waiting = (revenueShareId: string, overrides: Partial<WaitingRow>): WaitingRow => ({
  revenueShareId,
  districtId: 'shahdol',
  invoiceId: `in_${revenueShareId}`,
  amountCents: 10_000,
  currency: 'usd',
  shareCents: 1_500,
  payoutStatus: 'NEEDS_REVIEW',
  destinationAccountId: 'acct_shahdol',
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
  ...overrides,
});

describe('waitingReminders', () => {
  it('reminds of every NEEDS_REVIEW row, and of a TRANSFER_FAILED row once its last change is over a day old', () => {
    // Prepare
    const rows = [
      waiting('rs_review', { reviewReason: 'paid out of band' }),
      waiting('rs_failed_long_ago', {
        payoutStatus: 'TRANSFER_FAILED',
        updatedAt: '2026-12-03T02:29:59.000Z',
        lastError: 'balance_insufficient: no funds',
      }),
      waiting('rs_failed_today', { payoutStatus: 'TRANSFER_FAILED', updatedAt: '2026-12-04T03:00:00.000Z' }),
    ];

    // Act
    const reminders = waitingReminders(rows, [], now);

    // Assess
    expect(reminders).toEqual([
      {
        kind: 'AWAITING_REVIEW',
        invoiceId: 'in_rs_review',
        revenueShareId: 'rs_review',
        detail:
          'share 1500 usd of district shahdol waits for a person since 2026-12-01T09:00:00.000Z: paid out of band',
      },
      {
        kind: 'AWAITING_RETRY',
        invoiceId: 'in_rs_failed_long_ago',
        revenueShareId: 'rs_failed_long_ago',
        detail:
          'share 1500 usd of district shahdol failed to transfer (last change 2026-12-03T02:29:59.000Z) and waits for a retry: balance_insufficient: no funds',
      },
    ]);
  });

  it("leaves out a row the day's mismatches already name", () => {
    // Prepare
    const rows = [
      waiting('rs_day', {}),
      waiting('rs_failed', { payoutStatus: 'TRANSFER_FAILED', updatedAt: '2026-11-01T00:00:00.000Z' }),
    ];

    // Act
    const reminders = waitingReminders(
      rows,
      [
        { kind: 'AWAITING_REVIEW', revenueShareId: 'rs_day', detail: 'the day' },
        { kind: 'MISSING_TRANSFER', revenueShareId: 'rs_failed', detail: 'the day' },
      ],
      now,
    );

    // Assess
    expect(reminders).toEqual([]);
  });
});
