/**
 * The daily three-way match: paid invoices at Stripe, ledger rows, transfers at Stripe. Pure: the caller
 * gathers the three lists (ops/reconcile), this function only compares them.
 */
import type { RevenueShare } from '../model.js';
import { transferPartOf } from '../payouts/transfer-keys.js';
import { partTransferIds, recordedTransferIds } from '../payouts/transfer-plan.js';

/** A paid invoice as Stripe lists it (the fields the match reads). */
export interface PaidInvoice {
  id: string;
  amount_paid: number;
  /** `status_transitions.paid_at` (unix seconds): the day an invoice belongs to. */
  paid_at?: number | null;
  currency: string;
  customer: string | null;
  metadata: Record<string, string> | null;
}

/** A transfer as Stripe lists it (the fields the match reads); `created` is unix seconds. */
export interface StripeTransfer {
  id: string;
  amount: number;
  currency: string;
  destination: string | null;
  reversed: boolean;
  amount_reversed: number;
  created: number;
  metadata: Record<string, string> | null;
}

export type LedgerRow = Pick<
  RevenueShare,
  | 'revenueShareId'
  | 'districtId'
  | 'invoiceId'
  | 'amountCents'
  | 'currency'
  | 'shareCents'
  | 'payoutStatus'
  | 'destinationAccountId'
  | 'stripeTransferId'
> &
  Partial<Pick<RevenueShare, 'collectedCents' | 'transferParts' | 'reviewReason' | 'moneyHistory'>>;

export const MISMATCH_KINDS = [
  'MISSING_LEDGER_ROW',
  'MISSING_TRANSFER',
  'AMOUNT_DIFFERS',
  'CURRENCY_DIFFERS',
  'DESTINATION_DIFFERS',
  'REVERSED',
  'ORPHAN_TRANSFER',
  'DUPLICATE_TRANSFER',
  /**
   * A transfer at Stripe names a row (or a part of it) that records none and is not having one made (not PENDING):
   * a district was paid while the ledger says it was not, e.g. a worker died after its create and the row was then
   * marked TRANSFER_FAILED, closed, or refunded away.
   */
  'UNRECORDED_TRANSFER',
  'DUPLICATE_LEDGER_ROW',
  /** A NEEDS_REVIEW row: the day's, and on every scheduled run any still waiting (domain/reconcile/waiting-reminders.ts). */
  'AWAITING_REVIEW',
  /** A TRANSFER_FAILED row that failed over a day ago and still waits for a person to retry it (waiting-reminders.ts). */
  'AWAITING_RETRY',
  /** A clawed-back row: transfers minus reversals at Stripe differ from the ledger's (its history's) net. */
  'NET_PAID_MISMATCH',
  /**
   * Money that went back (a refund, a dispute) and the row its charge paid is not at the clawback target: its money
   * event was lost or is stuck (domain/reconcile/clawback-match.ts).
   */
  'CLAWBACK_DIFFERS',
  /**
   * Transfers the checked rows record were left unread past the run's bound on reads by id: those rows were not fully
   * checked (domain/reconcile/unlisted-transfers.ts). One per run, with the count and how to check them.
   */
  'NOT_FULLY_CHECKED',
] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export interface Mismatch {
  kind: MismatchKind;
  invoiceId?: string;
  revenueShareId?: string;
  stripeTransferId?: string;
  /** The charge whose money went back (CLAWBACK_DIFFERS). */
  chargeId?: string;
  detail: string;
}

export interface ThreeWayMatchInput {
  /** The day's paid invoices. */
  invoices: readonly PaidInvoice[];
  /** Ledger rows; a superset is fine (rows unrelated to the day's invoices and transfers are not checked). */
  ledgerRows: readonly LedgerRow[];
  /** Transfers from the start of the day on (a share is often transferred after the invoice's day ends). */
  transfers: readonly StripeTransfer[];
  /**
   * The day, in unix seconds [gte, lt). Transfers created in it are each checked (an orphan is reported);
   * later ones are checked only as the transfer of one of the day's invoices. Unset: every transfer is the day's.
   */
  day?: { gte: number; lt: number };
  /**
   * Transfers a checked row records that could not be read (past reconcile's bound on reads by id): neither missing
   * nor compared, and the row's net is left unchecked.
   */
  unread?: ReadonlySet<string>;
  /**
   * Rows checked for their net only (NET_PAID_MISMATCH), whatever day their invoice was paid: the rows the day's money
   * events name (a refund or dispute days after the payout). Those also checked in full are checked once.
   */
  netChecked?: readonly LedgerRow[];
}

