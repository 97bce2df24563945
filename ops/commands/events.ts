import { AUDIT_STATUSES, LISTED_AUDIT_STATUSES } from '../../domain/model.js';
import { type Command, EXIT_OK, isoInstant, limitOption, oneOf, stringOption, UsageError } from '../command.js';
import { printJson, renderTable } from '../output.js';
import { MAX_LIST_LIMIT, type WebhookEvent } from '../platform-client.js';

export const eventsList: Command = {
  words: ['events', 'list'],
  args: [],
  synopsis: `[--status ${LISTED_AUDIT_STATUSES.join('|')}] [--since ISO-8601] [--limit N]`,
  summary: 'Webhook events by status (default FAILED) since a time (API default: 30 days ago), from the audit log.',
  options: { status: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' } },
  async run({ client, io, json }, { values }) {
    const asked = stringOption(values, 'status');
    const done = oneOf('status', asked, AUDIT_STATUSES);
    if (done === 'PROCESSED' || done === 'IGNORED') {
      throw new UsageError(`${done} events are not listed: the audit log indexes only open events (FAILED, RECEIVED)`);
    }
    const status = oneOf('status', asked, LISTED_AUDIT_STATUSES) ?? 'FAILED';
    const since = isoInstant('since', stringOption(values, 'since'));
    const events = await client.listWebhookEvents({ status, since, limit: limitOption(values, MAX_LIST_LIMIT) });
    if (json) printJson(io, events);
    else io.out(events.length === 0 ? `No ${status} events.` : eventsTable(events));
    return EXIT_OK;
  },
};

export function eventsTable(events: readonly WebhookEvent[]): string {
  return renderTable(events, [
    { header: 'EVENT', value: (e) => e.stripeEventId },
    { header: 'TYPE', value: (e) => e.eventType },
    { header: 'STATUS', value: (e) => e.status },
    { header: 'ATTEMPTS', value: (e) => String(e.attempts), align: 'right' },
    { header: 'CREATED', value: (e) => e.createdAt },
    { header: 'DISTRICT', value: (e) => e.districtId ?? '-' },
    { header: 'INVOICE', value: (e) => e.invoiceId ?? '-' },
    { header: 'ERROR', value: (e) => e.errorMessage ?? '' },
  ]);
}
