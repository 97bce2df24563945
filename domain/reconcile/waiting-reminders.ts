/**
 * Reminders of the rows still waiting for a person, on every scheduled run, whatever their invoice's day: a row that
 * paged once when it stopped (PAYOUT_NEEDS_REVIEW, TRANSFER_FAILED) would otherwise be named again only on its own
 * invoice's day. A NEEDS_REVIEW row is AWAITING_REVIEW; a TRANSFER_FAILED row whose last change is over a day old is
 * AWAITING_RETRY (a younger one paged as TRANSFER_FAILED within the day). Both are warnings, in the run's one alert
 * per kind. A row the day's match already names is not reminded of again. Pure.
 */
import type { WaitingRow } from './sources.js';
import type { Mismatch } from './three-way-match.js';

/** A TRANSFER_FAILED row is reminded of once its last change is older than this. */
export const RETRY_REMINDER_AFTER_MS = 86_400_000;

export function waitingReminders(
  rows: readonly WaitingRow[],
  dayMismatches: readonly Mismatch[],
  now: Date,
): Mismatch[] {
  const named = new Set(dayMismatches.map((m) => m.revenueShareId));
  return rows.flatMap((row): Mismatch[] => {
    if (named.has(row.revenueShareId)) return [];
    const ids = { invoiceId: row.invoiceId, revenueShareId: row.revenueShareId };
    const share = `share ${row.shareCents} ${row.currency} of district ${row.districtId}`;
    if (row.payoutStatus === 'NEEDS_REVIEW') {
      return [
        {
          kind: 'AWAITING_REVIEW',
          ...ids,
          detail: `${share} waits for a person since ${row.createdAt}: ${row.reviewReason ?? 'no reason recorded'}`,
        },
      ];
    }
    if (row.payoutStatus === 'TRANSFER_FAILED' && now.getTime() - Date.parse(row.updatedAt) > RETRY_REMINDER_AFTER_MS) {
      return [
        {
          kind: 'AWAITING_RETRY',
          ...ids,
          detail: `${share} failed to transfer (last change ${row.updatedAt}) and waits for a retry: ${row.lastError ?? 'no error recorded'}`,
        },
      ];
    }
    return [];
  });
}