/** The metadata key the transfer worker writes on every transfer it creates. */
export const TRANSFER_ROW_METADATA_KEY = 'revenueShareId';

/**
 * Every disagreement between what Stripe says was paid and transferred and what the ledger records.
 * An empty list means the day reconciles. Order: invoices first (in input order), then transfers.
 */
export function threeWayMatch(input: ThreeWayMatchInput): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const rowsById = new Map(input.ledgerRows.map((row) => [row.revenueShareId, row]));
  const transfersByRow = groupTransfersByRow(input.transfers, input.ledgerRows);

  for (const invoice of input.invoices) {
    const rows = input.ledgerRows.filter((row) => row.invoiceId === invoice.id);
    if (rows.length === 0) {
      mismatches.push({
        kind: 'MISSING_LEDGER_ROW',
        invoiceId: invoice.id,
        detail: `paid invoice (amount_paid ${invoice.amount_paid} ${invoice.currency}, customer ${invoice.customer ?? 'none'}) has no ledger row`,
      });
      continue;
    }
    if (rows.length > 1) {
      mismatches.push({
        kind: 'DUPLICATE_LEDGER_ROW',
        invoiceId: invoice.id,
        detail: `one invoice has ${rows.length} ledger rows: ${rows.map((r) => `${r.revenueShareId} (${r.districtId}, ${r.payoutStatus})`).join(', ')}`,
      });
    }
    for (const row of rows) {
      mismatches.push(...compareInvoiceWithRow(invoice, row));
      if (row.payoutStatus === 'NEEDS_REVIEW') {
        mismatches.push({
          kind: 'AWAITING_REVIEW',
          invoiceId: invoice.id,
          revenueShareId: row.revenueShareId,
          detail: `share ${row.shareCents} ${row.currency} waits for a person: ${row.reviewReason ?? 'no reason recorded'}`,
        });
      }
    }
  }

  for (const transfer of input.transfers.filter((t) => isInDay(t, input.day))) {
    const namedRowId = transfer.metadata?.[TRANSFER_ROW_METADATA_KEY];
    if (namedRowId && !rowsById.has(namedRowId)) {
      mismatches.push({
        kind: 'ORPHAN_TRANSFER',
        revenueShareId: namedRowId,
        stripeTransferId: transfer.id,
        detail: `transfer of ${transfer.amount} ${transfer.currency} to ${transfer.destination ?? 'no destination'} names a ledger row that does not exist`,
      });
    }
    // A transfer naming no row and recorded by none was not made by this pipeline: not ours to judge.
  }

  const unread = input.unread ?? new Set<string>();
  const checked = checkedRows(input);
  for (const row of checked) {
    const named = transfersByRow.get(row.revenueShareId) ?? [];
    // Re-payments (a dispute won, a refund failed) are the row's own transfers too, compared through its net.
    const repaid = new Set(repaymentIds(row));
    mismatches.push(...comparePlanWithShare(row));
    mismatches.push(
      ...compareRowWithTransfers(
        row,
        named.filter((t) => !repaid.has(t.id)),
        unread,
      ),
    );
    mismatches.push(...compareNetPaid(row, input.transfers, unread, comparedTransferIds(row)));
  }
  const checkedIds = new Set(checked.map((row) => row.revenueShareId));
  for (const row of input.netChecked ?? []) {
    if (checkedIds.has(row.revenueShareId)) continue;
    checkedIds.add(row.revenueShareId);
    mismatches.push(...compareNetPaid(row, input.transfers, unread, []));
  }
  return mismatches;
}

/**
 * The rows the match checks, in the order it reports them: each row of the day's invoices, then each row a transfer of
 * the day names (or, naming none, the row that records it).
 */
export function checkedRows(
  input: Pick<ThreeWayMatchInput, 'invoices' | 'ledgerRows' | 'transfers' | 'day'>,
): LedgerRow[] {
  const rowsById = new Map(input.ledgerRows.map((row) => [row.revenueShareId, row]));
  const checked = new Map<string, LedgerRow>();
  for (const invoice of input.invoices) {
    for (const row of input.ledgerRows) if (row.invoiceId === invoice.id) checked.set(row.revenueShareId, row);
  }
  for (const transfer of input.transfers.filter((t) => isInDay(t, input.day))) {
    const namedRowId = transfer.metadata?.[TRANSFER_ROW_METADATA_KEY];
    const row = namedRowId ? rowsById.get(namedRowId) : rowRecordingTransfer(input.ledgerRows, transfer.id);
    if (row) checked.set(row.revenueShareId, row);
  }
  return [...checked.values()];
}

