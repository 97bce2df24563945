/**
 * The scheduled catch-up: what nobody redelivers is found and put back on the webhook's own path.
 *   1. FAILED and stuck RECEIVED audit rows are replayed by re-sync (resync-failed-events.ts), at most
 *      `maxReplays` per run.
 *   2. Events of the routed types that Stripe could not deliver (`delivery_success: false`) and that the audit log
 *      does not have are replayed through the webhook's claim -> route -> enqueue (receiveWebhookEvent): a rotation
 *      gone wrong (every delivery a 400), a disabled endpoint, an outage longer than Stripe's retries.
 *   3. Events of the routed types of the last `lookbackHours` that the audit log does not have are replayed the same
 *      way (an endpoint not subscribed to a type, or not registered at all: Stripe counts nothing as undelivered).
 *   4. The state of this stack's webhook endpoint at Stripe is read (enabled or not).
 * Idempotent: an event is replayed only when its id has no audit row, and the claim is a conditional put, so a
 * second run (or a delivery racing the run) changes nothing. Bounded: no Stripe page is asked for and no replay
 * started after `deadline`, at most `maxPages` list pages and `maxReplays` re-synced rows per run; `truncated` says
 * when work was left, and the state saved for the next run (catch-up-state.ts) says where that run continues: the
 * FAILED rows after the last one this run took, so rows that fail for good do not take every run's turn; each Stripe
 * listing after the last event it looked at (Stripe keeps listing a replayed event as undelivered, so starting from
 * the newest every run would never reach the oldest), from the newest again once it reached the oldest. A listing
 * left unfinished for want of pages goes first in the next run.
 * Events younger than `settleSeconds` are left to the delivery that is probably under way.
 * Each run also counts the FAILED and stuck RECEIVED rows created before re-sync's look-back (`notResynced`). A row
 * keeps its createdAt on every re-claim, so one that fails for good is replayed, and pages again, for 30 days, then
 * never again: the count, published every run, keeps it paging for as long as it stays open.
 */
import { ROUTED_EVENT_TYPES } from '#contracts/stripe-events.js';
import type { ProcessEventMessage } from '../model.js';
import type { AlertSink, AuditLog, Clock, MessageQueue } from '../ports.js';
import type { EventSource } from '../resync/event-source.js';
import { type ResyncResult, resyncFailedEvents } from '../resync/resync-failed-events.js';
import { DEFAULT_RESYNC_LOOKBACK_DAYS } from '../resync/resync-request.js';
import { STUCK_AFTER_MS } from '../resync/stuck-event.js';
import { type DiagnosticLog, receiveWebhookEvent } from '../webhook/receive-event.js';
import { parseStripeEvent } from '../webhook/stripe-event.js';
import type { CatchUpStateStore } from './catch-up-state.js';
import {
  type EndpointMatch,
  type EventFeed,
  type EventPage,
  type EventQuery,
  type ListedEvent,
  UnknownEventCursorError,
} from './event-feed.js';
import type { OpenEventCounter } from './open-event-count.js';

const HOUR_MS = 3_600_000;
/** Audit-log look-ups and replays run a few at a time. */
const CONCURRENCY = 4;

export interface CatchUpSettings {
  /** Routed events created this many hours back are checked against the audit log. */
  lookbackHours: number;
  /** Events Stripe could not deliver are looked for this far back (Stripe retries for up to 3 days in live mode). */
  undeliveredLookbackHours: number;
  /** Events younger than this are left to the delivery in flight. */
  settleSeconds: number;
  /** Stripe list pages per run, both queries together. */
  maxPages: number;
  /** FAILED and stuck RECEIVED rows replayed per run. */
  maxReplays: number;
  /** This stack's webhook endpoint at Stripe; neither field set: the status check is skipped. */
  endpoint: EndpointMatch;
}

export interface CatchUpDeps {
  auditLog: AuditLog & OpenEventCounter;
  processEventQueue: MessageQueue<ProcessEventMessage>;
  alerts: AlertSink;
  clock: Clock;
  log: DiagnosticLog;
  /** events.retrieve, for re-sync. */
  events: EventSource;
  /** events.list and webhook endpoints. */
  feed: EventFeed;
  /** Nothing new starts after this instant. */
  deadline: Date;
  /** Where the last run stopped. */
  state: CatchUpStateStore;
}

/** How an event the audit log did not have was found. */
export type FoundBy = 'undelivered' | 'not_in_audit_log';
export type FoundOutcome = 'replayed' | 'duplicate' | 'failed' | 'not_attempted';

export interface FoundEvent {
  stripeEventId: string;
  eventType: string;
  foundBy: FoundBy;
  outcome: FoundOutcome;
  error?: string;
}

export interface ListingCounts {
  /** Events Stripe listed. */
  listed: number;
  /** ... of which the audit log had no row. */
  missing: number;
}

