import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { alarmDefaults, catchUpDefaults, RECONCILE_DEFAULT_TIME_UTC } from '#contracts/operations.js';
import { STRIPE_REQUESTS_PER_SECOND } from './stripe-budget.js';

/** What a deployment is configured with: CDK context (cdk.json "context" or `-c key=value`). */
export interface StackConfig {
  /** Names the stack (`DistrictPayouts-<stage>`) and prefixes the queue names. */
  readonly stage: string;
  /** Subscribed (e-mail) to the on-call topic; AWS sends a confirmation mail first. */
  readonly alertEmail: string;
  /** Optional HTTPS endpoint (paging service) also subscribed to the on-call topic. */
  readonly alertHttpsUrl?: string;
  /** Secrets Manager name of the Stripe secret API key (a plain string `sk_...` or `rk_...`). */
  readonly stripeApiKeySecretName: string;
  /** Secrets Manager name of the webhook signing secrets (JSON array of `whsec_...`, or one plain string). */
  readonly stripeWebhookSecretName: string;
  /** Retention of every function and access log group. */
  readonly logRetentionDays: RetentionDays;
  /** The catch-up's schedule and bounds (contracts/operations.ts has the defaults). */
  readonly catchUp: {
    readonly intervalMinutes: number;
    readonly lookbackHours: number;
    readonly maxStripePages: number;
    /** This stack's endpoint at Stripe (`we_...`); unset: the catch-up finds it by the webhook URL. */
    readonly stripeWebhookEndpointId?: string;
  };
  /** When (UTC) the daily reconcile of the previous UTC day runs. */
  readonly reconcile: { readonly hourUtc: number; readonly minuteUtc: number };
  /** Deliveries refused for their signature within 5 minutes that page. */
  readonly rejectedDeliveriesThreshold: number;
  /** Hours without an accepted invoice.paid that page; undefined: that alarm is off for this stage. */
  readonly invoicePaidSilenceHours: number | undefined;
  /** Stripe's request budget for this account (live 100/s, test 25/s): sets the Stripe workers' concurrency. */
  readonly stripeRequestsPerSecond: number;
}

export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

const describe = {
  stage: 'the deployment stage, lower-case letters, digits and dashes (e.g. "prod")',
  alertEmail: 'the e-mail address subscribed to the on-call topic',
  alertHttpsUrl: 'an https:// URL subscribed to the on-call topic',
  stripeApiKeySecretName: 'the Secrets Manager name of the Stripe API key secret',
  stripeWebhookSecretName: 'the Secrets Manager name of the Stripe webhook signing secret(s)',
  logRetentionDays: `the log retention in days, one of ${validRetentionDays().join(', ')}`,
  catchUpIntervalMinutes: 'how often the catch-up runs, in whole minutes from 5 to 60',
  catchUpLookbackHours: 'how many hours back the catch-up compares Stripe events with the audit log, 1 to 72',
  catchUpMaxStripePages: 'the Stripe list pages the catch-up may read per run, 1 to 100',
  stripeWebhookEndpointId: "this stack's webhook endpoint id at Stripe (we_...)",
  reconcileScheduleUtc: 'the UTC time of day the daily reconcile runs, "HH:MM" (00:00 to 23:59)',
  rejectedDeliveriesThreshold: 'how many deliveries refused for their signature within 5 minutes page, 1 to 10000',
  invoicePaidSilenceHours: 'the hours without an accepted invoice.paid that page, 1 to 24, or "off"',
  stripeRequestsPerSecond: "Stripe's request budget per second for this account (live 100, test mode 25), 1 to 10000",
} as const;

type ContextKey = keyof typeof describe;

