/** The records this product keeps, as the domain sees them (no storage or provider detail). */
import type { ClawbackIntent } from './clawback/clawback-intent.js';
import type { DisputePolicy } from './clawback/dispute-policy.js';
import type { MoneyMovement } from './clawback/money-movements.js';

export const AUDIT_STATUSES = ['RECEIVED', 'PROCESSED', 'FAILED', 'IGNORED'] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];
/** The statuses the audit log lists (rows still open); a PROCESSED or IGNORED row is read by its event id. */
export const LISTED_AUDIT_STATUSES = ['RECEIVED', 'FAILED'] as const satisfies readonly AuditStatus[];
export type ListedAuditStatus = (typeof LISTED_AUDIT_STATUSES)[number];
export const isListedAuditStatus = (status: AuditStatus): status is ListedAuditStatus =>
  (LISTED_AUDIT_STATUSES as readonly AuditStatus[]).includes(status);

/** Where a listing of open rows (by creation time) stopped: the next listing starts after this row. */
export interface AuditListPosition {
  createdAt: string;
  stripeEventId: string;
}

/** One row of WebhookAuditLog: what happened to one Stripe event. */
export interface AuditRecord {
  stripeEventId: string;
  eventType: string;
  status: AuditStatus;
  errorMessage?: string;
  districtId?: string;
  invoiceId?: string;
  metadata?: Record<string, string>;
  /**
   * The verified event exactly as Stripe sent it, kept for re-sync after Stripe's retention ends: on FAILED rows,
   * and on a claim whose event is too large to travel in its queue message.
   */
  rawEvent?: string;
  createdAt: string;
  updatedAt: string;
  attempts: number;
  /**
   * While RECEIVED: after this instant another delivery (Stripe's retry, re-sync) may take the claim over and enqueue
   * the event again; if the first message is still queued, the worker skips whichever comes second.
   */
  leaseExpiresAt?: string;
}

export const PAYOUT_STATUSES = [
  'PENDING',
  'TRANSFER_FAILED',
  'PAID',
  'REVERSED',
  'NO_PAYOUT',
  'NEEDS_REVIEW',
  'CLOSED',
  'PARTIALLY_REVERSED',
] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];
/** The statuses that wait for a person (retry, approve or close): the ledger indexes these rows by status. */
export const ATTENTION_STATUSES = ['TRANSFER_FAILED', 'NEEDS_REVIEW'] as const satisfies readonly PayoutStatus[];
export const needsAttention = (status: PayoutStatus): boolean =>
  (ATTENTION_STATUSES as readonly PayoutStatus[]).includes(status);
/** A row that was paid (verified): its status follows what was taken back since (PAID, partly or fully reversed). */
export const isPaidStatus = (status: PayoutStatus): boolean =>
  status === 'PAID' || status === 'PARTIALLY_REVERSED' || status === 'REVERSED';

/** A Stripe charge that paid (part of) the invoice: what it collected for this invoice, in the invoice currency. */
export interface SourceCharge {
  chargeId: string;
  amountCents: number;
  /**
   * A legacy charge made without a payment intent. Stripe finds a charge's invoice payments only through its payment
   * intent (and a basil charge names no invoice), so a refund or dispute of this charge is traced to its row only by
   * the ledger's pointer item for the charge (written with the row): a row funded by one is never paid automatically
   * (it waits for review).
   */
  withoutPaymentIntent?: true;
}

/**
 * One transfer of a row's share. A row funded by charges has one part per charge, each naming its charge
 * (`source_transaction`) and never more than it; money a person approved that did not come through a charge is one
 * part without a source charge, paid from the platform balance. Parts add up exactly to shareCents.
 */
export interface TransferPart {
  /** 0, 1, ...: the part's place in the plan; the idempotency key and transfer metadata carry it. */
  index: number;
  amountCents: number;
  /** `ch_...` this part is funded by; absent: paid from the platform balance (a person approved it). */
  sourceChargeId?: string;
  /** Set once the transfer is made and recorded (with its guard item). */
  stripeTransferId?: string;
  /** The part's share before a refund that came first made its transfer smaller (amountCents is then what is sent). */
  plannedCents?: number;
}

/** A person's decision on a row that waited for review: who, why, when. */
export interface ReviewDecision {
  action: 'approve' | 'close';
  /** Who decided, as the operator named themselves. */
  by: string;
  reason: string;
  at: string;
  /** The authenticated caller of the platform API (an IAM ARN when deployed), when known. */
  callerArn?: string;
}

/**
 * A change of the account a row pays (destinationAccountId), made before any money went to the one it paid: a retry
 * moved the row to its district's current account (domain/platform/account-move.ts), or the transfer worker moved it
 * back because the transfer group showed a transfer already made to the account it paid before.
 */
