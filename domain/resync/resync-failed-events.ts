/**
 * Re-sync (the seed's manual procedure, automated): for each FAILED webhook event, fetch it again from Stripe
 * (falling back to the raw event kept on the audit row when Stripe no longer has it), then replay it through the
 * webhook's own path after signature verification, receiveWebhookEvent: claim (a FAILED row is re-claimed,
 * attempts + 1) -> route -> enqueue. The workers then do the rest with every money rule intact: an invoice that
 * already has its ledger row gets no second one, and a row gets at most one transfer.
 *
 * A RECEIVED row is stuck once its lease ended over an hour ago (stuck-event.ts says why), and re-sync replays it
 * like a FAILED event: the claim condition lets a lease-expired RECEIVED row be re-claimed.
 *
 * A replay is asynchronous: `replayed` means the event is back on the revenue-share queue. If its cause is not
 * fixed, the worker marks it FAILED again (and alerts), and the next re-sync shows it again.
 * A dry run only lists: no Stripe call, no write, no message.
 */
import type { AuditListPosition, AuditRecord, ProcessEventMessage } from '../model.js';
import type { AlertSink, AuditLog, Clock, MessageQueue } from '../ports.js';
import { buildAlert } from '../webhook/alert.js';
import { type DiagnosticLog, receiveWebhookEvent } from '../webhook/receive-event.js';
import { InvalidStripeEventError, parseStripeEvent, type WebhookEvent } from '../webhook/stripe-event.js';
import { type EventSource, EventSourceError } from './event-source.js';
import type { ResyncRequest, ResyncSelection } from './resync-request.js';
import { type StuckReason, stuckReason } from './stuck-event.js';

/** Replays run a few at a time: quick enough for a request, gentle on Stripe's rate limit. */
export const RESYNC_CONCURRENCY = 4;

/** RECEIVED rows read per re-sync (oldest first) to find the stuck ones among those in flight. */
export const RECEIVED_SCAN_LIMIT = 1_000;

export type ResyncOutcome = 'replayed' | 'still_failing' | 'skipped' | 'would_replay';
/** Where the replayed event came from: Stripe (`events.retrieve`) or the copy kept on the audit row. */
export type EventOrigin = 'stripe' | 'audit_log';

export interface ResyncItem {
  stripeEventId: string;
  eventType?: string;
  outcome: ResyncOutcome;
  source?: EventOrigin;
  /** Why it was skipped or still fails. */
  error?: string;
  /** Set when the event was RECEIVED and stuck, not FAILED. */
  stuck?: StuckReason;
}

export interface ResyncResult {
  dryRun: boolean;
  replayed: number;
  stillFailing: number;
  skipped: number;
  wouldReplay: number;
  /** True when more FAILED events exist since `since` than this request took (ask again). */
  more: boolean;
  /**
   * Where the FAILED rows left for later begin: pass it as the selection's `after` and the next request takes them,
   * not the same oldest ones again. Unset when every FAILED row up to the newest had its turn (start from the oldest).
   */
  next?: AuditListPosition;
  items: ResyncItem[];
}

export interface ResyncDeps {
  auditLog: AuditLog;
  processEventQueue: MessageQueue<ProcessEventMessage>;
  events: EventSource;
  alerts: AlertSink;
  clock: Clock;
  log: DiagnosticLog;
  /** No replay starts after this instant (the caller's own timeout); the rest are reported as not attempted. */
  deadline?: Date;
  /** How long after its lease a RECEIVED row counts as stuck (default STUCK_AFTER_MS; tests shorten it). */
  stuckAfterMs?: number;
}

/** The stuck rule of one run: stuckReason at the run's instant and threshold. */
type StuckRule = (record: AuditRecord) => StuckReason | undefined;

export const NOT_ATTEMPTED = 'not attempted: this request ran out of time; run resync again';

