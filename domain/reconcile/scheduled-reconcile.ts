/**
 * The daily reconcile (a schedule runs it once a day, 02:30 UTC by default): the previous UTC day by paid date, and one
 * financial alert per mismatch kind found, with its count. Every message names all the day's counts too, so a page
 * that groups several of them (one kind, no district: domain/alerts/on-call-pages.ts) still says everything.
 * Each run also reminds of every row still waiting for a person, whatever its day (waiting-reminders.ts), in the same
 * one alert per kind. AWAITING_REVIEW and AWAITING_RETRY are warnings (the row paged as PAYOUT_NEEDS_REVIEW or
 * TRANSFER_FAILED when it stopped; no money moved wrongly), every other kind is critical (MISMATCH_SEVERITY), also
 * NOT_FULLY_CHECKED (its rows could hide any mismatch; the CLI, reading far more by id, checks the day). Nothing
 * is written: a run repeated (the schedule's retry) raises the same alerts again.
 */
import type { AlertSeverity, FinancialAlert } from '../model.js';
import type { AlertSink, Clock } from '../ports.js';
import { type ReconcileDay, yesterdayUtc } from './reconcile-day.js';
import { type ReconcileReport, type ReconcileSources, reconcileOneDay } from './reconcile-run.js';
import type { ReconcileLedger, ScheduledReconcileLedger, WaitingRow } from './sources.js';
import { MISMATCH_KINDS, type Mismatch, type MismatchKind } from './three-way-match.js';
import { MAX_TRANSFERS_READ_BY_ID } from './unlisted-transfers.js';
import { waitingReminders } from './waiting-reminders.js';

/** Ids named in one alert's message at most (the count says how many there were). */
export const MAX_IDS_PER_ALERT = 5;

/** Money could be wrong: critical. A row waiting for a person, which paged when it stopped: a warning. */
export const MISMATCH_SEVERITY: Record<MismatchKind, AlertSeverity> = {
  MISSING_LEDGER_ROW: 'critical',
  MISSING_TRANSFER: 'critical',
  AMOUNT_DIFFERS: 'critical',
  CURRENCY_DIFFERS: 'critical',
  DESTINATION_DIFFERS: 'critical',
  REVERSED: 'critical',
  ORPHAN_TRANSFER: 'critical',
  DUPLICATE_TRANSFER: 'critical',
  UNRECORDED_TRANSFER: 'critical',
  DUPLICATE_LEDGER_ROW: 'critical',
  AWAITING_REVIEW: 'warning',
  AWAITING_RETRY: 'warning',
  NET_PAID_MISMATCH: 'critical',
  CLAWBACK_DIFFERS: 'critical',
  // Critical, so it pages: a warning does not, and the rows left unchecked may hide any of the kinds above.
  NOT_FULLY_CHECKED: 'critical',
};

export interface ScheduledReconcileDeps extends Omit<ReconcileSources, 'ledger'> {
  ledger: ScheduledReconcileLedger;
  alerts: AlertSink;
  clock: Clock;
}

export interface ScheduledReconcileResult {
  /** The day's reconcile. */
  report: ReconcileReport;
  /** The day's mismatches per kind (kinds with none left out). */
  counts: Partial<Record<MismatchKind, number>>;
  /** The rows still waiting for a person, of any day, that the day's mismatches do not name. */
  reminders: Mismatch[];
  alertsRaised: number;
}

/**
 * `scheduledAt`: when the schedule meant the run (its event's time; a retry keeps it), so the day is the one before
 * it even when the run starts after the next midnight; absent (a run by hand), the clock's.
 */
export async function runScheduledReconcile(
  deps: ScheduledReconcileDeps,
  scheduledAt?: Date,
): Promise<ScheduledReconcileResult> {
  const now = deps.clock.now();
  const day = yesterdayUtc(scheduledAt ?? now);
  const listing = listedOnce(deps.ledger);
  const report = await reconcileOneDay(
    day,
    now,
    { ...deps, ledger: listing.ledger },
    { maxTransfersReadById: MAX_TRANSFERS_READ_BY_ID },
  );
  const reminders = waitingReminders(await listing.waitingRows(), report.mismatches, now);
  const alerts = mismatchAlerts(day, [...report.mismatches, ...reminders], deps.clock.now());
  for (const alert of alerts) await deps.alerts.raise(alert);
  return { report, counts: countByKind(report.mismatches), reminders, alertsRaised: alerts.length };
}

