/**
 * What the domain needs from the outside world. Adapters (DynamoDB, SQS, Stripe, alerts) implement
 * these; handlers hand them in, so tests can pass real or fake ones.
 */
import type {
  AlertKind,
  AuditRecord,
  AuditStatus,
  FinancialAlert,
  MarkPaidMessage,
  ProcessEventMessage,
  TransferMessage,
} from './model.js';

export interface Clock {
  now(): Date;
}

export interface ClaimRequest {
  stripeEventId: string;
  eventType: string;
  rawEvent: string;
  now: Date;
  leaseSeconds: number;
}

export type ClaimOutcome = { claimed: true; attempts: number } | { claimed: false; existingStatus?: AuditStatus };

export interface AuditLog {
  /**
   * Conditional put: succeeds when no row exists, the row is FAILED, or it is an un-enqueued RECEIVED row
   * whose lease has expired. Anything else is a duplicate.
   */
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  markEnqueued(stripeEventId: string, now: Date): Promise<void>;
  markIgnored(stripeEventId: string, now: Date): Promise<void>;
  markProcessed(
    stripeEventId: string,
    now: Date,
    details?: { districtId?: string; invoiceId?: string; metadata?: Record<string, string> },
  ): Promise<void>;
  markFailed(
    stripeEventId: string,
    errorMessage: string,
    now: Date,
    details?: { districtId?: string; invoiceId?: string; eventType?: string },
  ): Promise<void>;
  get(stripeEventId: string): Promise<AuditRecord | undefined>;
  listByStatus(status: AuditStatus, since: Date, limit?: number): Promise<AuditRecord[]>;
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
