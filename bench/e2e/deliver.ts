/**
 * Delivers the schedule over HTTP to the local API Gateway as Stripe does: a signed JSON POST per delivery, and a
 * retry (after a pause, up to a few times) of any delivery not answered 2xx, since Stripe retries those too.
 */
import { forEachConcurrently, sleep } from '../concurrency.js';
import { type Delivery, stripeSignature } from '../events.js';

const MAX_ATTEMPTS = 5;
const RETRY_PAUSE_MS = 1_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface DeliveryReport {
  deliveries: number;
  /** Attempts answered with something other than 2xx (each was retried). */
  non2xx: number;
  /** Deliveries still not acknowledged after every attempt. */
  unacknowledged: number;
  latenciesMs: number[];
}

export async function deliverAll(
  webhookUrl: string,
  schedule: readonly Delivery[],
  secret: string,
  concurrency: number,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { deliveries: schedule.length, non2xx: 0, unacknowledged: 0, latenciesMs: [] };
  await forEachConcurrently(schedule, concurrency, async ({ event }) => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const started = performance.now();
      const status = await post(webhookUrl, event.body, secret);
      report.latenciesMs.push(performance.now() - started);
      if (status >= 200 && status < 300) return;
      report.non2xx += 1;
      await sleep(RETRY_PAUSE_MS);
    }
    report.unacknowledged += 1;
  });
  return report;
}

async function post(url: string, body: string, secret: string): Promise<number> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Stripe-Signature': stripeSignature(body, secret),
      },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