const movementsOf = (row: LedgerRow) => row.moneyHistory ?? [];
const repaymentIds = (row: LedgerRow): string[] =>
  movementsOf(row).flatMap((m) => (m.kind === 'REPAYMENT' && m.stripeId ? [m.stripeId] : []));

/** The row's money came back (a reversal or a re-payment is recorded): its net is checked, not each reversal. */
export const hasClawback = (row: LedgerRow): boolean =>
  movementsOf(row).some((m) => m.kind === 'REVERSAL' || m.kind === 'REPAYMENT');

/** Every transfer the ledger records for the row: its parts' (or its single transfer) and its re-payments. */
export function ledgerTransferIds(row: LedgerRow): string[] {
  return [...recordedTransferIds(row), ...repaymentIds(row)];
}

/**
 * The recorded transfers compareRowWithTransfers reports MISSING_TRANSFER for, on a row checked in full: its parts'
 * (a split row) or its one stripeTransferId. Not its re-payments, which only its net covers.
 */
function comparedTransferIds(row: LedgerRow): string[] {
  if ((row.transferParts?.length ?? 0) > 1) return partTransferIds(row);
  return row.stripeTransferId ? [row.stripeTransferId] : [];
}

/**
 * Per clawed-back row: net paid at Stripe (Σ amount − amount_reversed over the transfers the ledger records) equals
 * the ledger's net (transfers + re-payments − reversals in its history). A recorded transfer missing from
 * `transfers` leaves the net unchecked and is MISSING_TRANSFER, unless it was left unread (NOT_FULLY_CHECKED says so)
 * or is one of `reportedMissing` (the row's own, which its full check reports).
 */
function compareNetPaid(
  row: LedgerRow,
  transfers: readonly StripeTransfer[],
  unread: ReadonlySet<string>,
  reportedMissing: readonly string[],
): Mismatch[] {
  if (!hasClawback(row)) return [];
  const ids = ledgerTransferIds(row);
  const found = ids.map((id) => transfers.find((t) => t.id === id));
  const absent = ids.filter((_, i) => found[i] === undefined);
  if (absent.length > 0) {
    const repaid = new Set(repaymentIds(row));
    return absent
      .filter((id) => !unread.has(id) && !reportedMissing.includes(id))
      .map((id) => ({
        kind: 'MISSING_TRANSFER',
        invoiceId: row.invoiceId,
        revenueShareId: row.revenueShareId,
        stripeTransferId: id,
        detail:
          `ledger records ${repaid.has(id) ? 're-payment' : 'transfer'} ${id} (${row.payoutStatus}), Stripe has no ` +
          'such transfer; the net paid is left unchecked',
      }));
  }
  const stripeNet = found.reduce((sum, t) => sum + ((t?.amount ?? 0) - (t?.amount_reversed ?? 0)), 0);
  const parts = row.transferParts ?? [];
  const transferred =
    parts.length > 0
      ? parts.reduce((sum, p) => sum + (p.stripeTransferId ? p.amountCents : 0), 0)
      : row.stripeTransferId
        ? row.shareCents
        : 0;
  const sum = (kind: string) =>
    movementsOf(row).reduce((total, m) => (m.kind === kind ? total + m.amountCents : total), 0);
  const ledgerNet = transferred + sum('REPAYMENT') - sum('REVERSAL');
  if (stripeNet === ledgerNet) return [];
  return [
    {
      kind: 'NET_PAID_MISMATCH',
      invoiceId: row.invoiceId,
      revenueShareId: row.revenueShareId,
      detail:
        `net paid at Stripe ${stripeNet} ${row.currency} (transfers ${ids.join(', ')} minus their reversals), ` +
        `ledger net ${ledgerNet} (${sum('REVERSAL')} reversed, ${sum('REPAYMENT')} re-paid)`,
    },
  ];
}

/**
 * A row's transfers are compared with its parts, so its parts are checked against its share: their planned amounts
 * (plannedCents, else amountCents) add up to shareCents, and no part sends more than it planned (a refund or a
 * netting only makes a part's transfer smaller). The transfer worker refuses such a plan before any transfer; a row
 * written or edited wrong afterwards would otherwise match its transfers. A row without parts (written before them,
 * NO_PAYOUT, waiting for review) has no plan to check.
 */