export async function resyncFailedEvents(request: ResyncRequest, deps: ResyncDeps): Promise<ResyncResult> {
  const now = deps.clock.now();
  const stuck: StuckRule = (record) => stuckReason(record, now, deps.stuckAfterMs);
  const { candidates, skipped, more, failedLeft } = await selectEvents(request.selection, deps.auditLog, stuck);
  const replays = request.dryRun
    ? candidates.map((record): ResyncItem => ({ ...identify(record, stuck), outcome: 'would_replay' }))
    : await mapConcurrently(candidates, RESYNC_CONCURRENCY, (record) => {
        if (deps.deadline && deps.clock.now() >= deps.deadline) {
          return Promise.resolve<ResyncItem>({ ...identify(record, stuck), outcome: 'skipped', error: NOT_ATTEMPTED });
        }
        return replay(record, deps, stuck);
      });
  const items = [...replays, ...skipped];
  const count = (outcome: ResyncOutcome) => items.filter((item) => item.outcome === outcome).length;
  const next =
    request.selection.kind === 'since' ? resumeAt(request.selection, candidates, replays, failedLeft) : undefined;
  return {
    dryRun: request.dryRun,
    replayed: count('replayed'),
    stillFailing: count('still_failing'),
    skipped: count('skipped'),
    wouldReplay: count('would_replay'),
    more: more || items.some((item) => item.error === NOT_ATTEMPTED),
    ...(next ? { next } : {}),
    items,
  };
}

/**
 * After the last FAILED row this request took in turn (a row it ran out of time for, and those after it, keep their
 * turn); the same `after` when it took none; unset once the FAILED rows were read to the newest and all had a turn.
 */
function resumeAt(
  selection: Extract<ResyncSelection, { kind: 'since' }>,
  candidates: readonly AuditRecord[],
  replays: readonly ResyncItem[],
  failedLeft: boolean,
): AuditListPosition | undefined {
  let last: AuditRecord | undefined;
  let cutShort = false;
  for (const [index, record] of candidates.entries()) {
    if (replays[index]?.error === NOT_ATTEMPTED) {
      cutShort = true;
      break;
    }
    if (record.status === 'FAILED') last = record;
  }
  if (!failedLeft && !cutShort) return undefined;
  return last ? { createdAt: last.createdAt, stripeEventId: last.stripeEventId } : selection.after;
}

interface Selection {
  candidates: AuditRecord[];
  skipped: ResyncItem[];
  more: boolean;
  /** FAILED rows were left for a later request (not read, or read and not taken). */
  failedLeft: boolean;
}

const isCandidate = (record: AuditRecord, stuck: StuckRule): boolean =>
  record.status === 'FAILED' || stuck(record) !== undefined;

async function selectEvents(selection: ResyncSelection, auditLog: AuditLog, stuck: StuckRule): Promise<Selection> {
  if (selection.kind === 'since') {
    // FAILED rows from `after` on, so a row that fails for good (and keeps its createdAt) does not take the turn of
    // those behind it on every request. Stuck RECEIVED rows need no such turn: a replay's new lease keeps one off
    // the next requests for over an hour.
    const [failed, received] = await Promise.all([
      auditLog.listByStatus('FAILED', selection.since, selection.limit + 1, selection.after),
      auditLog.listByStatus('RECEIVED', selection.since, RECEIVED_SCAN_LIMIT),
    ]);
    // The index is eventually consistent: trust only rows that are still FAILED (or stuck) as read.
    const candidates = [...failed, ...received]
      .filter((record) => isCandidate(record, stuck))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const taken = candidates.slice(0, selection.limit);
    const failedLeft =
      failed.length > selection.limit || failed.some((record) => record.status === 'FAILED' && !taken.includes(record));
    return {
      candidates: taken,
      skipped: [],
      more: candidates.length > selection.limit || failedLeft || received.length >= RECEIVED_SCAN_LIMIT,
      failedLeft,
    };
  }
  const candidates: AuditRecord[] = [];
  const skipped: ResyncItem[] = [];
  for (const stripeEventId of selection.stripeEventIds) {
    const record = await auditLog.get(stripeEventId);
    if (!record) skipped.push({ stripeEventId, outcome: 'skipped', error: 'no such event in the audit log' });
    else if (!isCandidate(record, stuck)) {
      const why = record.status === 'RECEIVED' ? 'RECEIVED and still in flight' : `${record.status}, not FAILED`;
      skipped.push({ ...identify(record, stuck), outcome: 'skipped', error: `event is ${why}` });
    } else candidates.push(record);
  }
  return { candidates, skipped, more: false, failedLeft: false };
}

