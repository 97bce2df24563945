/**
 * What the domain needs from the outside world. Adapters (DynamoDB, SQS, Stripe, alerts) implement
 * these; handlers hand them in, so tests can pass real or fake ones.
 */

import type { ChargeSnapshot } from './clawback/charge-state.js';
import type { ClawbackIntent } from './clawback/clawback-intent.js';
import type { MoneyMovement } from './clawback/money-movements.js';
import type {
  AlertKind,
  AuditListPosition,
  AuditRecord,
  AuditStatus,
  DestinationChange,
  District,
  FinancialAlert,
  ListedAuditStatus,
  MarkPaidMessage,
  PayoutStatus,
  ProcessEventMessage,
  RevenueShare,
  ReviewDecision,
  SourceCharge,
  TransferMessage,
  TransferPart,
} from './model.js';

export interface Clock {
  now(): Date;
}

export interface ClaimRequest {
  stripeEventId: string;
  eventType: string;
  /** Stored on the row only when given (an event too large for its queue message). */
  rawEvent?: string;
  now: Date;
  leaseSeconds: number;
}

export type ClaimOutcome = { claimed: true; attempts: number } | { claimed: false; existingStatus?: AuditStatus };

export interface AuditLog {
  /**
   * Conditional put: succeeds when no row exists, the row is FAILED, or it is a RECEIVED row whose lease has
   * expired. Anything else is a duplicate.
   */
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  markIgnored(stripeEventId: string, now: Date): Promise<void>;
  markProcessed(
    stripeEventId: string,
    now: Date,
    details?: { districtId?: string; invoiceId?: string; metadata?: Record<string, string> },
  ): Promise<void>;
  /**
   * `rawEvent`: kept on the FAILED row, so re-sync can replay it after Stripe's 30-day retention. `claimAttempt`: only
   * while the row is still RECEIVED in that claim (its attempts); a row someone else moved on since (processed it,
   * marked it FAILED, re-claimed it) is left as it is, and ClaimMovedOnError says so.
   */
  markFailed(
    stripeEventId: string,
    errorMessage: string,
    now: Date,
    details?: { districtId?: string; invoiceId?: string; eventType?: string; rawEvent?: string; claimAttempt?: number },
  ): Promise<void>;
  get(stripeEventId: string): Promise<AuditRecord | undefined>;
  /** Open rows (RECEIVED or FAILED) created at or after `since` (and after the row at `after`), oldest first. */
  listByStatus(
    status: ListedAuditStatus,
    since: Date,
    limit?: number,
    after?: AuditListPosition,
  ): Promise<AuditRecord[]>;
}

/** A claim's markFailed found its row moved on by someone else: `status` is what the row is now. */
export class ClaimMovedOnError extends Error {
  override readonly name = 'ClaimMovedOnError';
  constructor(
    readonly stripeEventId: string,
    readonly status: AuditStatus | undefined,
  ) {
    super(`The audit row of ${stripeEventId} is no longer RECEIVED in this claim (now ${status ?? 'unknown'})`);
  }
}

export interface SendOptions {
  /** Messages with the same id within five minutes are delivered once (FIFO queues). */
  deduplicationId: string;
  /** Messages of one group are delivered in order, one at a time (FIFO queues). */
  groupId: string;
}

export interface MessageQueue<T> {
  send(message: T, options: SendOptions): Promise<void>;
}

export interface Queues {
  processEvent: MessageQueue<ProcessEventMessage>;
  transfer: MessageQueue<TransferMessage>;
  markPaid: MessageQueue<MarkPaidMessage>;
}

/** Must not depend on DynamoDB: an alert has to get out when the tables are down. */
export interface AlertSink {
  raise(alert: FinancialAlert): Promise<void>;
}

export type AlertInput = Omit<FinancialAlert, 'occurredAt' | 'severity'> & { severity?: FinancialAlert['severity'] };
export type { AlertKind };

// ---------------------------------------------------------------------------------------------------------------
// Ledger, districts and the payment provider (added with the payout workers).

/**
 * `existing`: the invoice's row already exists, of this district (a redelivery). `invoiceTakenBy`: the invoice's row
 * already exists, of another district: one invoice pays one district.
 */
export type CreateLedgerRowOutcome =
  | { created: true; row: RevenueShare }
  | { created: false; existing: RevenueShare }
  | { created: false; invoiceTakenBy: { revenueShareId: string; districtId: string } };

