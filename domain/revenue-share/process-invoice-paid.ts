/**
 * invoice.paid -> the money Stripe collected for it (its paid invoice payments' charges) -> one ledger row for the
 * invoice, of the district it is found for -> the transfer queued when the district transfers automatically -> audit
 * row PROCESSED. Safe to run any number of times, concurrently: the row id is derived from the invoice alone, the row
 * is created with a conditional put (a row of another district is the invoice paying another district: refused), and
 * the transfer message is deduplicated by (row, attempt). Permanent problems throw PermanentEventError; everything
 * else (a Stripe error while reading the payments included) propagates, and is retried.
 *
 * Money that did not come through a Stripe charge (paid out of band, partly out of band, a $0 invoice) is never
 * paid automatically unless the district opted in (autoPayOutOfBand): the row is NEEDS_REVIEW with its reason, and
 * an alert asks a person to approve or close it. Money that came through a charge without a payment intent is never
 * paid automatically either, whatever the opt-in: Stripe cannot trace its refunds and disputes back to the row (the
 * ledger does, through a pointer item for the charge, but reconcile does not check those clawbacks).
 */
import { DEFAULT_DISPUTE_POLICY } from '../clawback/dispute-policy.js';
import { totalsChanges } from '../clawback/row-totals.js';
import type { District, RevenueShare, SourceCharge, TransferMessage, TransferPart } from '../model.js';
import { transferSendOptions } from '../payouts/messages.js';
import { raiseAlert } from '../payouts/raise-alert.js';
import { moneySources, netOfChargeStates, planTransferParts } from '../payouts/transfer-plan.js';
import type {
  AlertSink,
  AuditLog,
  Clock,
  DistrictStore,
  InvoiceCharges,
  InvoicePaymentReader,
  LedgerStore,
  MessageQueue,
} from '../ports.js';
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
  invoicePayments: InvoicePaymentReader;
  alerts: AlertSink;
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
  payoutStatus: RevenueShare['payoutStatus'];
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
  const revenueShareId = deriveRevenueShareId(invoiceId);

  // A redelivery finds its row and reads nothing at Stripe; a first delivery reads how the invoice was paid. A row of
  // another district goes on to the create, whose conditional put says whose the invoice is: money rule 8 is decided
  // in that one place, however the deliveries interleave.
  const known = await deps.ledger.get(revenueShareId);
  let current: RevenueShare;
  let rowCreated = false;
  if (known && known.districtId === districtId) {
    current = known;
  } else {
    const paidWith = await deps.invoicePayments.chargesOf(invoiceId, currency);
    const now = deps.clock.now().toISOString();
    const row: RevenueShare = {
      revenueShareId,
      districtId,
      invoiceId,
      stripeEventId: event.id,
      amountCents,
      currency,
      shareBps: district.shareBps,
      shareCents,
      destinationAccountId: district.stripeAccountId,
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...payoutOf(amountCents, shareCents, paidWith, district),
    };
    const created = await deps.ledger.create(row);
    if (!created.created && 'invoiceTakenBy' in created) {
      const owner = created.invoiceTakenBy;
      throw new PermanentEventError(
        `invoice ${invoiceId} is already paid out by ledger row ${owner.revenueShareId} of district ` +
          `${owner.districtId}; one invoice pays one district, so district ${districtId} is not paid for it ` +
          '(did its customer mapping change between two deliveries?)',
        details,
      );
    }
    rowCreated = created.created;
    current = created.created ? created.row : created.existing;
  }
  if (!rowCreated) assertSameInvoice(current, amountCents, currency);

  if (current.payoutStatus === 'NEEDS_REVIEW' && !current.decision) {
    // Before PROCESSED: a crash in between repeats the alert on redelivery rather than losing it.
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'PAYOUT_NEEDS_REVIEW',
      severity: 'warning',
      message:
        `ledger row ${current.revenueShareId} (share ${current.shareCents} ${current.currency}) waits for review: ` +
        `${current.reviewReason ?? 'no reason recorded'}; approve or close it (npm run ops -- payouts approve|close)`,
      stripeEventId: event.id,
      districtId,
      invoiceId,
      revenueShareId: current.revenueShareId,
    });
  }

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
    rowCreated,
    transferQueued,
    payoutStatus: current.payoutStatus,
  };
}

type PayoutFields = Pick<
  RevenueShare,
  | 'payoutStatus'
  | 'transferAttempt'
  | 'collectedCents'
  | 'sourceCharges'
  | 'transferParts'
  | 'reviewReason'
  | 'reversedCents'
  | 'netPaidCents'
>;