function comparePlanWithShare(row: LedgerRow): Mismatch[] {
  const parts = row.transferParts ?? [];
  if (parts.length === 0) return [];
  const found: Mismatch[] = [];
  const ids = { invoiceId: row.invoiceId, revenueShareId: row.revenueShareId };
  const plannedCents = parts.reduce((sum, part) => sum + (part.plannedCents ?? part.amountCents), 0);
  if (plannedCents !== row.shareCents) {
    found.push({
      kind: 'AMOUNT_DIFFERS',
      ...ids,
      detail: `transfer parts plan ${plannedCents} ${row.currency}, ledger shareCents ${row.shareCents}`,
    });
  }
  for (const part of parts) {
    if (part.plannedCents !== undefined && part.amountCents > part.plannedCents) {
      found.push({
        kind: 'AMOUNT_DIFFERS',
        ...ids,
        detail: `part ${part.index} sends ${part.amountCents} ${row.currency}, more than its planned ${part.plannedCents}`,
      });
    }
  }
  return found;
}

function compareInvoiceWithRow(invoice: PaidInvoice, row: LedgerRow): Mismatch[] {
  const found: Mismatch[] = [];
  const ids = { invoiceId: invoice.id, revenueShareId: row.revenueShareId };
  if (row.amountCents !== invoice.amount_paid) {
    found.push({
      kind: 'AMOUNT_DIFFERS',
      ...ids,
      detail: `ledger amountCents ${row.amountCents}, invoice amount_paid ${invoice.amount_paid}`,
    });
  }
  if (!sameCurrency(row.currency, invoice.currency)) {
    found.push({
      kind: 'CURRENCY_DIFFERS',
      ...ids,
      detail: `ledger currency ${row.currency}, invoice currency ${invoice.currency}`,
    });
  }
  return found;
}

/**
 * A row whose transfers are being made (PENDING): a transfer naming it, or naming a part of it, that it has not recorded
 * yet is one the transfer worker made and will record (it died after its create; the retry gets the same one back).
 * A row in any other status records every transfer it will ever have: one it does not record is UNRECORDED_TRANSFER.
 */
const mayRecordTransfers = (row: LedgerRow): boolean => row.payoutStatus === 'PENDING';

function unrecordedTransfer(row: LedgerRow, transfer: StripeTransfer, part?: number): Mismatch {
  const reversed = transfer.amount_reversed > 0 ? ` (${transfer.amount_reversed} of it reversed)` : '';
  return {
    kind: 'UNRECORDED_TRANSFER',
    invoiceId: row.invoiceId,
    revenueShareId: row.revenueShareId,
    stripeTransferId: transfer.id,
    detail:
      `transfer of ${transfer.amount} ${transfer.currency} to ${transfer.destination ?? 'no destination'}${reversed} ` +
      `names this row${part === undefined ? '' : ` (part ${part})`}, but the ledger records no transfer for it (${row.payoutStatus})`,
  };
}

/**
 * A row split over several charges: every recorded part must be at Stripe, for its amount; nothing else may name it.
 * A part with no transfer recorded is judged as a one-part row is: while the row is PENDING the oldest transfer naming
 * the part is its own, not recorded yet; otherwise a transfer naming it is UNRECORDED_TRANSFER.
 */
