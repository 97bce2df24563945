/** Sends deliveries to a webhook handler the way Lambda would invoke it, timing each invocation. */
import { lambdaContext } from '../../local/lambda-context.js';
import { forEachConcurrently } from '../concurrency.js';
import { type BenchEvent, stripeSignature } from '../events.js';
import { webhookProxyEvent } from './proxy-event.js';
import type { WebhookHandler } from './variant.js';

const FUNCTION_TIMEOUT_SECONDS = 10;

export interface SendReport {
  latenciesMs: number[];
  /** Response status codes (or "threw") and how often each came back. */
  statuses: Record<string, number>;
}

export async function sendDeliveries(
  handler: WebhookHandler,
  events: readonly BenchEvent[],
  webhookSecret: string,
  concurrency: number,
): Promise<SendReport> {
  const report: SendReport = { latenciesMs: [], statuses: {} };
  await forEachConcurrently(events, concurrency, async (event) => {
    // Signed just before sending (Stripe's 300 s tolerance), outside the timed span.
    const request = webhookProxyEvent(event.body, stripeSignature(event.body, webhookSecret));
    const context = lambdaContext('stripe-webhook', FUNCTION_TIMEOUT_SECONDS);
    const started = performance.now();
    let status: string;
    try {
      status = String((await handler(request, context)).statusCode);
    } catch {
      status = 'threw';
    }
    report.latenciesMs.push(performance.now() - started);
    report.statuses[status] = (report.statuses[status] ?? 0) + 1;
  });
  return report;
}