export interface DestinationChange {
  from: string;
  to: string;
  /** Who moved it: the operator as they named themselves, or `transfer worker`. */
  by: string;
  reason: string;
  at: string;
  /** The authenticated caller of the platform API (an IAM ARN when deployed), when known. */
  callerArn?: string;
}

/** One ledger row: a district's share of one paid invoice. Amounts are integer minor units (cents). */
export interface RevenueShare {
  revenueShareId: string;
  districtId: string;
  invoiceId: string;
  stripeEventId: string;
  amountCents: number;
  currency: string;
  shareBps: number;
  shareCents: number;
  payoutStatus: PayoutStatus;
  destinationAccountId: string;
  /** Every change of destinationAccountId since the row was written, oldest first. */
  destinationChanges?: DestinationChange[];
  /** Incremented on every change; conditional updates compare it. */
  version: number;
  /** Transfer attempts started; the idempotency key is derived from (revenueShareId, transferAttempt). */
  transferAttempt: number;
  /** The first part's transfer (the only one when one charge paid the invoice). */
  stripeTransferId?: string;
  /**
   * What the invoice's Stripe charges collected for it (Σ sourceCharges); amountCents - collectedCents was paid
   * outside Stripe. Absent only on rows written before charges were read.
   */
  collectedCents?: number;
  /** The charges that paid the invoice, oldest first. */
  sourceCharges?: SourceCharge[];
  /** The transfers that pay shareCents: planned when the row is payable, each recorded once made. */
  transferParts?: TransferPart[];
  /** Why the row waits for a person (NEEDS_REVIEW), e.g. money paid out of band. Kept after the decision. */
  reviewReason?: string;
  /** The person's decision on a NEEDS_REVIEW row (approve: pay; close: never pay). */
  decision?: ReviewDecision;
  /** Money that came back (domain/clawback): reversals, re-payments, owed and netted amounts, each with its cause. */
  moneyHistory?: MoneyMovement[];
  /** A clawback request written before it is sent to Stripe, so a retry sends the same key and amount. */
  clawbackIntent?: ClawbackIntent;
  /** Of shareCents, what was taken back (reversed, never transferred, or owed); derived from moneyHistory. */
  reversedCents?: number;
  /** shareCents − reversedCents. */
  netPaidCents?: number;
  /** What the district still owes on this row (a reversal Stripe refused). */
  owedCents?: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  paidAt?: string;
}

/** A school district's payout configuration. */
export interface District {
  districtId: string;
  /** Stripe Connect account the share is transferred to (`acct_...`). */
  stripeAccountId: string;
  /** Share of each paid invoice in basis points (0..10000). */
  shareBps: number;
  /** Lower-case ISO currency; invoices in another currency FAIL. */
  currency: string;
  autoTransfer: boolean;
  /**
   * Opt-in (default false): pay the share of money paid outside Stripe (out of band) automatically, from the
   * platform balance. Off or absent: such a row waits for a person (NEEDS_REVIEW).
   */
  autoPayOutOfBand?: boolean;
  /** Stripe customer ids whose invoices belong to this district (used when metadata names none). */
  stripeCustomerIds: string[];
  /** What a dispute does to the district's share (domain/clawback/dispute-policy.ts); absent: REVERSE_ON_DISPUTE. */
  disputePolicy?: DisputePolicy;
  createdAt: string;
  updatedAt: string;
}

export const ALERT_KINDS = [
  'WEBHOOK_ENQUEUE_FAILED',
  'AUDIT_LOG_WRITE_FAILED',
  'EVENT_FAILED',
  'TRANSFER_FAILED',
  'TRANSFER_MISMATCH',
  'TRANSFER_REVERSED',
  'RESYNC_FAILED',
  'PAYOUT_NEEDS_REVIEW',
  /** The daily reconcile found mismatches of one kind (the kind and its count are in the message). */
  'RECONCILE_MISMATCH',
  'REVERSAL_REFUSED',
  /** Stripe refused a re-payment (money given back to a district): the district is owed it (domain/clawback). */
  'REPAYMENT_REFUSED',
  'DISPUTE_OPENED',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertSeverity = 'critical' | 'warning';

/** Raised whenever money could be wrong; every alert pages on-call through the FinancialAlerts metric. */
export interface FinancialAlert {
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  stripeEventId?: string;
  districtId?: string;
  invoiceId?: string;
  revenueShareId?: string;
  occurredAt: string;
}

/** Queue messages. Each is small: the data lives in the tables, the message only names it. */
export interface ProcessEventMessage {
  stripeEventId: string;
  eventType: string;
  /**
   * The verified event as Stripe sent it. The webhook carries it here rather than on the audit row, so the claim
   * stays a small item; absent (an event too large for a message), the worker reads it from the audit row.
   */
  rawEvent?: string;
}

export interface TransferMessage {
  revenueShareId: string;
  /** The attempt this message may execute; a stale attempt is dropped. */
  transferAttempt: number;
}

export interface MarkPaidMessage {
  revenueShareId: string;
}
