/**
 * Metric names the functions publish and the stack watches. Except where a comment says otherwise, the
 * alarms and the dashboard read them with Metrics Insights queries (`SELECT SUM(name) FROM DistrictPayouts`),
 * so the dimensions a function attaches (service, kind, ...) do not matter: the namespace and name do.
 */
export const METRICS_NAMESPACE = 'DistrictPayouts';

export const metricNames = {
  /**
   * One per financial alert, published by the financial-alert function twice: with no dimensions (the
   * on-call alarm watches that one) and by `kind` (the dashboard).
   */
  financialAlerts: 'FinancialAlerts',
  /** One per audit row set to FAILED (any dimensions). Pages. */
  webhookEventsFailed: 'WebhookEventsFailed',
  /** Webhook outcomes published by the stripe-webhook function, shown on the dashboard. */
  webhookEventEnqueued: 'WebhookEventEnqueued',
  webhookEventDuplicate: 'WebhookEventDuplicate',
  webhookEventIgnored: 'WebhookEventIgnored',
  webhookRejected: 'WebhookRejected',
  webhookUnavailable: 'WebhookUnavailable',
  /** The platform API could not reach DynamoDB or SQS (answered 503). */
  platformApiUnavailable: 'PlatformApiUnavailable',
  /** Ledger and payout outcomes, shown on the dashboard. */
  revenueSharesCreated: 'RevenueSharesCreated',
  transfersCreated: 'TransfersCreated',
  transfersFailed: 'TransfersFailed',
  payoutsPaid: 'PayoutsPaid',
  payoutsReversed: 'PayoutsReversed',
  /** A record Stripe still rate limited after the client's wait, put back on its queue (weather: never pages). */
  stripeRateLimitedRequeues: 'StripeRateLimitedRequeues',
  // The ones below are published with no dimensions: their alarms watch the series directly, not through Metrics
  // Insights, whose alarms look back three hours at most (too short for the invoice.paid silence alarm).
  /** One per delivery refused for its Stripe-Signature (stripe-webhook). */
  webhookSignatureRejected: 'WebhookSignatureRejected',
  /** One per invoice.paid event put on the revenue-share queue (stripe-webhook, catch-up): its absence is silence. */
  invoicePaidAccepted: 'InvoicePaidAccepted',
  /** Per catch-up run: events Stripe could not deliver that the audit log did not have (replayed). */
  catchUpEventsUndelivered: 'CatchUpEventsUndelivered',
  /** Per catch-up run: routed events of the look-back window that the audit log did not have (replayed). */
  catchUpEventsMissing: 'CatchUpEventsMissing',
  /** Per catch-up run: events put back on the queue (found missing, or FAILED/stuck rows re-synced). */
  catchUpEventsReplayed: 'CatchUpEventsReplayed',
  /**
   * Per catch-up run: FAILED and stuck RECEIVED audit rows created before its 30-day re-sync look-back, which no run
   * replays (or pages about) any more. Pages while above 0.
   */
  catchUpEventsNotResynced: 'CatchUpEventsNotResynced',
  /** Per catch-up run: 1 when it ran out of time or Stripe pages (or Stripe failed) with work left. */
  catchUpTruncated: 'CatchUpTruncated',
  /** Per catch-up run: 1 when this stack's webhook endpoint at Stripe is `enabled`, 0 when disabled or missing. */
  webhookEndpointEnabled: 'WebhookEndpointEnabled',
  /** Per scheduled reconcile: mismatches found for the day. */
  reconcileMismatches: 'ReconcileMismatches',
  /** Published by the stack's log metric filters (not by code): lines carrying the marker below. */
  financialAlertsUndelivered: 'FinancialAlertsUndelivered',
} as const;

/** Logged (in one structured error line) when a financial alert could not even be sent to its queue. */
export const FINANCIAL_ALERT_UNDELIVERED_MARKER = 'FINANCIAL_ALERT_UNDELIVERED';
