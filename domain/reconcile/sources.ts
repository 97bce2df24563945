/**
 * What reconcile reads, as ports: the Stripe side (paid invoices by paid date, transfers by creation) and the ledger
 * side (rows, listed or by id). The CLI reads the ledger through the platform API, the scheduled function through the
 * tables; both read Stripe through adapters/stripe/reconcile-source.ts.
 */
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
   * These transfers by id (each with its amount_reversed: Stripe's sum of its reversals): the transfers a clawed-back
   * row records (its parts, its re-payments) that the day's listing does not hold. A source without it leaves such a
   * row's net unchecked.
   */
  retrieveTransfers?(ids: readonly string[]): Promise<StripeTransfer[]>;
}

/** The ledger as reconcile reads it. A listing may stop at a bound: the rows it misses are looked up by id. */
export interface ReconcileLedger {
  /**
   * Rows created at or after `since` that the reader lists (the scheduled reconcile: those waiting for a person;
   * as many as its bound allows, more is fine). Rows it leaves out are looked up by id.
   */
  recentRows(since: Date): Promise<LedgerRow[]>;
  /** The row with this id, or undefined when there is none (or the id cannot be a row's). */
  row(revenueShareId: string): Promise<LedgerRow | undefined>;
}
