/**
 * The daily reconcile (an EventBridge schedule invokes it; `aws lambda invoke` may too, with any payload): the
 * previous UTC day by paid date and a reminder of every row still waiting for a person, one financial alert per
 * mismatch kind (domain/reconcile/scheduled-reconcile.ts), the day's mismatch count (reminders not included) as the
 * dimensionless ReconcileMismatches metric (0 on a day that reconciles) and one log line.
 * A Stripe or DynamoDB error fails the invocation (the function's error alarm pages; Lambda retries a failed run once). The
 * day is the one before the scheduled event's `time` (a retry after midnight reconciles the same day), or before the
 * clock's for any other payload.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import type { AlertSink, Clock } from '../../domain/ports.js';
import { countByKind, runScheduledReconcile } from '../../domain/reconcile/scheduled-reconcile.js';
import type {
  ReconcileDistricts,
  ReconcileStripeSource,
  ScheduledReconcileLedger,
} from '../../domain/reconcile/sources.js';
import type { SecretSource } from '../commons/config.js';
import { publishDimensionless } from '../commons/metrics.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { stripeApiKeyMiddleware } from '../commons/secrets.js';

export interface ReconcileHandlerDeps {
  observability: Observability;
  stripeApiKey: SecretSource;
  /** Stripe for one invocation, built from the API key the secret middleware put on the context. */
  stripe: (context: Context) => ReconcileStripeSource;
  ledger: ScheduledReconcileLedger;
  /** The districts' dispute policies, for the clawback check of the day's refunded and disputed charges. */
  districts: ReconcileDistricts;
  alerts: AlertSink;
  clock: Clock;
}

/** What an invocation returns (and logs): the day and its counts, never the rows. */
export interface ReconcileRunSummary {
  date: string;
  paidInvoices: number;
  ledgerRows: number;
  transfers: number;
  /** Transfers of the checked rows outside the day's listing, read by id (one Stripe request each). */
  transfersReadById: number;
  /** Such transfers past the bound, not read: their rows are not fully checked (a NOT_FULLY_CHECKED mismatch). */
  transfersUnread?: number;
  /** Charges the day's money events name, each checked against its clawback target. */
  moneyEventCharges?: number;
  /** The day's mismatches (the ReconcileMismatches metric). */
  mismatches: number;
  mismatchesByKind: Record<string, number>;
  /** Rows still waiting for a person, of any day, reminded of (AWAITING_REVIEW, AWAITING_RETRY; kinds with none left out). */
  remindersByKind: Record<string, number>;
  outOfBand: number;
  alertsRaised: number;
}

export function createReconcileHandler({ observability, stripeApiKey, stripe, ...deps }: ReconcileHandlerDeps) {
  const { logger, metrics } = observability;

  const run = async (event: unknown, context: Context): Promise<ReconcileRunSummary> => {
    const { report, counts, reminders, alertsRaised } = await runScheduledReconcile(
      { ...deps, stripe: stripe(context) },
      scheduledTime(event),
    );
    publishDimensionless(metrics, metricNames.reconcileMismatches, report.mismatches.length);
    const summary: ReconcileRunSummary = {
      date: report.date,
      paidInvoices: report.paidInvoices,
      ledgerRows: report.ledgerRows,
      transfers: report.transfers,
      transfersReadById: report.transfersReadById,
      ...(report.transfersUnread === undefined ? {} : { transfersUnread: report.transfersUnread }),
      ...(report.moneyEventCharges === undefined ? {} : { moneyEventCharges: report.moneyEventCharges }),
      mismatches: report.mismatches.length,
      mismatchesByKind: counts,
      remindersByKind: countByKind(reminders),
      outOfBand: report.outOfBand.length,
      alertsRaised,
    };
    if (report.mismatches.length > 0) logger.warn('Reconcile found mismatches', { ...summary });
    else logger.info('Reconcile: the day reconciles', { ...summary });
    return summary;
  };

  return middy<unknown, ReconcileRunSummary>()
    .use(observabilityMiddlewares(observability))
    .use(stripeApiKeyMiddleware(stripeApiKey))
    .handler(run);
}

/** The time of an EventBridge scheduled event (`time`, ISO 8601); undefined for any other payload (a run by hand). */
export function scheduledTime(event: unknown): Date | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { time } = event as { time?: unknown };
  if (typeof time !== 'string') return undefined;
  const at = new Date(time);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