/** Fields a conditional update may change. `lastError: null` removes the attribute. Version is always incremented. */
export interface LedgerChanges {
  payoutStatus?: PayoutStatus;
  transferAttempt?: number;
  lastError?: string | null;
  paidAt?: string;
  /**
   * Replaces the plan (only on a row with no transfer recorded yet: an approval plans its parts). null removes it,
   * as `decision: null` removes the decision: an approval whose transfer could not be queued is put back so.
   */
  transferParts?: TransferPart[] | null;
  decision?: ReviewDecision | null;
  /**
   * Only on a row no money went to yet, with destinationChanges (the whole history; null removes it) saying who moved
   * it and why.
   */
  destinationAccountId?: string;
  destinationChanges?: DestinationChange[] | null;
  /** The clawback's fields (domain/clawback): the whole history, the intent (null removes it), derived totals. */
  moneyHistory?: MoneyMovement[];
  clawbackIntent?: ClawbackIntent | null;
  reversedCents?: number;
  netPaidCents?: number;
  owedCents?: number;
  updatedAt: string;
}

export interface LedgerUpdate {
  revenueShareId: string;
  /** The version the caller read; the update happens only if the row still has it. */
  expectedVersion: number;
  /** When set, the update also requires this payout status. */
  expectedStatus?: PayoutStatus;
  changes: LedgerChanges;
}

/** A lost condition is an outcome, not an error: `current` is the row as it is now (undefined if it does not exist). */
export type LedgerUpdateOutcome = { updated: true; row: RevenueShare } | { updated: false; current?: RevenueShare };

export interface RecordTransferRequest {
  revenueShareId: string;
  expectedVersion: number;
  stripeTransferId: string;
  /**
   * The transfer part it pays (transferParts[partIndex], which must exist). The first part recorded also names the
   * row's transfer (stripeTransferId), decided by the stored row in the same write.
   */
  partIndex: number;
  /**
   * Also sets the part's amountCents: the transfer found at Stripe was made for the part's plan before a refund made
   * it smaller (its amount, at most the part's share, is what was sent; the clawback then reverses the rest).
   */
  amountCents?: number;
  /**
   * The status the row takes (default PENDING). REVERSED keeps a row that a refund cancelled before its transfer was
   * recorded as it is, while the transfer made meanwhile is recorded so it can be reversed.
   */
  status?: Extract<PayoutStatus, 'PENDING' | 'REVERSED'>;
  now: Date;
}

/**
 * `row_changed`: the ledger row no longer has the version read or already has a transfer id.
 * `transfer_id_taken`: the guard item says another row already owns this transfer id.
 */
export type RecordTransferOutcome =
  | { recorded: true; row: RevenueShare }
  | { recorded: false; reason: 'row_changed'; current?: RevenueShare }
  | { recorded: false; reason: 'transfer_id_taken'; ownerRevenueShareId: string };

export interface LedgerQuery {
  districtId?: string;
  payoutStatus?: PayoutStatus;
  /** Only rows created at or after this instant. */
  since?: Date;
  /** At most this many rows (default 100), newest first. */
  limit?: number;
}

export interface LedgerStore {
  /**
   * The row, put only if absent (one per revenueShareId, derived from the invoice: one row per invoice, whichever
   * district). A row funded by a charge without a payment intent is preceded by its pointer item `charge#<id>`
   * (findByChargeId); any other row is written alone.
   */
  create(row: RevenueShare): Promise<CreateLedgerRowOutcome>;
  /** Strongly consistent read. */
  get(revenueShareId: string): Promise<RevenueShare | undefined>;
  update(update: LedgerUpdate): Promise<LedgerUpdateOutcome>;
  /**
   * Puts the guard item `transfer#<id>` unless another row owns that id, then sets
   * transferParts[partIndex].stripeTransferId (also stripeTransferId when the row has none yet; and payoutStatus
   * PENDING, clears lastError) on the row if it still has `expectedVersion` and that part no transfer id.
   */
  recordTransfer(request: RecordTransferRequest): Promise<RecordTransferOutcome>;
  /** The row that records a transfer id, found through its guard item. */
  findByTransferId(stripeTransferId: string): Promise<RevenueShare | undefined>;
  /**
   * The rows a charge made without a payment intent funded, found through the pointer item `charge#<id>` that
   * `create` puts before such a row (Stripe leads from that charge to no invoice). A pointer whose row was never
   * written finds nothing; the caller checks each row's source charges name the charge.
   */
  findByChargeId(chargeId: string): Promise<RevenueShare[]>;
  list(query: LedgerQuery): Promise<RevenueShare[]>;
}

