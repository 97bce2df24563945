/**
 * Every HTTP route of the stack: the HTTP API in the CDK stack and the local gateway of `npm start`
 * are both built from this list, so both serve the same paths with the same function behind each.
 */
export type FunctionName =
  | 'stripe-webhook'
  | 'revenue-share'
  | 'transfer'
  | 'mark-paid'
  | 'financial-alert'
  | 'platform-api'
  | 'resync'
  /** Scheduled (no route): replays what was never delivered or never finished, checks the endpoint at Stripe. */
  | 'catch-up'
  /** Scheduled (no route): the previous day's three-way match, one financial alert per mismatch kind. */
  | 'reconcile';

export interface ApiRoute {
  /** ANY on the webhook so the function itself answers a wrong method with 405. */
  readonly method: 'ANY' | 'GET' | 'POST' | 'PUT';
  /** API Gateway resource path; `{name}` segments become pathParameters. */
  readonly resource: string;
  readonly functionName: FunctionName;
  /** Stripe signs the webhook itself; every platform route needs SigV4 (IAM) when deployed. */
  readonly authorization: 'NONE' | 'AWS_IAM';
}

const platform = (method: Exclude<ApiRoute['method'], 'ANY'>, resource: string): ApiRoute => ({
  method,
  resource,
  functionName: 'platform-api',
  authorization: 'AWS_IAM',
});

/** Where Stripe delivers events (the URL given to Stripe is the stage URL plus this path). */
export const WEBHOOK_PATH = '/stripe/webhook';

export const apiRoutes: readonly ApiRoute[] = [
  { method: 'ANY', resource: WEBHOOK_PATH, functionName: 'stripe-webhook', authorization: 'NONE' },
  platform('POST', '/platform/payout/retry'),
  platform('POST', '/platform/payout/mark-paid'),
  platform('POST', '/platform/payout/approve'),
  platform('POST', '/platform/payout/close'),
  platform('GET', '/platform/revenue-shares'),
  platform('GET', '/platform/revenue-shares/{revenueShareId}'),
  platform('GET', '/platform/webhook-events'),
  platform('GET', '/platform/districts'),
  platform('PUT', '/platform/districts/{districtId}'),
  { method: 'POST', resource: '/platform/resync', functionName: 'resync', authorization: 'AWS_IAM' },
];

/** Which queue (lib/resources.ts key) feeds which worker function. */
export const queueConsumers = {
  revenueShare: 'revenue-share',
  transfer: 'transfer',
  markPaid: 'mark-paid',
  alerts: 'financial-alert',
} as const satisfies Record<string, FunctionName>;

/** Webhook bodies above this are refused with 413 (API Gateway's own limit is 10 MB). */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;
