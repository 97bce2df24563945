/**
 * Webhook deliveries the way Stripe makes them: each delivery is retried, with exponential backoff, until the
 * endpoint answers 2xx (Stripe keeps retrying for days; here until a deadline). A 2xx ends it, whatever the body
 * says: `{"duplicate":true}` stops Stripe's retries exactly like `{"received":true}` does.
 */
import type { StripeEventLike } from '../../../local/stripe-emulator/index.js';
import { type DeliveryAnswer, sleep } from './fault-stack.js';
import type { Random } from './random.js';

export interface DeliveryLog {
  /** Deliveries that have ended with a 2xx. */
  acknowledged: number;
  /** Every answer, by status code. */
  byStatus: Map<number, number>;
  /** 2xx answers by what they said: enqueued (received), duplicate, ignored. */
  byOutcome: Map<string, number>;
  /** Event ids whose delivery was acknowledged as `received` (not a duplicate). */
  receivedIds: string[];
}

export interface DeliverOptions {
  deliver: (event: StripeEventLike<object>) => Promise<DeliveryAnswer>;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Each event is delivered this many times (independently retried), in `random` order. */
  copies?: number;
  random: Random;
  /** Give up (and throw) when a delivery is still not acknowledged by then. */
  timeoutMs: number;
  /** Backoff before the first retry (doubled each time, capped at 2 s, with jitter). */
  firstBackoffMs?: number;
}

export const emptyDeliveryLog = (): DeliveryLog => ({
  acknowledged: 0,
  byStatus: new Map(),
  byOutcome: new Map(),
  receivedIds: [],
});

/** Delivers every event (`copies` times each) until each delivery is acknowledged; `log` fills as it goes. */
export async function deliverLikeStripe(
  events: readonly StripeEventLike<object>[],
  options: DeliverOptions,
  log: DeliveryLog = emptyDeliveryLog(),
): Promise<DeliveryLog> {
  const deliveries = options.random.shuffle(events.flatMap((event) => Array(options.copies ?? 1).fill(event)));
  const deadline = Date.now() + options.timeoutMs;
  let next = 0;
  const lane = async () => {
    while (next < deliveries.length) {
      const event = deliveries[next++] as StripeEventLike<object>;
      await deliverUntilAcknowledged(event, options, log, deadline);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return log;
}

async function deliverUntilAcknowledged(
  event: StripeEventLike<object>,
  options: DeliverOptions,
  log: DeliveryLog,
  deadline: number,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const answer = await options.deliver(event);
    log.byStatus.set(answer.statusCode, (log.byStatus.get(answer.statusCode) ?? 0) + 1);
    if (answer.statusCode >= 200 && answer.statusCode < 300) {
      const outcome = answer.body.duplicate ? 'duplicate' : answer.body.ignored ? 'ignored' : 'received';
      log.byOutcome.set(outcome, (log.byOutcome.get(outcome) ?? 0) + 1);
      if (outcome === 'received') log.receivedIds.push(event.id);
      log.acknowledged++;
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`delivery of ${event.id} still answered ${answer.statusCode} after ${attempt + 1} attempts`);
    }
    const backoff = Math.min(2_000, (options.firstBackoffMs ?? 200) * 2 ** attempt);
    await sleep(backoff / 2 + options.random.next() * (backoff / 2));
  }
}

/** Answers with a status of 500 or more. */
export const serverErrors = (log: DeliveryLog): number =>
  [...log.byStatus].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