function comparePartsWithTransfers(
  row: LedgerRow,
  transfers: readonly StripeTransfer[],
  unread: ReadonlySet<string>,
): Mismatch[] {
  const found: Mismatch[] = [];
  const ids = { invoiceId: row.invoiceId, revenueShareId: row.revenueShareId };
  const parts = row.transferParts ?? [];
  const waiting = row.payoutStatus === 'NEEDS_REVIEW' || row.payoutStatus === 'CLOSED';
  const recorded = new Set(partTransferIds(row));
  const unrecorded = transfers.filter((t) => !recorded.has(t.id));
  const naming = (index: number) => unrecorded.filter((t) => transferPartOf(t.metadata ?? {}) === index);
  // Transfer id -> the part it is the not-yet-recorded transfer of.
  const inFlight = new Map<string, number>();
  for (const part of parts) {
    if (!part.stripeTransferId) {
      const made = mayRecordTransfers(row) ? oldest(naming(part.index)) : undefined;
      if (made) {
        inFlight.set(made.id, part.index);
        // As for a one-part row: it may be the one made for the plan before a refund, recorded at what it sent.
        const madeForPlan = made.amount === part.plannedCents;
        found.push(...compareTransferWithRow(row, made, madeForPlan ? part.plannedCents : part.amountCents));
      } else if (!waiting && part.amountCents > 0 && naming(part.index).length === 0) {
        // A transfer naming the part is reported below (UNRECORDED_TRANSFER), as a one-part row's is.
        found.push({
          kind: 'MISSING_TRANSFER',
          ...ids,
          detail: `part ${part.index} (${part.amountCents} ${row.currency}) of share ${row.shareCents} (${row.payoutStatus}) has no transfer`,
        });
      }
      continue;
    }
    const transfer = transfers.find((t) => t.id === part.stripeTransferId);
    if (!transfer) {
      if (unread.has(part.stripeTransferId)) continue;
      found.push({
        kind: 'MISSING_TRANSFER',
        ...ids,
        stripeTransferId: part.stripeTransferId,
        detail: `ledger records transfer ${part.stripeTransferId} for part ${part.index} (${row.payoutStatus}), Stripe has no such transfer`,
      });
      continue;
    }
    found.push(...compareTransferWithRow(row, transfer, part.amountCents));
  }
  for (const transfer of unrecorded) {
    if (inFlight.has(transfer.id)) continue;
    const index = transferPartOf(transfer.metadata ?? {});
    const part = parts.find((p) => p.index === index);
    const partHasOne =
      part !== undefined && (part.stripeTransferId !== undefined || [...inFlight.values()].includes(part.index));
    if (!partHasOne) {
      found.push(unrecordedTransfer(row, transfer, index));
      continue;
    }
    found.push({
      kind: 'DUPLICATE_TRANSFER',
      ...ids,
      stripeTransferId: transfer.id,
      detail: `transfer of ${transfer.amount} ${transfer.currency} names this row, but is none of its recorded parts`,
    });
  }
  return found;
}

function compareRowWithTransfers(
  row: LedgerRow,
  transfers: readonly StripeTransfer[],
  unread: ReadonlySet<string>,
): Mismatch[] {
  if ((row.transferParts?.length ?? 0) > 1) return comparePartsWithTransfers(row, transfers, unread);
  const found: Mismatch[] = [];
  const ids = { invoiceId: row.invoiceId, revenueShareId: row.revenueShareId };
  const waiting = row.payoutStatus === 'NEEDS_REVIEW' || row.payoutStatus === 'CLOSED';
  // What the row's one transfer is for: its part (made smaller, even to 0, by a refund or a netting before it was
  // made), or the share of a row written before parts.
  const [onlyPart] = row.transferParts ?? [];
  const expectedCents = onlyPart?.amountCents ?? row.shareCents;
  const needsTransfer = expectedCents > 0 && row.payoutStatus !== 'NO_PAYOUT' && !waiting;
  const recorded = row.stripeTransferId ? transfers.find((t) => t.id === row.stripeTransferId) : undefined;

  if (row.stripeTransferId && !recorded) {
    if (!unread.has(row.stripeTransferId)) {
      found.push({
        kind: 'MISSING_TRANSFER',
        ...ids,
        stripeTransferId: row.stripeTransferId,
        detail: `ledger records transfer ${row.stripeTransferId} (${row.payoutStatus}), Stripe has no such transfer`,
      });
    }
  } else if (transfers.length === 0 && needsTransfer) {
    found.push({
      kind: 'MISSING_TRANSFER',
      ...ids,
      detail: `share ${row.shareCents} ${row.currency} (${row.payoutStatus}) has no transfer at Stripe`,
    });
  }
  if (!row.stripeTransferId && !mayRecordTransfers(row)) {
    return [...found, ...transfers.map((transfer) => unrecordedTransfer(row, transfer))];
  }

  // PENDING with none recorded yet: the oldest transfer naming the row is the one its worker made.
  const kept = recorded ?? (row.stripeTransferId ? undefined : oldest(transfers));
  for (const transfer of transfers) {
    if (transfer !== kept) {
      found.push({
        kind: 'DUPLICATE_TRANSFER',
        ...ids,
        stripeTransferId: transfer.id,
        detail: `transfer of ${transfer.amount} ${transfer.currency} names this row, but ${row.stripeTransferId ? `the ledger records ${row.stripeTransferId}` : `${kept?.id} came first`}`,
      });
    }
    // Not recorded yet, it may be the one made for the plan before a refund; its worker records it at what it sent.
    const madeForPlan = !row.stripeTransferId && transfer.amount === onlyPart?.plannedCents;
    found.push(...compareTransferWithRow(row, transfer, madeForPlan ? onlyPart.plannedCents : onlyPart?.amountCents));
  }
  return found;
}

