/**
 * What reconcile reads, as ports: the Stripe side (paid invoices by paid date, transfers by creation, and the day's
 * money events with the charges they name) and the ledger side (rows, listed or by id; districts). The CLI reads the
 * ledger and the districts through the platform API, the scheduled function through the tables; both read Stripe
 * through adapters/stripe/reconcile-source.ts.
 */
import type { ChargeSnapshot } from '../clawback/charge-state.js';
import type { District, RevenueShare } from '../model.js';
import type { StoredEvent } from '../revenue-share/stripe-event.js';
import type { LedgerRow, PaidInvoice, StripeTransfer } from './three-way-match.js';

/** Unix-seconds range [gte, lt), as Stripe's `created` filter takes it. */
export interface CreatedRange {
  gte: number;
  lt: number;
}

export interface ReconcileStripeSource {
  /** The invoices whose `status_transitions.paid_at` falls in the range. */
  paidInvoices(paid: CreatedRange): Promise<PaidInvoice[]>;
  transfers(created: CreatedRange): Promise<StripeTransfer[]>;
  /**
   * These transfers by id (each with its amount_reversed: Stripe's sum of its reversals), one request each: the
   * transfers the checked rows record (their parts, their re-payments) that the day's listing does not hold
   * (domain/reconcile/unlisted-transfers.ts). An id Stripe does not have is left out, not an error. A source without
   * it judges the rows by the listing alone (an earlier day's part looks missing, a clawed-back row's net unchecked).
   */
  retrieveTransfers?(ids: readonly string[]): Promise<StripeTransfer[]>;
  /**
   * The events of these types created in the range, every page. With chargeSnapshot and invoicesPaidWith (the
   * clawback's own reads of a charge: domain/ports.ts ClawbackProvider) it lets reconcile check that the money that
   * went back that day was clawed back; a source without the three leaves that unchecked.
   */
  events?(types: readonly string[], created: CreatedRange): Promise<StoredEvent[]>;
  chargeSnapshot?(chargeId: string): Promise<ChargeSnapshot>;
  invoicesPaidWith?(paymentIntentId: string): Promise<string[]>;
}

/** The ledger as reconcile reads it. A listing may stop at a bound: the rows it misses are looked up by id. */
export interface ReconcileLedger {
  /**
   * Rows created at or after `since` that the reader lists (the scheduled reconcile: those of its one listing,
   * ScheduledReconcileLedger; as many as its bound allows, more is fine). Rows it leaves out are looked up by id.
   */
  recentRows(since: Date): Promise<LedgerRow[]>;
  /** The row with this id, whole (the clawback check reads its parts and history), or undefined when there is none. */
  row(revenueShareId: string): Promise<RevenueShare | undefined>;
}

/**
 * The scheduled reconcile's ledger: its one listing is every row waiting for a person (NEEDS_REVIEW,
 * TRANSFER_FAILED), whatever its day, newest first, as many as the reader's bound allows. A run lists it once: the
 * day's recent rows are those of it created since the listing's start, and it reminds of each (waiting-reminders.ts).
 */
export interface ScheduledReconcileLedger extends Pick<ReconcileLedger, 'row'> {
  waitingRows(): Promise<WaitingRow[]>;
}

/** A row waiting for a person, with what a reminder says of it. */
export type WaitingRow = LedgerRow & Pick<RevenueShare, 'createdAt' | 'updatedAt' | 'lastError'>;

/** The districts as reconcile reads them: the dispute policy a clawback target depends on. */
export interface ReconcileDistricts {
  get(districtId: string): Promise<Pick<District, 'disputePolicy'> | undefined>;
}
