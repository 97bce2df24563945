/**
 * Days for the reconcile tests, in the unix seconds of the emulator's clock: a day after every earlier test's to
 * reconcile, the emulator moved to noon of a day, and the scheduled reconcile run at a given time (it reconciles the
 * UTC day before).
 */
import type { ReconcileRunSummary } from '../../functions/reconcile/reconcile-handler.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { PayoutHarness } from './payout-harness.js';

export const DAY = 86_400;
export const HOUR = 3_600;

/** The UTC date (YYYY-MM-DD) of a time in unix seconds. */
export const dateOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/** Moves the emulator to noon (UTC) of `day` (its 00:00). */
export function noonOf(harness: PayoutHarness, day: number): void {
  harness.emulator.advanceClock(day + 12 * HOUR - harness.emulator.now());
}

/** Moves the emulator to noon (UTC) of a day after every earlier test's; returns that day's 00:00. */
export function freshDay(harness: PayoutHarness): number {
  const day = (Math.floor(harness.emulator.now() / DAY) + 2) * DAY;
  noonOf(harness, day);
  return day;
}

/** The scheduled reconcile function, its clock at `at`. */
export async function runReconcileAt(harness: PayoutHarness, at: number): Promise<ReconcileRunSummary> {
  return (await harness.reconcileHandler({ clock: { now: () => new Date(at * 1000) } })(
    {},
    lambdaContext('reconcile', 300),
  )) as ReconcileRunSummary;
}