/** Reads and validates the context; throws a StackConfigError naming the first missing or invalid key. */
export function readStackConfig(node: Node): StackConfig {
  const alertHttpsUrl = optionalString(node, 'alertHttpsUrl');
  const endpointId = optionalString(node, 'stripeWebhookEndpointId');
  if (endpointId !== undefined && !/^we_[A-Za-z0-9]{1,250}$/.test(endpointId))
    invalid('stripeWebhookEndpointId', endpointId);
  if (alertHttpsUrl !== undefined && !/^https:\/\/[^\s]+$/.test(alertHttpsUrl)) invalid('alertHttpsUrl', alertHttpsUrl);
  return {
    stage: matching(node, 'stage', /^[a-z][a-z0-9-]{0,19}$/),
    alertEmail: matching(node, 'alertEmail', /^[^\s@]+@[^\s@]+\.[^\s@]+$/),
    ...(alertHttpsUrl === undefined ? {} : { alertHttpsUrl }),
    stripeApiKeySecretName: matching(node, 'stripeApiKeySecretName', SECRET_NAME),
    stripeWebhookSecretName: matching(node, 'stripeWebhookSecretName', SECRET_NAME),
    logRetentionDays: retentionDays(node),
    catchUp: {
      intervalMinutes: integer(node, 'catchUpIntervalMinutes', 5, 60, catchUpDefaults.intervalMinutes),
      lookbackHours: integer(node, 'catchUpLookbackHours', 1, 72, catchUpDefaults.lookbackHours),
      maxStripePages: integer(node, 'catchUpMaxStripePages', 1, 100, catchUpDefaults.maxStripePages),
      ...(endpointId === undefined ? {} : { stripeWebhookEndpointId: endpointId }),
    },
    reconcile: reconcileTime(node),
    rejectedDeliveriesThreshold: integer(
      node,
      'rejectedDeliveriesThreshold',
      1,
      10_000,
      alarmDefaults.rejectedDeliveriesThreshold,
    ),
    invoicePaidSilenceHours: silenceHours(node),
    stripeRequestsPerSecond: integer(node, 'stripeRequestsPerSecond', 1, 10_000, STRIPE_REQUESTS_PER_SECOND.test),
  };
}

/** An optional whole number within [min, max]; `-c key=7` arrives as a string, cdk.json gives a number. */
function integer(node: Node, key: ContextKey, min: number, max: number, fallback: number): number {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) invalid(key, value);
  return number;
}

/** `reconcileScheduleUtc` ("HH:MM", 24-hour UTC) as hour and minute. */
function reconcileTime(node: Node): StackConfig['reconcile'] {
  const text = optionalString(node, 'reconcileScheduleUtc') ?? RECONCILE_DEFAULT_TIME_UTC;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) invalid('reconcileScheduleUtc', text);
  return { hourUtc: Number(match[1]), minuteUtc: Number(match[2]) };
}

/** The silence alarm's hours, or undefined when the stage turns it off ("off"). */
function silenceHours(node: Node): number | undefined {
  if (node.tryGetContext('invoicePaidSilenceHours') === 'off') return undefined;
  // An alarm evaluates at most one day of periods (1 h each here).
  return integer(node, 'invoicePaidSilenceHours', 1, 24, alarmDefaults.invoicePaidSilenceHours);
}

function matching(node: Node, key: ContextKey, pattern: RegExp): string {
  const value = optionalString(node, key);
  if (value === undefined) missing(key);
  if (!pattern.test(value)) invalid(key, value);
  return value;
}

function optionalString(node: Node, key: ContextKey): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') invalid(key, value);
  return value;
}

function retentionDays(node: Node): RetentionDays {
  const value: unknown = node.tryGetContext('logRetentionDays');
  if (value === undefined || value === null || value === '') missing('logRetentionDays');
  // `-c logRetentionDays=90` arrives as a string, cdk.json gives a number.
  const days = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof days !== 'number' || !validRetentionDays().includes(days)) invalid('logRetentionDays', value);
  return days as RetentionDays;
}

function validRetentionDays(): number[] {
  return Object.values(RetentionDays).filter((days): days is number => typeof days === 'number' && days > 0);
}

function missing(key: ContextKey): never {
  throw new StackConfigError(
    `Missing CDK context value "${key}": ${describe[key]}. Set it in cdk.json "context" or pass -c ${key}=...`,
  );
}

function invalid(key: ContextKey, value: unknown): never {
  throw new StackConfigError(
    `Invalid CDK context value "${key}" (${JSON.stringify(value)}): expected ${describe[key]}.`,
  );
}
