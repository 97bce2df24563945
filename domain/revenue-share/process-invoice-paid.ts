/**
 * invoice.paid -> one ledger row for (district, invoice) -> the transfer queued when the district transfers
 * automatically -> audit row PROCESSED. Safe to run any number of times, concurrently: the row id is derived from
 * (districtId, invoiceId) and created with a conditional put, and the transfer message is deduplicated by
 * (row, attempt). Permanent problems throw PermanentEventError; everything else propagates (and is retried).
 */
import type { RevenueShare, TransferMessage } from '../model.js';
import { transferSendOptions } from '../payouts/messages.js';
import type { AuditLog, Clock, DistrictStore, LedgerStore, MessageQueue } from '../ports.js';
import { findDistrict } from './find-district.js';
import { PermanentEventError } from './permanent-event-error.js';
import { deriveRevenueShareId } from './revenue-share-id.js';
import {
  computeShareCents,
  describeValue,
  InvalidAmountError,
  InvalidShareBpsError,
  validateAmountCents,
} from './share.js';
import { type StoredEvent, stringField } from './stripe-event.js';

export interface ProcessInvoicePaidDeps {
  auditLog: AuditLog;
  ledger: LedgerStore;
  districts: DistrictStore;
  transferQueue: MessageQueue<TransferMessage>;
  clock: Clock;
}

export interface InvoicePaidResult {
  outcome: 'processed';
  revenueShareId: string;
  districtId: string;
  invoiceId: string;
  /** False when the row already existed (a redelivery or a replay). */
  rowCreated: boolean;
  transferQueued: boolean;
}

export async function processInvoicePaid(event: StoredEvent, deps: ProcessInvoicePaidDeps): Promise<InvoicePaidResult> {
  const invoice = event.object;
  const invoiceId = stringField(invoice, 'id');
  if (!invoiceId) throw new PermanentEventError(`invoice.paid event ${event.id} carries an invoice without an id`);
  const { district } = await findDistrict(invoice, deps.districts);
  const { districtId } = district;
  const details = { districtId, invoiceId };

  const amountCents = withPermanentDetails(details, () => validateAmountCents(invoice.amount_paid, 'amount_paid'));
  const currency = invoiceCurrency(invoice.currency, details);
  if (currency !== district.currency.toLowerCase()) {
    throw new PermanentEventError(
      `invoice currency ${currency} does not match district ${districtId} currency ${district.currency.toLowerCase()}`,
      details,
    );
  }
  const shareCents = withPermanentDetails(details, () => computeShareCents(amountCents, district.shareBps));

  const now = deps.clock.now().toISOString();
  const payable = shareCents > 0;
  const row: RevenueShare = {
    revenueShareId: deriveRevenueShareId(districtId, invoiceId),
    districtId,
    invoiceId,
    stripeEventId: event.id,
    amountCents,
    currency,
    shareBps: district.shareBps,
    shareCents,
    payoutStatus: payable ? 'PENDING' : 'NO_PAYOUT',
    destinationAccountId: district.stripeAccountId,
    version: 1,
    // Attempt 1 is started now when the district transfers automatically; otherwise the retry API starts it.
    transferAttempt: payable && district.autoTransfer ? 1 : 0,
    createdAt: now,
    updatedAt: now,
  };

  const created = await deps.ledger.create(row);
  const current = created.created ? created.row : created.existing;
  if (!created.created) assertSameInvoice(current, amountCents, currency);

  // A redelivery re-queues a transfer that may not have been queued yet; the FIFO dedup id makes it harmless.
  const transferQueued = current.payoutStatus === 'PENDING' && !current.stripeTransferId && current.transferAttempt > 0;
  if (transferQueued) {
    const message = { revenueShareId: current.revenueShareId, transferAttempt: current.transferAttempt };
    await deps.transferQueue.send(message, transferSendOptions(message));
  }
  await deps.auditLog.markProcessed(event.id, deps.clock.now(), {
    districtId,
    invoiceId,
    metadata: { revenueShareId: current.revenueShareId },
  });
  return {
    outcome: 'processed',
    revenueShareId: current.revenueShareId,
    districtId,
    invoiceId,
    rowCreated: created.created,
    transferQueued,
  };
}

function invoiceCurrency(value: unknown, details: { districtId: string; invoiceId: string }): string {
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value)) {
    throw new PermanentEventError(`invoice currency must be a 3-letter ISO code, got ${describeValue(value)}`, details);
  }
  return value.toLowerCase();
}

function withPermanentDetails<T>(details: { districtId: string; invoiceId: string }, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof InvalidAmountError) throw new PermanentEventError(error.message, details);
    if (error instanceof InvalidShareBpsError) {
      throw new PermanentEventError(`district ${details.districtId} is misconfigured: ${error.message}`, details);
    }
    throw error;
  }
}

/** One invoice, one amount: a second event for the invoice with another amount is a failure, never a second row. */
function assertSameInvoice(existing: RevenueShare, amountCents: number, currency: string): void {
  if (existing.amountCents === amountCents && existing.currency === currency) return;
  throw new PermanentEventError(
    `invoice ${existing.invoiceId} already has ledger row ${existing.revenueShareId} for ${existing.amountCents} ` +
      `${existing.currency}; this event says ${amountCents} ${currency}`,
    { districtId: existing.districtId, invoiceId: existing.invoiceId },
  );
}
