/**
 * Stripe, not Lambda, bounds how fast districts are paid: it allows 100 requests/s in live mode and 25/s in test
 * mode, account-wide. The three workers that call Stripe get their reserved concurrency (and their queue pollers'
 * maximum) from one setting, `stripeRequestsPerSecond`:
 *
 *   concurrency(fn) = max(2, floor(stripeRequestsPerSecond x 80% / 3 / 5))
 *
 * 80%: what is left is for re-sync, the catch-up, reconcile and people. / 3: each paid invoice makes about one
 * call in each of revenue-share (its payments), transfer (the create) and mark-paid (the retrieve), so each gets a
 * third. / 5: one execution works its batch serially and a Stripe request takes ~200 ms, so it makes at most ~5
 * requests/s. 2: the least an SQS event source may poll with. Live (100/s): 5 each; test mode (25/s): 2 each, which
 * can peak above 25/s; the functions' Stripe client waits out those 429s and a record still limited goes back on
 * its queue (functions/commons/requeue.ts), so the peak costs time, not money.
 */
import type { FunctionName } from '#contracts/api-routes.js';

export const STRIPE_CALLING_WORKERS = ['revenue-share', 'transfer', 'mark-paid'] as const satisfies FunctionName[];
export type StripeCallingWorker = (typeof STRIPE_CALLING_WORKERS)[number];

export const STRIPE_REQUESTS_PER_SECOND = { live: 100, test: 25 } as const;
const SHARE_FOR_PAYOUTS = 0.8;
const REQUESTS_PER_SECOND_PER_EXECUTION = 5;
const MIN_EVENT_SOURCE_CONCURRENCY = 2;

export function stripeWorkerConcurrency(stripeRequestsPerSecond: number): Record<StripeCallingWorker, number> {
  const each = Math.max(
    MIN_EVENT_SOURCE_CONCURRENCY,
    Math.floor(
      (stripeRequestsPerSecond * SHARE_FOR_PAYOUTS) / STRIPE_CALLING_WORKERS.length / REQUESTS_PER_SECOND_PER_EXECUTION,
    ),
  );
  return { 'revenue-share': each, transfer: each, 'mark-paid': each };
}
