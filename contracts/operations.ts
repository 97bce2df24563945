/**
 * The defaults of the stack's scheduled work and of the alarms that watch for lost events. The CDK stack reads its
 * context with these as defaults (lib/config.ts) and hands the functions the values in force through their
 * environment; the local stack hands them these.
 */

export const catchUpDefaults = {
  /** How often the catch-up runs (minutes; context `catchUpIntervalMinutes`). */
  intervalMinutes: 15,
  /** Routed events created this many hours back are checked against the audit log (`catchUpLookbackHours`). */
  lookbackHours: 3,
  /** Events Stripe could not deliver are looked for this far back: Stripe retries for 3 days in live mode. */
  undeliveredLookbackHours: 72,
  /** Events younger than this are left to the delivery under way. */
  settleSeconds: 300,
  /** Stripe list pages (100 events each) per run (`catchUpMaxStripePages`). */
  maxStripePages: 10,
  /** FAILED and stuck RECEIVED audit rows replayed per run. */
  maxReplays: 50,
} as const;

export const alarmDefaults = {
  /** Deliveries refused for their signature within 5 minutes that page (`rejectedDeliveriesThreshold`). */
  rejectedDeliveriesThreshold: 5,
  /** Hours without an accepted invoice.paid that page (`invoicePaidSilenceHours`; "off" turns the alarm off). */
  invoicePaidSilenceHours: 24,
} as const;

/** The reconcile runs daily at this UTC time, for the previous UTC day (`reconcileScheduleUtc`, "HH:MM"). */
export const RECONCILE_DEFAULT_TIME_UTC = '02:30';
