/**
 * The Stripe client's 429 waits end at the invocation's deadline: past it the 429 goes to the caller (whose worker
 * puts the record back on its queue) instead of waiting out the Lambda timeout, which would fail the whole batch.
 */
import { describe, expect, it } from 'vitest';
import { withInvocationDeadline } from '../../functions/commons/invocation-deadline.js';
import { type RateLimitRetryPolicy, waitOutRateLimits } from '../../functions/commons/stripe-rate-limit.js';

/** A Stripe whose every answer is a 429, counting the requests it got. */
function alwaysRateLimited() {
  const calls = { count: 0 };
  const send = async () => {
    calls.count++;
    return { statusCode: 429 };
  };
  return { send, calls };
}

const request = (send: () => Promise<{ statusCode: number }>, policy: RateLimitRetryPolicy) =>
  waitOutRateLimits(
    send,
    { isRateLimited: (answer) => answer.statusCode === 429, discard: async () => undefined },
    policy,
  );

describe('429 waits and the invocation deadline', () => {
  it('waits up to maxWaitMs outside a worker batch', async () => {
    // Prepare
    const { send, calls } = alwaysRateLimited();
    const slept: number[] = [];
    const policy: RateLimitRetryPolicy = {
      maxWaitMs: 1_000,
      random: () => 1,
      sleep: async (ms) => {
        slept.push(ms);
      },
    };
    // Act
    const response = await request(send, policy);
    // Assess: 100 + 200 + 400 = 700 ms of waits; 800 more would pass 1,000
    expect(response.statusCode).toBe(429);
    expect(slept).toEqual([100, 200, 400]);
    expect(calls.count).toBe(4);
  });

  it('gives the 429 back at once when the deadline is nearer than the next wait', async () => {
    // Prepare: 3 s left, of which the reserve keeps 1 s: a 2 s deadline, and waits of 1.6 s each
    const { send, calls } = alwaysRateLimited();
    const policy: RateLimitRetryPolicy = {
      maxWaitMs: 60_000,
      baseMs: 1_600,
      capMs: 1_600,
      random: () => 1,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
    // Act
    const started = Date.now();
    const response = await withInvocationDeadline(3_000, () => request(send, policy));
    // Assess: one wait of 1.6 s fits before the deadline, a second would not
    expect(response.statusCode).toBe(429);
    expect(calls.count).toBe(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