async function replay(record: AuditRecord, deps: ResyncDeps, stuck: StuckRule): Promise<ResyncItem> {
  const item = identify(record, stuck);
  let fetched: { event: WebhookEvent; source: EventOrigin };
  try {
    fetched = await fetchAgain(record, deps.events, deps.auditLog);
  } catch (error) {
    const transient = error instanceof EventSourceError;
    return await stillFailing(item, `could not fetch the event: ${describe(error)}`, transient, deps);
  }
  const replayed = { ...item, eventType: fetched.event.type, source: fetched.source };
  try {
    const outcome = await receiveWebhookEvent(fetched.event, {
      auditLog: deps.auditLog,
      processEventQueue: deps.processEventQueue,
      alerts: deps.alerts,
      clock: deps.clock,
      log: deps.log,
    });
    if (outcome === 'enqueued') return { ...replayed, outcome: 'replayed' };
    if (outcome === 'duplicate') {
      return { ...replayed, outcome: 'skipped', error: 'another delivery re-claimed the event first' };
    }
    return { ...replayed, outcome: 'skipped', error: `event type ${fetched.event.type} is not handled: IGNORED` };
  } catch (error) {
    return await stillFailing(replayed, `replay could not be enqueued: ${describe(error)}`, false, deps);
  }
}

/** Stripe first (it is the source of truth); the audit row's copy only when Stripe no longer has the event. */
async function fetchAgain(
  record: AuditRecord,
  events: EventSource,
  auditLog: AuditLog,
): Promise<{ event: WebhookEvent; source: EventOrigin }> {
  const fromStripe = await events.retrieveEvent(record.stripeEventId);
  if (fromStripe !== undefined) return { event: sameEvent(record, fromStripe, 'stripe'), source: 'stripe' };
  // A listed row comes without its raw event (the status index does not copy it): read the row by key.
  const rawEvent = record.rawEvent ?? (await auditLog.get(record.stripeEventId))?.rawEvent;
  if (!rawEvent) {
    throw new InvalidStripeEventError('Stripe no longer has the event and the audit row holds no copy of it');
  }
  return { event: sameEvent(record, rawEvent, 'audit_log'), source: 'audit_log' };
}

function sameEvent(record: AuditRecord, rawBody: string, source: EventOrigin): WebhookEvent {
  const event = parseStripeEvent(rawBody);
  if (event.id !== record.stripeEventId) {
    throw new InvalidStripeEventError(`the event from ${source} is ${event.id}, not ${record.stripeEventId}`);
  }
  return event;
}

/**
 * The event stays FAILED: say why and raise RESYNC_FAILED. A transient fetch failure (Stripe unreachable) is a
 * warning, since re-sync can simply run again; anything else is critical.
 */
async function stillFailing(
  item: ItemIdentity & Partial<ResyncItem>,
  error: string,
  transient: boolean,
  deps: ResyncDeps,
): Promise<ResyncItem> {
  deps.log.error('Re-sync could not replay the event', { ...item, error });
  await deps.alerts.raise(
    buildAlert(
      {
        kind: 'RESYNC_FAILED',
        severity: transient ? 'warning' : 'critical',
        stripeEventId: item.stripeEventId,
        message: `Re-sync of Stripe event ${item.stripeEventId} (${item.eventType ?? 'unknown type'}) failed: ${error}`,
      },
      deps.clock.now(),
    ),
  );
  return { ...item, outcome: 'still_failing', error };
}

type ItemIdentity = Pick<ResyncItem, 'stripeEventId' | 'eventType' | 'stuck'>;

function identify(record: AuditRecord, stuckRule: StuckRule): ItemIdentity {
  const stuck = stuckRule(record);
  return { stripeEventId: record.stripeEventId, eventType: record.eventType, ...(stuck ? { stuck } : {}) };
}

/** `worker` over `items`, at most `limit` at a time; results in the order of `items`. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500);
