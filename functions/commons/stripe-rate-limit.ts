/**
 * Stripe answers 429 (`rate_limit`, or `lock_timeout` for concurrent writes to one object) when a burst goes over
 * its limits, and stripe-node does not retry a plain `rate_limit` (by design). waitOutRateLimits sends a request
 * again after a 429 with exponential backoff and full jitter, the same request (so the same idempotency key), for
 * at most `maxWaitMs` per request and never past the invocation's deadline (invocation-deadline.ts: the function's
 * time left, less a reserve); past that the 429 goes to the caller, which throws StripeRateLimitError, and the
 * worker puts its message back on the queue (functions/commons/fifo-batch.ts) instead of failing it.
 */
import { invocationDeadline } from './invocation-deadline.js';

export interface RateLimitRetryPolicy {
  /** Longest total wait for one request before the 429 is given to the caller (default 4 s). */
  maxWaitMs?: number;
  /** First backoff ceiling (default 100 ms); doubles per retry up to `capMs` (default 1.6 s). */
  baseMs?: number;
  capMs?: number;
  /** Called once per retried 429 (a metric, a count in a test). */
  onRateLimited?: () => void;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RATE_LIMIT_WAIT_MS = 4_000;
/** One backoff never exceeds this, so a request that gives up waited over DEFAULT_RATE_LIMIT_WAIT_MS less it. */
export const RATE_LIMIT_BACKOFF_CAP_MS = 1_600;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An answer to one send: whether it is a 429, and how to let go of its body before sending again. */
export interface RateLimitedAnswer<R> {
  isRateLimited(answer: R): boolean;
  discard(answer: R): Promise<unknown>;
}

export async function waitOutRateLimits<R>(
  send: () => Promise<R>,
  answers: RateLimitedAnswer<R>,
  policy: RateLimitRetryPolicy = {},
): Promise<R> {
  const maxWaitMs = policy.maxWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
  const baseMs = policy.baseMs ?? 100;
  const capMs = policy.capMs ?? RATE_LIMIT_BACKOFF_CAP_MS;
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? defaultSleep;
  let waited = 0;
  for (let retry = 0; ; retry++) {
    const answer = await send();
    if (!answers.isRateLimited(answer)) return answer;
    const delay = Math.ceil(random() * Math.min(capMs, baseMs * 2 ** retry));
    const deadline = invocationDeadline();
    if (waited + delay > maxWaitMs || (deadline !== undefined && Date.now() + delay > deadline)) return answer;
    await answers.discard(answer).catch(() => undefined);
    policy.onRateLimited?.();
    await sleep(delay);
    waited += delay;
  }
}
