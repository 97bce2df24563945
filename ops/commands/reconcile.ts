import { parseReconcileDay, type ReconcileDay, yesterdayUtc } from '../../domain/reconcile/reconcile-day.js';
import { reconcileOneDay } from '../../domain/reconcile/reconcile-run.js';
import type { Mismatch, OutOfBandAmount } from '../../domain/reconcile/three-way-match.js';
import { MAX_TRANSFERS_READ_BY_ID_BY_HAND } from '../../domain/reconcile/unlisted-transfers.js';
import { type Command, EXIT_FAILURE, EXIT_OK, stringOption, UsageError } from '../command.js';
import { formatMoney, printJson, renderTable } from '../output.js';
import { platformApiDistricts } from '../reconcile/districts.js';
import { platformApiLedger } from '../reconcile/ledger-rows.js';

export { TRANSFER_LOOKAHEAD_SECONDS } from '../../domain/reconcile/reconcile-run.js';

export const reconcile: Command = {
  words: ['reconcile'],
  args: [],
  synopsis: '[--date YYYY-MM-DD]',
  summary:
    'Three-way match of one UTC day (default yesterday) by paid date: paid invoices at Stripe, ledger rows, transfers at Stripe; rows waiting for review and out-of-band amounts too; and the charges refunded or disputed that day against their clawback targets. Exit 1 when anything differs or waits for review.',
  options: { date: { type: 'string' } },
  async run({ client, io, json, now, stripeSource }, { values }) {
    const day = reconcileDay(stringOption(values, 'date'), now());
    // The same run as the scheduled reconcile function's (domain/reconcile/reconcile-run.ts), the ledger and the
    // districts read through the platform API. Run by hand, with no Lambda's time limit, it reads far more transfers
    // by id than the scheduled run: it checks in full a day the scheduled run reported NOT_FULLY_CHECKED.
    const report = await reconcileOneDay(
      day,
      now(),
      { stripe: stripeSource(), ledger: platformApiLedger(client), districts: platformApiDistricts(client) },
      { maxTransfersReadById: MAX_TRANSFERS_READ_BY_ID_BY_HAND },
    );
    const { mismatches, outOfBand, moneyEventCharges, transfersUnread } = report;
    const counts = {
      paidInvoices: report.paidInvoices,
      ledgerRows: report.ledgerRows,
      transfers: report.transfers,
      ...(moneyEventCharges === undefined ? {} : { moneyEventCharges }),
      ...(transfersUnread === undefined ? {} : { transfersUnread }),
    };
    if (json) {
      printJson(io, { date: day.date, ...counts, mismatches, outOfBand });
    } else {
      const charges =
        moneyEventCharges === undefined ? '' : `, ${moneyEventCharges} charge(s) refunded or disputed checked`;
      io.out(
        `Reconcile ${day.date} (UTC): ${counts.paidInvoices} paid invoice(s), ${counts.ledgerRows} ledger row(s) for them, ${counts.transfers} transfer(s) that day${charges}.`,
      );
      io.out(mismatches.length === 0 ? 'No mismatches.' : mismatchTable(mismatches));
      if (outOfBand.length > 0) io.out(`Paid outside Stripe:\n${outOfBandTable(outOfBand)}`);
    }
    if (mismatches.length > 0) {
      io.err(`${mismatches.length} mismatch(es) on ${day.date}.`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  },
};

function reconcileDay(date: string | undefined, now: Date): ReconcileDay {
  if (date === undefined) return yesterdayUtc(now);
  const day = parseReconcileDay(date);
  if (!day) throw new UsageError('--date must be a calendar date, YYYY-MM-DD');
  return day;
}

function outOfBandTable(amounts: readonly OutOfBandAmount[]): string {
  return renderTable(amounts, [
    { header: 'INVOICE', value: (a) => a.invoiceId },
    { header: 'REVENUE SHARE', value: (a) => a.revenueShareId },
    { header: 'AMOUNT PAID', value: (a) => formatMoney(a.amountCents, a.currency), align: 'right' },
    { header: 'THROUGH STRIPE', value: (a) => formatMoney(a.collectedCents, a.currency), align: 'right' },
    { header: 'OUT OF BAND', value: (a) => formatMoney(a.outOfBandCents, a.currency), align: 'right' },
    { header: 'STATUS', value: (a) => a.payoutStatus },
  ]);
}

function mismatchTable(mismatches: readonly Mismatch[]): string {
  return renderTable(mismatches, [
    { header: 'KIND', value: (m) => m.kind },
    { header: 'INVOICE', value: (m) => m.invoiceId ?? '-' },
    { header: 'REVENUE SHARE', value: (m) => m.revenueShareId ?? '-' },
    { header: 'TRANSFER', value: (m) => m.stripeTransferId ?? '-' },
    { header: 'DETAIL', value: (m) => m.detail },
  ]);
}
