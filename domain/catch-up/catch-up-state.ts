/**
 * What one catch-up run leaves the next, so bounded runs take turns through work larger than one run instead of
 * redoing its first part every time: where re-sync's listing of FAILED rows stopped, and where each listing of Stripe
 * events stopped. One small record; a run that cannot read or write it fails (the function's error alarm pages),
 * since without it the runs would starve the same rows and events again.
 */
import type { AuditListPosition } from '../model.js';

export interface CatchUpState {
  /** Re-sync takes the FAILED rows after this one; unset: from the oldest. */
  failedAfter?: AuditListPosition;
  /** The undelivered-events listing continues after this event id; unset: from the newest. */
  undeliveredAfter?: string;
  /** The look-back listing continues after this event id; unset: from the newest. */
  lookbackAfter?: string;
  /** The look-back listing goes first (the last run left it unfinished after the undelivered one took the pages). */
  lookbackFirst?: boolean;
}

export interface CatchUpStateStore {
  /** The state the last run saved; `{}` before the first. */
  load(): Promise<CatchUpState>;
  save(state: CatchUpState, now: Date): Promise<void>;
}
