import { type Command, EXIT_FAILURE, EXIT_OK, isoInstant, stringOption } from '../command.js';
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

/** Events per POST /platform/resync: small enough to stay well inside the API's 29 s integration timeout. */
export const RESYNC_CHUNK_SIZE = 10;

export const resync: Command = {
  words: ['resync'],
  args: [],
  synopsis: '[--since ISO-8601] [--dry-run]',
  summary:
    'Replay FAILED webhook events through the pipeline and summarise (exit 1 while any still fails); --dry-run only lists them.',
  options: { since: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run({ client, io, json }, { values }) {
    const since = isoInstant('since', stringOption(values, 'since'));
    const dryRun = values['dry-run'] === true;
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
    if (json) {
      printJson(io, { dryRun, events: failed, ...result });
    } else {
      if (result.items.length > 0) io.out(itemsTable(result.items));
      io.out(
        `Replayed ${result.replayed}, still failing ${result.stillFailing}, skipped ${result.skipped} (of ${failed.length} FAILED event(s)).`,
      );
    }
    if (result.stillFailing > 0) {
      io.err(`${result.stillFailing} event(s) still fail: fix the cause (see ERROR), then run resync again.`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  },
};

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