/** The ledger rows of a district that still owe something (owedCents > 0): what its next payouts net. */
export interface DebtLedger {
  listOwing(districtId: string): Promise<RevenueShare[]>;
}

/** What the clawback asks of the payment provider. A refusal is a permanent PaymentProviderError. */
export interface ClawbackProvider {
  /** The charge now: amount, amount_refunded (failed refunds are out of it) and its disputes. */
  chargeSnapshot(chargeId: string): Promise<ChargeSnapshot>;
  /** The invoices a payment intent paid: its paid invoice payments. */
  invoicesPaidWith(paymentIntentId: string): Promise<string[]>;
  /** transfers.createReversal; the same key returns the same reversal (or the same stored refusal). */
  createReversal(
    transferId: string,
    amountCents: number,
    metadata: Record<string, string>,
    idempotencyKey: string,
  ): Promise<{ id: string }>;
  createTransfer(request: TransferRequest, idempotencyKey: string): Promise<ProviderTransfer>;
  /** The reversals of a transfer, newest first (what a reversal whose key may have expired already made). */
  findReversals(transferId: string): Promise<ProviderReversal[]>;
  /** Every transfer made with this transfer group, oldest first (what a re-payment already made). */
  findTransfersByGroup(transferGroup: string): Promise<ProviderTransfer[]>;
}

/** A reversal of a transfer as the provider has it. */
export interface ProviderReversal {
  id: string;
  transferId: string;
  amountCents: number;
  metadata: Record<string, string>;
}

export interface DistrictStore {
  get(districtId: string): Promise<District | undefined>;
  put(district: District): Promise<void>;
  list(): Promise<District[]>;
  /** Every district whose stripeCustomerIds include this customer (more than one is a configuration error). */
  findByCustomerId(customerId: string): Promise<District[]>;
}

/** What the domain asks a payment provider to move; amounts in integer minor units. */
export interface TransferRequest {
  amountCents: number;
  currency: string;
  destinationAccountId: string;
  transferGroup: string;
  metadata: Record<string, string>;
  description?: string;
  /** The charge (`ch_...`) that funds the transfer; absent: the platform's available balance pays it. */
  sourceTransaction?: string;
}

/** A transfer as the provider reports it (provider-neutral). */
export interface ProviderTransfer {
  id: string;
  amountCents: number;
  amountReversedCents: number;
  reversed: boolean;
  currency: string;
  destinationAccountId: string;
  transferGroup?: string;
  metadata: Record<string, string>;
  /** The charge that funds it, when it names one. */
  sourceTransaction?: string;
  /** Seconds since the epoch. */
  created: number;
}

/** The money an invoice's payments collected through Stripe charges (not out of band, not credit). */
export interface InvoiceCharges {
  /** Succeeded charges of the invoice's paid payments, oldest first, each with what it paid of this invoice. */
  charges: SourceCharge[];
  /**
   * Each of those charges as Stripe has it now (refunded, disputed), read with the payments: a refund or dispute
   * that came before the ledger row is netted from its plan as the clawback would (domain/payouts/transfer-plan.ts).
   */
  chargeStates: ChargeSnapshot[];
}

/** Reads how an invoice was paid. A provider error is a PaymentProviderError (never an empty answer). */
export interface InvoicePaymentReader {
  chargesOf(invoiceId: string, currency: string): Promise<InvoiceCharges>;
}

export interface PaymentProvider {
  /** The same idempotency key returns the same result (success or stored error) while the provider keeps it. */
  createTransfer(request: TransferRequest, idempotencyKey: string): Promise<ProviderTransfer>;
  /** Every transfer made with this transfer group, oldest first. */
  findTransfersByGroup(transferGroup: string): Promise<ProviderTransfer[]>;
  retrieveTransfer(transferId: string): Promise<ProviderTransfer>;
}

/**
 * A provider error, classified. `permanent`: repeating the same request cannot succeed (invalid request,
 * insufficient balance, permission); otherwise (connection, rate limit, 5xx) a retry may succeed.
 */
export class PaymentProviderError extends Error {
  constructor(
    readonly permanent: boolean,
    readonly code: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'PaymentProviderError';
  }
}