/**
 * The run's one listing of the waiting rows, made when the day's reconcile first asks for its recent rows (after its
 * Stripe listings, as any ledger listing of it) and kept for the reminders: the recent rows are those of it created
 * since (the same rows a listing from `since` returns, newest first, as far as the reader's bound).
 */
function listedOnce(ledger: ScheduledReconcileLedger): {
  ledger: ReconcileLedger;
  waitingRows(): Promise<WaitingRow[]>;
} {
  let listing: Promise<WaitingRow[]> | undefined;
  const waitingRows = () => {
    listing ??= ledger.waitingRows();
    return listing;
  };
  return {
    ledger: {
      recentRows: async (since) => {
        const from = since.toISOString();
        return (await waitingRows()).filter((row) => row.createdAt >= from);
      },
      row: (revenueShareId) => ledger.row(revenueShareId),
    },
    waitingRows,
  };
}

export function countByKind(mismatches: readonly Mismatch[]): Partial<Record<MismatchKind, number>> {
  const counts: Partial<Record<MismatchKind, number>> = {};
  for (const mismatch of mismatches) counts[mismatch.kind] = (counts[mismatch.kind] ?? 0) + 1;
  return counts;
}

/** One RECONCILE_MISMATCH alert per kind found, in MISMATCH_KINDS order; none for a day that reconciles. */
export function mismatchAlerts(day: ReconcileDay, mismatches: readonly Mismatch[], now: Date): FinancialAlert[] {
  const counts = countByKind(mismatches);
  const summary = MISMATCH_KINDS.filter((kind) => counts[kind])
    .map((kind) => `${kind} ${counts[kind]}`)
    .join(', ');
  return MISMATCH_KINDS.filter((kind) => counts[kind]).map((kind) => {
    const ofKind = mismatches.filter((mismatch) => mismatch.kind === kind);
    const invoiceIds = distinct(ofKind.map((m) => m.invoiceId));
    const rowIds = distinct(ofKind.map((m) => m.revenueShareId));
    const transferIds = distinct(ofKind.map((m) => m.stripeTransferId));
    const chargeIds = distinct(ofKind.map((m) => m.chargeId));
    const named = [
      listed('invoice', invoiceIds),
      listed('revenue share', rowIds),
      listed('transfer', transferIds),
      listed('charge', chargeIds),
    ].filter((part) => part !== '');
    return {
      kind: 'RECONCILE_MISMATCH',
      severity: MISMATCH_SEVERITY[kind],
      message:
        `Reconcile ${day.date} (UTC, by paid date): ${ofKind.length} ${kind}` +
        (named.length > 0 ? ` (${named.join('; ')})` : '') +
        `. All that day: ${summary}. First: ${ofKind[0]?.detail}. ` +
        `The full list: ${fullList(kind, day)}`,
      ...(invoiceIds.length === 1 ? { invoiceId: invoiceIds[0] } : {}),
      ...(rowIds.length === 1 ? { revenueShareId: rowIds[0] } : {}),
      occurredAt: now.toISOString(),
    };
  });
}

/** A reminder's rows are of any day: the ledger lists them by status; the day's others are the day's reconcile. */
function fullList(kind: MismatchKind, day: ReconcileDay): string {
  if (kind === 'AWAITING_REVIEW') return 'npm run ops -- payouts list --status NEEDS_REVIEW';
  if (kind === 'AWAITING_RETRY') return 'npm run ops -- payouts list --status TRANSFER_FAILED';
  return `npm run ops -- reconcile --date ${day.date}`;
}

function distinct(ids: readonly (string | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

function listed(what: string, ids: readonly string[]): string {
  if (ids.length === 0) return '';
  const shown = ids.slice(0, MAX_IDS_PER_ALERT).join(', ');
  return `${what} ${shown}${ids.length > MAX_IDS_PER_ALERT ? ` and ${ids.length - MAX_IDS_PER_ALERT} more` : ''}`;
}