export type EndpointCheck =
  | { checked: false; reason: string }
  | { checked: true; found: false }
  | { checked: true; found: true; id: string; status: string; enabled: boolean };

export interface CatchUpResult {
  resync: Pick<ResyncResult, 'replayed' | 'stillFailing' | 'skipped' | 'more'>;
  undelivered: ListingCounts;
  lookback: ListingCounts;
  /** Events found missing and replayed (enqueued) by this run. */
  replayed: number;
  failed: number;
  stripePages: number;
  /**
   * Work was left for the next run, which continues where this one stopped: pages or time ran out, Stripe failed, or
   * re-sync had more FAILED or stuck rows than `maxReplays` (`resync.more`).
   */
  truncated: boolean;
  /**
   * FAILED and stuck RECEIVED rows created before re-sync's look-back (DEFAULT_RESYNC_LOOKBACK_DAYS): no run replays
   * them any more, so they wait for a person.
   */
  notResynced: number;
  /** Why a listing stopped early (Stripe unreachable, rate-limited). */
  errors: string[];
  endpoint: EndpointCheck;
  found: FoundEvent[];
}

export async function catchUp(settings: CatchUpSettings, deps: CatchUpDeps): Promise<CatchUpResult> {
  const now = deps.clock.now();
  const resyncSince = new Date(now.getTime() - DEFAULT_RESYNC_LOOKBACK_DAYS * 24 * HOUR_MS);
  const state = await deps.state.load();
  const resync = await resyncFailedEvents(
    {
      selection: {
        kind: 'since',
        since: resyncSince,
        limit: settings.maxReplays,
        ...(state.failedAfter ? { after: state.failedAfter } : {}),
      },
      dryRun: false,
    },
    deps,
  );
  const notResynced = await countNotResynced(deps.auditLog, resyncSince, now);

  const budget = { pages: settings.maxPages, used: 0, truncated: false };
  const errors: string[] = [];
  const seen = new Set<string>();
  const found: FoundEvent[] = [];
  const createdLte = new Date(now.getTime() - settings.settleSeconds * 1000);
  const query = (hours: number, undeliveredOnly: boolean): Omit<EventQuery, 'startingAfter'> => ({
    types: [...ROUTED_EVENT_TYPES],
    createdGte: new Date(now.getTime() - hours * HOUR_MS),
    createdLte,
    undeliveredOnly,
  });

  // The sweep the last run left unfinished for want of pages goes first this time, so each gets whole runs.
  const sweepUndelivered = () =>
    sweep(query(settings.undeliveredLookbackHours, true), 'undelivered', state.undeliveredAfter);
  const sweepLookback = () => sweep(query(settings.lookbackHours, false), 'not_in_audit_log', state.lookbackAfter);
  let undeliveredSweep: Sweep;
  let lookbackSweep: Sweep;
  if (state.lookbackFirst) {
    lookbackSweep = await sweepLookback();
    undeliveredSweep = await sweepUndelivered();
  } else {
    undeliveredSweep = await sweepUndelivered();
    lookbackSweep = await sweepLookback();
  }
  const { counts: undelivered } = undeliveredSweep;
  const { counts: lookback } = lookbackSweep;
  const endpoint = await checkEndpoint(settings.endpoint, deps);
  await deps.state.save(
    {
      ...(resync.next ? { failedAfter: resync.next } : {}),
      ...(undeliveredSweep.resumeAfter ? { undeliveredAfter: undeliveredSweep.resumeAfter } : {}),
      ...(lookbackSweep.resumeAfter ? { lookbackAfter: lookbackSweep.resumeAfter } : {}),
      ...(!lookbackSweep.done && !state.lookbackFirst ? { lookbackFirst: true } : {}),
    },
    deps.clock.now(),
  );

  return {
    resync: {
      replayed: resync.replayed,
      stillFailing: resync.stillFailing,
      skipped: resync.skipped,
      more: resync.more,
    },
    undelivered,
    lookback,
    replayed: found.filter((event) => event.outcome === 'replayed').length,
    failed: found.filter((event) => event.outcome === 'failed').length,
    stripePages: budget.used,
    truncated: budget.truncated || resync.more || found.some((event) => event.outcome === 'not_attempted'),
    notResynced,
    errors,
    endpoint,
    found,
  };

  /**
   * One listing, newest first, from after `savedAfter` (where the last run stopped) when given. Stopped short, it
   * says where the next run continues: after the last event it looked at, or before the first it had no time to
   * replay. Done (it reached the oldest), the next run starts from the newest again.
   */
  async function sweep(
    base: Omit<EventQuery, 'startingAfter'>,
    foundBy: FoundBy,
    savedAfter: string | undefined,
  ): Promise<Sweep> {
    const counts: ListingCounts = { listed: 0, missing: 0 };
    let startingAfter = savedAfter;
    const stopped = (resumeAfter: string | undefined): Sweep => {
      budget.truncated = true;
      return { counts, done: false, ...(resumeAfter ? { resumeAfter } : {}) };
    };
    for (;;) {
      if (budget.used >= budget.pages || outOfTime(deps)) return stopped(startingAfter);
      budget.used++;
      let page: EventPage;
      try {
        page = await deps.feed.listEvents({ ...base, ...(startingAfter ? { startingAfter } : {}) });
      } catch (error) {
        if (error instanceof UnknownEventCursorError && startingAfter !== undefined) {
          deps.log.warn('Catch-up lists from the newest event: Stripe no longer has the one it stopped at', {
            foundBy,
            startingAfter,
          });
          startingAfter = undefined;
          continue;
        }
        const message = `events.list (${foundBy}) failed: ${error instanceof Error ? error.message : String(error)}`;
        deps.log.error('Catch-up could not list events at Stripe', { error: message });
        errors.push(message.slice(0, 500));
        return stopped(startingAfter);
      }
      counts.listed += page.events.length;
      const fresh = page.events.filter((event) => !seen.has(event.id));
      for (const event of fresh) seen.add(event.id);
      const rows = await mapConcurrently(fresh, (event) => deps.auditLog.get(event.id));
      const missing = fresh.filter((_event, index) => rows[index] === undefined);
      counts.missing += missing.length;
      const outcomes = await mapConcurrently(missing, (event) => replayFound(event, foundBy, deps));
      found.push(...outcomes);
      const untried = new Set(
        outcomes.filter((event) => event.outcome === 'not_attempted').map((e) => e.stripeEventId),
      );
      const firstUntried = page.events.findIndex((event) => untried.has(event.id));
      if (firstUntried >= 0) return stopped(firstUntried === 0 ? startingAfter : page.events[firstUntried - 1]?.id);
      const last = page.events.at(-1);
      if (!page.hasMore || !last) return { counts, done: true };
      startingAfter = last.id;
    }
  }
}

