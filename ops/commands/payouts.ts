import { PAYOUT_STATUSES } from '../../domain/model.js';
import { type Command, EXIT_OK, limitOption, type OptionValues, oneOf, stringOption, UsageError } from '../command.js';
import { formatBps, formatMoney, printJson, renderFields, renderTable } from '../output.js';
import { MAX_LIST_LIMIT, type RevenueShareDetail } from '../platform-client.js';
import { moneyAndCents, moneyHistoryTable, moneyTotalFields } from './row-money.js';

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

/** Who and why: a review decision, or a retry that moves a row to its district's current account. */
const reviewOptions = { by: { type: 'string' }, reason: { type: 'string' } } as const;

export const payoutsRetry: Command = {
  words: ['payouts', 'retry'],
  args: ['ID'],
  synopsis: '[--by WHO --reason WHY]',
  summary:
    "Queue a new transfer attempt for a payout whose transfer failed (or never started). A payout whose district's account changed since (districts put) is moved to the new account when no money went to the old one: --by and --reason are then required and recorded.",
  options: reviewOptions,
  async run({ client, io, json }, { args: [revenueShareId = ''], values }) {
    const by = stringOption(values, 'by');
    const reason = stringOption(values, 'reason');
    const result = await client.retryPayout(revenueShareId, { by, reason });
    if (json) {
      printJson(io, result);
      return EXIT_OK;
    }
    const change = result.destinationChange;
    if (change) io.out(`Moved by ${change.by} from ${change.from} to ${change.to} (the district's account now).`);
    io.out(`Transfer attempt ${result.transferAttempt} queued for ${result.revenueShareId}.`);
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

function reviewInput(values: OptionValues): { by: string; reason: string } {
  const by = stringOption(values, 'by');
  const reason = stringOption(values, 'reason');
  if (!by?.trim()) throw new UsageError('--by must name who decides (e.g. --by jane@example.org)');
  if (!reason?.trim()) throw new UsageError('--reason must say why (e.g. --reason "cheque 1042 cleared")');
  return { by, reason };
}

export const payoutsApprove: Command = {
  words: ['payouts', 'approve'],
  args: ['ID'],
  synopsis: '--by WHO --reason WHY',
  summary:
    'Approve paying a NEEDS_REVIEW payout (money paid outside Stripe): each charge still funds its part, the rest comes from the platform balance. Recorded with who and why.',
  options: reviewOptions,
  async run({ client, io, json }, { args: [revenueShareId = ''], values }) {
    const result = await client.approvePayout(revenueShareId, reviewInput(values));
    if (json) printJson(io, result);
    else if (result.payoutStatus === 'PENDING')
      io.out(
        `Approved by ${result.decision.by}: transfer attempt ${result.transferAttempt} queued for ${result.revenueShareId}.`,
      );
    else
      io.out(`Approved by ${result.decision.by}: ${result.revenueShareId} is ${result.payoutStatus} (nothing to pay).`);
    return EXIT_OK;
  },
};

export const payoutsClose: Command = {
  words: ['payouts', 'close'],
  args: ['ID'],
  synopsis: '--by WHO --reason WHY',
  summary: 'Close a NEEDS_REVIEW payout without paying it. Recorded with who and why.',
  options: reviewOptions,
  async run({ client, io, json }, { args: [revenueShareId = ''], values }) {
    const result = await client.closePayout(revenueShareId, reviewInput(values));
    if (json) printJson(io, result);
    else io.out(`Closed by ${result.decision.by}: ${result.revenueShareId} is CLOSED and will not be paid.`);
    return EXIT_OK;
  },
};

function describeRow(row: RevenueShareDetail): string {
  const fields = renderFields([
    ['revenueShareId', row.revenueShareId],
    ['districtId', row.districtId],
    ['invoiceId', row.invoiceId],
    ['stripeEventId', row.stripeEventId],
    ['invoice amount', moneyAndCents(row.amountCents, row.currency)],
    ['share', `${moneyAndCents(row.shareCents, row.currency)} at ${formatBps(row.shareBps)}`],
    ['payoutStatus', row.payoutStatus],
    ['destination', row.destinationAccountId],
    ['stripeTransferId', row.stripeTransferId ?? '-'],
    [
      'collected',
      row.collectedCents === undefined
        ? undefined
        : `${formatMoney(row.collectedCents, row.currency)} through Stripe charges (${row.collectedCents})`,
    ],
    [
      'transfers',
      row.transferParts
        ?.map(
          (p) =>
            `#${p.index} ${formatMoney(p.amountCents, row.currency)}` +
            (p.plannedCents === undefined ? '' : ` of ${formatMoney(p.plannedCents, row.currency)} planned`) +
            ` from ${p.sourceChargeId ?? 'platform balance'}: ${p.stripeTransferId ?? 'not yet'}`,
        )
        .join('; '),
    ],
    ...moneyTotalFields(row),
    ['reviewReason', row.reviewReason],
    [
      'decision',
      row.decision && `${row.decision.action} by ${row.decision.by} at ${row.decision.at}: ${row.decision.reason}`,
    ],
    ['transferAttempt', String(row.transferAttempt)],
    ['lastError', row.lastError],
    ['version', String(row.version)],
    ['createdAt', row.createdAt],
    ['updatedAt', row.updatedAt],
    ['paidAt', row.paidAt],
  ]);
  const history = moneyHistoryTable(row);
  return history === undefined ? fields : `${fields}\n\nmoneyHistory\n${history}`;
}
