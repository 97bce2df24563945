import { type StuckReason, stuckReason } from '../../domain/resync/stuck-event.js';
import { type Command, EXIT_FAILURE, EXIT_OK, isoInstant, stringOption, UsageError } from '../command.js';
import { type Io, printJson, renderTable } from '../output.js';
import {
  MAX_LIST_LIMIT,
  type PlatformClient,
  type ResyncItem,
  type ResyncResult,
  type WebhookEvent,
} from '../platform-client.js';
import { progressBar } from '../progress-bar.js';
import { eventsTable } from './events.js';
import { type FollowUp, followReplays } from './resync-follow-up.js';

/** Events per POST /platform/resync: small enough to stay well inside the API's 29 s integration timeout. */
export const RESYNC_CHUNK_SIZE = 10;

/** How long resync waits, by default, for the workers to process what it replayed. */
export const DEFAULT_WAIT_SECONDS = 30;

export const resync: Command = {
  words: ['resync'],
  args: [],
  synopsis: '[--since ISO-8601] [--dry-run] [--wait SECONDS]',
  summary: `Replay FAILED webhook events and stuck RECEIVED ones (claimed over an hour ago and never processed: a claim abandoned before enqueueing, or a lost message) since --since (API default: the last 30 days) in chunks of ${RESYNC_CHUNK_SIZE}, wait up to --wait (default ${DEFAULT_WAIT_SECONDS}, 0 = no wait) for the workers, and summarise; exit 1 while any still fails. --dry-run only lists them, stuck ones with their reason.`,
  options: { since: { type: 'string' }, 'dry-run': { type: 'boolean' }, wait: { type: 'string' } },
  async run({ client, io, json, now }, { values }) {
    const since = isoInstant('since', stringOption(values, 'since'));
    const dryRun = values['dry-run'] === true;
    const waitSeconds = waitOption(stringOption(values, 'wait'));
    const [failed, received] = await Promise.all([
      client.listWebhookEvents({ status: 'FAILED', since, limit: MAX_LIST_LIMIT }),
      client.listWebhookEvents({ status: 'RECEIVED', since, limit: MAX_LIST_LIMIT }),
    ]);
    if (failed.length === MAX_LIST_LIMIT) {
      io.err(`Only the first ${MAX_LIST_LIMIT} FAILED events are taken; run resync again for the rest.`);
    }
    if (received.length === MAX_LIST_LIMIT) {
      io.err(
        `Only the oldest ${MAX_LIST_LIMIT} RECEIVED events were checked for stuck ones; run resync again with a later --since for the rest.`,
      );
    }
    const stuck = stuckAmong(received, failed, now());
    const events = [...failed, ...stuck.map(({ event }) => event)];
    const reasons = new Map(stuck.map(({ event, reason }) => [event.stripeEventId, reason]));
    const stuckJson = stuck.map(({ event, reason }) => ({ ...event, stuck: reason }));
    const counted = `${failed.length} FAILED${stuck.length > 0 ? `, ${stuck.length} stuck` : ''} event(s)`;

    if (dryRun || events.length === 0) {
      if (json) printJson(io, { dryRun, events: failed, stuck: stuckJson, ...(dryRun ? {} : emptyResult()) });
      else if (events.length === 0) io.out('No FAILED or stuck RECEIVED events: nothing to replay.');
      else {
        if (failed.length > 0) io.out(eventsTable(failed));
        if (stuck.length > 0) io.out(stuckTable(stuck));
        io.out(`Dry run: ${counted} would be replayed; nothing was changed.`);
      }
      return EXIT_OK;
    }

    const result = await replayInChunks(client, io, events);
    const replayedIds = result.items.filter((item) => /^replayed$/i.test(item.outcome)).map((i) => i.stripeEventId);
    const followUp =
      waitSeconds > 0 && replayedIds.length > 0
        ? await followReplays(client, replayedIds, earliestCreatedAt(events), waitSeconds * 1000)
        : undefined;

    if (json) {
      printJson(io, {
        dryRun,
        events: failed,
        stuck: stuckJson,
        ...result,
        ...(followUp ? { afterReplay: followUpJson(followUp) } : {}),
      });
    } else {
      if (result.items.length > 0) io.out(itemsTable(result.items, reasons));
      io.out(
        `Replayed ${result.replayed}, still failing ${result.stillFailing}, skipped ${result.skipped} (of ${counted}).`,
      );
      if (followUp) {
        io.out(
          `After replay: ${followUp.done.length} processed, ${followUp.failedAgain.length} FAILED again, ${followUp.inFlight.length} still in flight.`,
        );
        if (followUp.failedAgain.length > 0) io.out(eventsTable(followUp.failedAgain));
      }
    }

    const failing = result.stillFailing + (followUp?.failedAgain.length ?? 0);
    if (followUp && followUp.inFlight.length > 0) {
      io.err(
        `${followUp.inFlight.length} event(s) were still being processed after ${waitSeconds} s: check with events list.`,
      );
    }
    if (failing > 0) {
      io.err(`${failing} event(s) still fail: fix the cause (see ERROR), then run resync again.`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  },
};

function waitOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WAIT_SECONDS;
  if (!/^\d+$/.test(value) || Number(value) > 900) throw new UsageError('--wait must be whole seconds from 0 to 900');
  return Number(value);
}

interface StuckEvent {
  event: WebhookEvent;
  reason: StuckReason;
}

/**
 * The RECEIVED events that nothing will move on any more, by the re-sync function's own rule. The function checks
 * each again with its own clock when it gets the ids, and skips one that is (by then) in flight or done.
 */
function stuckAmong(received: readonly WebhookEvent[], failed: readonly WebhookEvent[], now: Date): StuckEvent[] {
  const failedIds = new Set(failed.map((event) => event.stripeEventId));
  return received.flatMap((event) => {
    const reason = stuckReason(event, now);
    return reason && !failedIds.has(event.stripeEventId) ? [{ event, reason }] : [];
  });
}

function stuckTable(stuck: readonly StuckEvent[]): string {
  return renderTable(stuck, [
    { header: 'EVENT', value: ({ event }) => event.stripeEventId },
    { header: 'TYPE', value: ({ event }) => event.eventType },
    { header: 'STATUS', value: ({ event }) => event.status },
    { header: 'STUCK', value: ({ reason }) => reason },
    { header: 'ATTEMPTS', value: ({ event }) => String(event.attempts), align: 'right' },
    { header: 'CREATED', value: ({ event }) => event.createdAt },
    { header: 'LEASE ENDED', value: ({ event }) => event.leaseExpiresAt ?? '-' },
  ]);
}

function earliestCreatedAt(events: readonly WebhookEvent[]): string {
  return events.map((event) => event.createdAt).sort()[0] ?? new Date(0).toISOString();
}

function followUpJson(followUp: FollowUp) {
  return {
    processed: followUp.done,
    failedAgain: followUp.failedAgain,
    inFlight: followUp.inFlight,
  };
}

async function replayInChunks(client: PlatformClient, io: Io, events: readonly WebhookEvent[]): Promise<ResyncResult> {
  const total = emptyResult();
  const bar = progressBar(io, 'resync', events.length);
  bar.update(0);
  try {
    for (let start = 0; start < events.length; start += RESYNC_CHUNK_SIZE) {
      const stripeEventIds = events.slice(start, start + RESYNC_CHUNK_SIZE).map((event) => event.stripeEventId);
      const chunk = await client.resync({ stripeEventIds });
      total.replayed += chunk.replayed;
      total.stillFailing += chunk.stillFailing;
      total.skipped += chunk.skipped;
      total.items.push(...chunk.items);
      bar.update(
        start + stripeEventIds.length,
        `replayed ${total.replayed}  failing ${total.stillFailing}  skipped ${total.skipped}`,
      );
    }
  } catch (error) {
    bar.finish();
    if (total.items.length > 0) {
      io.err(
        `Stopped after ${total.items.length} event(s): replayed ${total.replayed}, still failing ${total.stillFailing}, skipped ${total.skipped}.`,
      );
    }
    throw error;
  }
  bar.finish();
  return total;
}

function emptyResult(): ResyncResult {
  return { replayed: 0, stillFailing: 0, skipped: 0, items: [] };
}

/** A STUCK column only when some of the events were stuck RECEIVED ones. */
function itemsTable(items: readonly ResyncItem[], reasons: ReadonlyMap<string, StuckReason>): string {
  return renderTable(items, [
    { header: 'EVENT', value: (item) => item.stripeEventId },
    ...(reasons.size > 0
      ? [{ header: 'STUCK', value: (item: ResyncItem) => reasons.get(item.stripeEventId) ?? '' }]
      : []),
    { header: 'OUTCOME', value: (item) => item.outcome },
    { header: 'ERROR', value: (item) => item.error ?? '' },
  ]);
}