/** What one listing did, and where the next run continues it (unset: from the newest). */
interface Sweep {
  counts: ListingCounts;
  done: boolean;
  resumeAfter?: string;
}

/** The open rows re-sync would take (FAILED, or RECEIVED and stuck: stuck-event.ts) but for their age. */
async function countNotResynced(auditLog: OpenEventCounter, resyncSince: Date, now: Date): Promise<number> {
  const [failed, stuck] = await Promise.all([
    auditLog.countOpenCreatedBefore('FAILED', resyncSince),
    auditLog.countOpenCreatedBefore('RECEIVED', resyncSince, new Date(now.getTime() - STUCK_AFTER_MS)),
  ]);
  return failed + stuck;
}

async function replayFound(event: ListedEvent, foundBy: FoundBy, deps: CatchUpDeps): Promise<FoundEvent> {
  const item = { stripeEventId: event.id, eventType: event.type, foundBy };
  if (outOfTime(deps)) return { ...item, outcome: 'not_attempted' };
  try {
    const outcome = await receiveWebhookEvent(parseStripeEvent(event.rawBody), {
      auditLog: deps.auditLog,
      processEventQueue: deps.processEventQueue,
      alerts: deps.alerts,
      clock: deps.clock,
      log: deps.log,
    });
    // 'ignored' cannot happen for a routed type; a delivery that claimed it meanwhile makes it a duplicate.
    return { ...item, outcome: outcome === 'enqueued' ? 'replayed' : 'duplicate' };
  } catch (error) {
    // receiveWebhookEvent already raised the alert (audit write or enqueue failure) and marked what it could.
    const message = error instanceof Error ? error.message : String(error);
    deps.log.error('Catch-up could not replay the event', { ...item, error: message });
    return { ...item, outcome: 'failed', error: message.slice(0, 500) };
  }
}

async function checkEndpoint(match: EndpointMatch, deps: CatchUpDeps): Promise<EndpointCheck> {
  if (!match.endpointId && !match.url) return { checked: false, reason: 'no endpoint id or URL configured' };
  try {
    const endpoint = await deps.feed.findWebhookEndpoint(match);
    if (!endpoint) return { checked: true, found: false };
    return {
      checked: true,
      found: true,
      id: endpoint.id,
      status: endpoint.status,
      enabled: endpoint.status === 'enabled',
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.log.error('Catch-up could not read the webhook endpoint at Stripe', { error: reason });
    return { checked: false, reason: reason.slice(0, 500) };
  }
}

const outOfTime = (deps: CatchUpDeps): boolean => deps.clock.now() >= deps.deadline;

async function mapConcurrently<T, R>(items: readonly T[], worker: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}
