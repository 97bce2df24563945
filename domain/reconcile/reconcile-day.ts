/** The UTC calendar day a reconcile covers, as a unix-seconds range (invoices by paid_at, transfers by created). */

const SECONDS_PER_DAY = 86_400;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface ReconcileDay {
  /** YYYY-MM-DD */
  date: string;
  /** Unix seconds of 00:00:00 UTC that day (inclusive). */
  gte: number;
  /** Unix seconds of 00:00:00 UTC the next day (exclusive). */
  lt: number;
}

/** The day for `YYYY-MM-DD`, or undefined when the text is not a real calendar date. */
export function parseReconcileDay(date: string): ReconcileDay | undefined {
  const match = DATE_PATTERN.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = Date.UTC(year, month - 1, day);
  if (new Date(start).toISOString().slice(0, 10) !== date) return undefined;
  const gte = start / 1000;
  return { date, gte, lt: gte + SECONDS_PER_DAY };
}

/** Yesterday in UTC: the last complete day. */
export function yesterdayUtc(now: Date): ReconcileDay {
  const lt = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) / 1000;
  const gte = lt - SECONDS_PER_DAY;
  return { date: new Date(gte * 1000).toISOString().slice(0, 10), gte, lt };
}
