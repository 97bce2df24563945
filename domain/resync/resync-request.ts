/**
 * What a re-sync is asked to do: `{ "since"?: ISO-8601, "dryRun"?: boolean, "stripeEventIds"?: ["evt_..."],
 * "limit"?: 1..100 }`. Either a time (every FAILED event created since then, default the last 30 days, at most
 * `limit` of them, oldest first; stuck RECEIVED events too, see resync-failed-events.ts) or a list of event ids;
 * not both.
 */
import type { AuditListPosition } from '../model.js';
import { InvalidRequestError } from '../platform/errors.js';
import {
  isoInstant,
  optionalBoolean,
  rejectUnknownFields,
  requiredInteger,
  requireObject,
  STRIPE_EVENT_ID_PATTERN,
  uniqueStrings,
} from '../platform/validate.js';

/** Per request: enough to finish well inside API Gateway's 29 s integration timeout. */
export const MAX_RESYNC_EVENTS = 100;
export const DEFAULT_RESYNC_LIMIT = 25;
export const DEFAULT_RESYNC_LOOKBACK_DAYS = 30;

export type ResyncSelection =
  /** `after`: the FAILED rows are taken from after this one (where an earlier selection stopped, `next`). */
  { kind: 'since'; since: Date; limit: number; after?: AuditListPosition } | { kind: 'ids'; stripeEventIds: string[] };

export interface ResyncRequest {
  selection: ResyncSelection;
  dryRun: boolean;
}

const FIELDS = ['since', 'dryRun', 'stripeEventIds', 'limit'];

/** `body` may be undefined (an empty POST): everything FAILED in the last 30 days, for real. */
export function parseResyncRequest(body: unknown, now: Date): ResyncRequest {
  const input = body === undefined || body === null ? {} : requireObject(body);
  rejectUnknownFields(input, FIELDS);
  const dryRun = optionalBoolean(input.dryRun, 'dryRun') ?? false;
  if (input.stripeEventIds !== undefined) {
    if (input.since !== undefined || input.limit !== undefined) {
      throw new InvalidRequestError('stripeEventIds', 'give either stripeEventIds or since/limit, not both');
    }
    const stripeEventIds = uniqueStrings(
      input.stripeEventIds,
      'stripeEventIds',
      STRIPE_EVENT_ID_PATTERN,
      'evt_...',
      MAX_RESYNC_EVENTS,
    );
    if (stripeEventIds.length === 0) throw new InvalidRequestError('stripeEventIds', 'stripeEventIds is empty');
    return { selection: { kind: 'ids', stripeEventIds }, dryRun };
  }
  const since =
    input.since === undefined
      ? new Date(now.getTime() - DEFAULT_RESYNC_LOOKBACK_DAYS * 24 * 60 * 60 * 1000)
      : isoInstant(input.since, 'since');
  const limit =
    input.limit === undefined ? DEFAULT_RESYNC_LIMIT : requiredInteger(input.limit, 'limit', 1, MAX_RESYNC_EVENTS);
  return { selection: { kind: 'since', since, limit }, dryRun };
}
