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
  summary: `Replay FAILED webhook events (API default: the last 30 days) in chunks of ${RESYNC_CHUNK_SIZE}, wait up to --wait (default ${DEFAULT_WAIT_SECONDS}, 0 = no wait) for the workers, and summarise; exit 1 while any still fails. --dry-run only lists them.`,
  options: { since: { type: 'string' }, 'dry-run': { type: 'boolean' }, wait: { type: 'string' } },
  async run({ client, io, json }, { values }) {
    const since = isoInstant('since', stringOption(values, 'since'));
    const dryRun = values['dry-run'] === true;
    const waitSeconds = waitOption(stringOption(values, 'wait'));
    const failed = await client.listWebhookEvents({ status: 'FAILED', since, limit: MAX_LIST_LIMIT });
    if (failed.length === MAX_LIST_LIMIT) {
      io.err(`Only the first ${MAX_LIST_LIMIT} FAILED events are taken; run resync again for the rest.`);
    }

    if (dryRun || failed.length === 0) {
      if (json) printJson(io, { dryRun, events: failed, ...(dryRun ? {} : emptyResult()) });
      else if (failed.length === 0) io.out('No FAILED events: nothing to replay.');
      else {
        io.out(eventsTable(failed));
        io.out(`Dry run: ${failed.length} FAILED event(s) would be replayed; nothing was changed.`);
      }
      return EXIT_OK;
    }

    const result = await replayInChunks(client, io, failed);
    const replayedIds = result.items.filter((item) => /^replayed$/i.test(item.outcome)).map((i) => i.stripeEventId);
    const followUp =
      waitSeconds > 0 && replayedIds.length > 0
        ? await followReplays(client, replayedIds, earliestCreatedAt(failed), waitSeconds * 1000)
        : undefined;

    if (json) {
      printJson(io, {
        dryRun,
        events: failed,
        ...result,
        ...(followUp ? { afterReplay: followUpJson(followUp) } : {}),
      });
    } else {
      if (result.items.length > 0) io.out(itemsTable(result.items));
      io.out(
        `Replayed ${result.replayed}, still failing ${result.stillFailing}, skipped ${result.skipped} (of ${failed.length} FAILED event(s)).`,
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

async function replayInChunks(client: PlatformClient, io: Io, failed: readonly WebhookEvent[]): Promise<ResyncResult> {
  const total = emptyResult();
  const bar = progressBar(io, 'resync', failed.length);
  bar.update(0);
  try {
    for (let start = 0; start < failed.length; start += RESYNC_CHUNK_SIZE) {
      const stripeEventIds = failed.slice(start, start + RESYNC_CHUNK_SIZE).map((event) => event.stripeEventId);
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

function itemsTable(items: readonly ResyncItem[]): string {
  return renderTable(items, [
    { header: 'EVENT', value: (item) => item.stripeEventId },
    { header: 'OUTCOME', value: (item) => item.outcome },
    { header: 'ERROR', value: (item) => item.error ?? '' },
  ]);
}