/**
 * What the row pays and how, from the money that came through Stripe:
 *   amount 0 (a $0 invoice, or one paid from the customer's credit balance)  -> NEEDS_REVIEW
 *   share 0                                                                 -> NO_PAYOUT
 *   any of it through a charge without a payment intent (opt-in or not)     -> NEEDS_REVIEW
 *   every cent through charges                                              -> PENDING, one part per charge
 *   some or all out of band, district opted in (autoPayOutOfBand)           -> PENDING, plus a platform-balance part
 *   some or all out of band, otherwise                                      -> NEEDS_REVIEW
 *   charges above amount_paid (cannot be split)                             -> NEEDS_REVIEW
 * A charge refunded or disputed before this event was processed (its money event found no row and FAILED) has its
 * part made smaller as the clawback makes a part not yet transferred; every part at 0 -> REVERSED, nothing paid.
 */
function payoutOf(
  amountCents: number,
  shareCents: number,
  { charges, chargeStates }: InvoiceCharges,
  district: District,
): PayoutFields {
  const collectedCents = charges.reduce((sum, charge) => sum + charge.amountCents, 0);
  const money = { collectedCents, sourceCharges: charges };
  const review = (reviewReason: string): PayoutFields => ({
    payoutStatus: 'NEEDS_REVIEW',
    transferAttempt: 0,
    ...money,
    reviewReason,
  });
  const currency = district.currency.toLowerCase();
  if (amountCents === 0) {
    return review(
      'zero_amount: amount_paid is 0 (a $0 invoice, or one paid from credit): no money came through Stripe',
    );
  }
  if (collectedCents > amountCents) {
    return review(`collected_exceeds_amount_paid: charges collected ${collectedCents}, amount_paid ${amountCents}`);
  }
  if (shareCents === 0) return { payoutStatus: 'NO_PAYOUT', transferAttempt: 0, ...money };
  const outOfBandCents = amountCents - collectedCents;
  const untraceable = charges.filter((charge) => charge.withoutPaymentIntent);
  if (untraceable.length > 0) {
    return review(withoutPaymentIntentReason(untraceable, outOfBandCents, amountCents, currency));
  }
  if (outOfBandCents > 0 && !district.autoPayOutOfBand) {
    return review(
      collectedCents === 0
        ? `out_of_band: all ${amountCents} ${currency} was paid outside Stripe (no charge)`
        : `partly_out_of_band: ${outOfBandCents} of ${amountCents} ${currency} was paid outside Stripe; ` +
            `charges collected ${collectedCents}`,
    );
  }
  const transferParts: TransferPart[] = netOfChargeStates(
    planTransferParts(shareCents, moneySources(charges, outOfBandCents)),
    chargeStates,
    district.shareBps,
    district.disputePolicy ?? DEFAULT_DISPUTE_POLICY,
  );
  if (transferParts.every((part) => part.amountCents === 0)) {
    // As the clawback leaves a row whose every charge went back before its transfer: nothing is ever paid.
    return {
      payoutStatus: 'REVERSED',
      transferAttempt: 0,
      ...money,
      transferParts,
      reversedCents: shareCents,
      netPaidCents: 0,
    };
  }
  const heldBack = transferParts.some((part) => part.plannedCents !== undefined);
  return {
    payoutStatus: 'PENDING',
    // Attempt 1 is started now when the district transfers automatically; otherwise the retry API starts it.
    transferAttempt: district.autoTransfer ? 1 : 0,
    ...money,
    transferParts,
    // What a smaller part holds back is taken back from the start, as the clawback counts it (row-totals.ts).
    ...(heldBack ? heldBackTotals(shareCents, transferParts) : {}),
  };
}

/**
 * Why a row funded by a charge without a payment intent waits: clawbacks find a charge's row through its payment
 * intent at Stripe (domain/clawback/row-paid-by.ts); this one's row only through the ledger's pointer for the charge,
 * which reconcile's check of clawbacks does not read.
 */
function withoutPaymentIntentReason(
  untraceable: readonly SourceCharge[],
  outOfBandCents: number,
  amountCents: number,
  currency: string,
): string {
  const named = untraceable.map((charge) => `${charge.chargeId} (${charge.amountCents} ${currency})`).join(', ');
  const [subject, verb] = untraceable.length === 1 ? ['charge', 'was'] : ['charges', 'were'];
  return (
    `charge_without_payment_intent: ${subject} ${named} ${verb} made without a payment intent, so Stripe leads ` +
    'from it to no invoice: a refund or dispute of it is clawed back through the ledger alone (its charge pointer), ' +
    'which reconcile does not check' +
    (outOfBandCents > 0 ? `; ${outOfBandCents} of ${amountCents} ${currency} was paid outside Stripe` : '')
  );
}

function heldBackTotals(shareCents: number, transferParts: TransferPart[]) {
  const { reversedCents, netPaidCents } = totalsChanges({ shareCents, transferParts });
  return { reversedCents, netPaidCents };
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