function compareTransferWithRow(row: LedgerRow, transfer: StripeTransfer, partCents?: number): Mismatch[] {
  const found: Mismatch[] = [];
  const ids = { invoiceId: row.invoiceId, revenueShareId: row.revenueShareId, stripeTransferId: transfer.id };
  const expected = partCents ?? row.shareCents;
  if (transfer.amount !== expected) {
    found.push({
      kind: 'AMOUNT_DIFFERS',
      ...ids,
      detail:
        partCents === undefined
          ? `transfer amount ${transfer.amount}, ledger shareCents ${row.shareCents}`
          : `transfer amount ${transfer.amount}, ledger part ${partCents} of shareCents ${row.shareCents}`,
    });
  }
  if (!sameCurrency(transfer.currency, row.currency)) {
    found.push({
      kind: 'CURRENCY_DIFFERS',
      ...ids,
      detail: `transfer currency ${transfer.currency}, ledger currency ${row.currency}`,
    });
  }
  if (transfer.destination !== row.destinationAccountId) {
    found.push({
      kind: 'DESTINATION_DIFFERS',
      ...ids,
      detail: `transfer destination ${transfer.destination ?? 'none'}, ledger destination ${row.destinationAccountId}`,
    });
  }
  // A reversal the ledger records (the clawback's) is checked through the row's net instead (NET_PAID_MISMATCH).
  const recordedReversal = movementsOf(row).some((m) => m.kind === 'REVERSAL' && m.transferId === transfer.id);
  if ((transfer.reversed || transfer.amount_reversed > 0) && !recordedReversal) {
    found.push({
      kind: 'REVERSED',
      ...ids,
      detail: `${transfer.amount_reversed} of ${transfer.amount} ${transfer.currency} reversed at Stripe; ledger status ${row.payoutStatus}`,
    });
  }
  return found;
}

/** Money the day's invoices took outside Stripe, as their ledger rows record it (amount_paid minus collectedCents). */
export interface OutOfBandAmount {
  invoiceId: string;
  revenueShareId: string;
  currency: string;
  amountCents: number;
  collectedCents: number;
  outOfBandCents: number;
  payoutStatus: LedgerRow['payoutStatus'];
}

/** Not a mismatch by itself: a row paid out of band that a person approved is as it should be. */
export function outOfBandAmounts(
  invoices: readonly PaidInvoice[],
  ledgerRows: readonly LedgerRow[],
): OutOfBandAmount[] {
  const days = new Set(invoices.map((invoice) => invoice.id));
  return ledgerRows
    .filter(
      (row) => days.has(row.invoiceId) && row.collectedCents !== undefined && row.collectedCents < row.amountCents,
    )
    .map((row) => ({
      invoiceId: row.invoiceId,
      revenueShareId: row.revenueShareId,
      currency: row.currency,
      amountCents: row.amountCents,
      collectedCents: row.collectedCents ?? 0,
      outOfBandCents: row.amountCents - (row.collectedCents ?? 0),
      payoutStatus: row.payoutStatus,
    }));
}

function groupTransfersByRow(
  transfers: readonly StripeTransfer[],
  rows: readonly LedgerRow[],
): Map<string, StripeTransfer[]> {
  const byRow = new Map<string, StripeTransfer[]>();
  for (const transfer of transfers) {
    const rowId =
      transfer.metadata?.[TRANSFER_ROW_METADATA_KEY] ?? rowRecordingTransfer(rows, transfer.id)?.revenueShareId;
    if (!rowId) continue;
    byRow.set(rowId, [...(byRow.get(rowId) ?? []), transfer]);
  }
  return byRow;
}

function rowRecordingTransfer(rows: readonly LedgerRow[], stripeTransferId: string): LedgerRow | undefined {
  return rows.find((row) => row.stripeTransferId === stripeTransferId);
}

function oldest(transfers: readonly StripeTransfer[]): StripeTransfer | undefined {
  return [...transfers].sort((a, b) => a.created - b.created || a.id.localeCompare(b.id))[0];
}

function isInDay(transfer: StripeTransfer, day: ThreeWayMatchInput['day']): boolean {
  return !day || (transfer.created >= day.gte && transfer.created < day.lt);
}

function sameCurrency(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
