import { PAYOUT_STATUSES, type RevenueShare } from '../../domain/model.js';
import { type Command, EXIT_OK, limitOption, oneOf, stringOption } from '../command.js';
import { formatBps, formatMoney, printJson, renderFields, renderTable } from '../output.js';
import { MAX_LIST_LIMIT } from '../platform-client.js';

export const payoutsList: Command = {
  words: ['payouts', 'list'],
  args: [],
  synopsis: `[--status ${PAYOUT_STATUSES.join('|')}] [--district ID] [--limit N]`,
  summary: `Ledger rows (revenue shares), newest first; at most --limit (API default 100, up to ${MAX_LIST_LIMIT}).`,
  options: { status: { type: 'string' }, district: { type: 'string' }, limit: { type: 'string' } },
  async run({ client, io, json }, { values }) {
    const status = oneOf('status', stringOption(values, 'status'), PAYOUT_STATUSES);
    const rows = await client.listRevenueShares({
      districtId: stringOption(values, 'district'),
      status,
      limit: limitOption(values, MAX_LIST_LIMIT),
    });
    if (json) {
      printJson(io, rows);
    } else if (rows.length === 0) {
      io.out('No payouts.');
    } else {
      io.out(
        renderTable(rows, [
          { header: 'REVENUE SHARE', value: (r) => r.revenueShareId },
          { header: 'DISTRICT', value: (r) => r.districtId },
          { header: 'INVOICE', value: (r) => r.invoiceId },
          { header: 'INVOICE AMOUNT', value: (r) => formatMoney(r.amountCents, r.currency), align: 'right' },
          { header: 'SHARE', value: (r) => formatMoney(r.shareCents, r.currency), align: 'right' },
          { header: 'STATUS', value: (r) => r.payoutStatus },
          { header: 'TRANSFER', value: (r) => r.stripeTransferId ?? '-' },
          { header: 'UPDATED', value: (r) => r.updatedAt },
        ]),
      );
    }
    return EXIT_OK;
  },
};

export const payoutsShow: Command = {
  words: ['payouts', 'show'],
  args: ['ID'],
  synopsis: '',
  summary: 'One ledger row in full.',
  options: {},
  async run({ client, io, json }, { args: [revenueShareId = ''] }) {
    const row = await client.getRevenueShare(revenueShareId);
    if (json) printJson(io, row);
    else io.out(describeRow(row));
    return EXIT_OK;
  },
};

export const payoutsRetry: Command = {
  words: ['payouts', 'retry'],
  args: ['ID'],
  synopsis: '',
  summary: 'Queue a new transfer attempt for a payout whose transfer failed (or never started).',
  options: {},
  async run({ client, io, json }, { args: [revenueShareId = ''] }) {
    const result = await client.retryPayout(revenueShareId);
    if (json) printJson(io, result);
    else io.out(`Transfer attempt ${result.transferAttempt} queued for ${result.revenueShareId}.`);
    return EXIT_OK;
  },
};

export const payoutsMarkPaid: Command = {
  words: ['payouts', 'mark-paid'],
  args: ['ID'],
  synopsis: '',
  summary: 'Queue the verification of a payout’s transfer at Stripe; it becomes PAID only if the transfer checks out.',
  options: {},
  async run({ client, io, json }, { args: [revenueShareId = ''] }) {
    const result = await client.markPaid(revenueShareId);
    if (json) printJson(io, result);
    else
      io.out(
        `Verification of ${result.stripeTransferId ?? 'the transfer'} queued for ${result.revenueShareId}: it becomes PAID once the transfer checks out at Stripe.`,
      );
    return EXIT_OK;
  },
};

function describeRow(row: RevenueShare): string {
  return renderFields([
    ['revenueShareId', row.revenueShareId],
    ['districtId', row.districtId],
    ['invoiceId', row.invoiceId],
    ['stripeEventId', row.stripeEventId],
    ['invoice amount', `${formatMoney(row.amountCents, row.currency)} (${row.amountCents})`],
    ['share', `${formatMoney(row.shareCents, row.currency)} (${row.shareCents}) at ${formatBps(row.shareBps)}`],
    ['payoutStatus', row.payoutStatus],
    ['destination', row.destinationAccountId],
    ['stripeTransferId', row.stripeTransferId ?? '-'],
    ['transferAttempt', String(row.transferAttempt)],
    ['lastError', row.lastError],
    ['version', String(row.version)],
    ['createdAt', row.createdAt],
    ['updatedAt', row.updatedAt],
    ['paidAt', row.paidAt],
  ]);
}
