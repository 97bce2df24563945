/** The records this product keeps, as the domain sees them (no storage or provider detail). */

export const AUDIT_STATUSES = ['RECEIVED', 'PROCESSED', 'FAILED', 'IGNORED'] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

/** One row of WebhookAuditLog: what happened to one Stripe event. */
export interface AuditRecord {
  stripeEventId: string;
  eventType: string;
  status: AuditStatus;
  errorMessage?: string;
  districtId?: string;
  invoiceId?: string;
  metadata?: Record<string, string>;
  /** The verified event exactly as Stripe sent it, kept for re-sync after Stripe's retention ends. */
  rawEvent?: string;
  createdAt: string;
  updatedAt: string;
  attempts: number;
  /** While RECEIVED: after this instant another delivery may take the claim over. */
  leaseExpiresAt?: string;
  /** Set once the event is on its queue; an enqueued RECEIVED row is not re-claimed on lease expiry. */
  enqueuedAt?: string;
}

export const PAYOUT_STATUSES = ['PENDING', 'TRANSFER_FAILED', 'PAID', 'REVERSED', 'NO_PAYOUT'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

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
  /** Incremented on every change; conditional updates compare it. */
  version: number;
  /** Transfer attempts started; the idempotency key is derived from (revenueShareId, transferAttempt). */
  transferAttempt: number;
  stripeTransferId?: string;
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
  /** Stripe customer ids whose invoices belong to this district (used when metadata names none). */
  stripeCustomerIds: string[];
  createdAt: string;
  updatedAt: string;
}

export const ALERT_KINDS = [
  'WEBHOOK_ENQUEUE_FAILED',
  'AUDIT_LOG_WRITE_FAILED',
  'EVENT_FAILED',
  'LEDGER_WRITE_FAILED',
  'TRANSFER_FAILED',
  'TRANSFER_MISMATCH',
  'TRANSFER_REVERSED',
  'RESYNC_FAILED',
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
}

export interface TransferMessage {
  revenueShareId: string;
  /** The attempt this message may execute; a stale attempt is dropped. */
  transferAttempt: number;
}

export interface MarkPaidMessage {
  revenueShareId: string;
}
