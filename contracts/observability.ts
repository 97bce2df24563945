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
  /** Published by the stack's log metric filters (not by code): lines carrying the marker below. */
  financialAlertsUndelivered: 'FinancialAlertsUndelivered',
} as const;

/** Logged (in one structured error line) when a financial alert could not even be sent to its queue. */
export const FINANCIAL_ALERT_UNDELIVERED_MARKER = 'FINANCIAL_ALERT_UNDELIVERED';
