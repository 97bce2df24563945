/**
 * Bench section: the first of the month through the local stack while the Stripe emulator enforces rate limits
 * (BENCH_BURST_LIMIT requests/s in all, default 40; BENCH_BURST_ENDPOINT_LIMIT per endpoint, default the same, so
 * the account-wide limit binds). BENCH_BURST_INVOICES (default 500) paid invoices arrive at once; the section
 * reports how close to the limit the workers kept Stripe busy until every row was PAID.
 */
import { STRIPE_REQUESTS_PER_SECOND, stripeWorkerConcurrency } from '../../lib/stripe-budget.js';
import { startLocalStack } from '../../local/local-stack.js';
import { progress, runSection } from '../child-protocol.js';
import { createBenchDistricts } from '../districts.js';
import { configureDistricts } from '../e2e/configure-districts.js';
import { deliverAll } from '../e2e/deliver.js';
import { waitUntilPaid } from '../e2e/wait-until-paid.js';
import { buildInvoicePaidEvents, deliverySchedule } from '../events.js';
import { seededRandom } from '../random.js';
import { round } from '../stats.js';

const WEBHOOK_SECRET = 'whsec_bench_burst';

export interface BurstResult {
  invoices: number;
  completed: boolean;
  elapsed_s: number;
  limit_per_s: number;
  per_endpoint_limit_per_s: number;
  stripe_served: number;
  stripe_rate_limited: number;
  achieved_per_s: number;
  burst_fraction_of_stripe_limit: number;
  pollers_per_queue: Record<string, number>;
}

async function main(): Promise<BurstResult> {
  const invoices = Number(process.env.BENCH_BURST_INVOICES ?? 500);
  const limit = Number(process.env.BENCH_BURST_LIMIT ?? 40);
  const perEndpoint = Number(process.env.BENCH_BURST_ENDPOINT_LIMIT ?? limit);
  const concurrency = stripeWorkerConcurrency(STRIPE_REQUESTS_PER_SECOND.live);
  const pollersPerQueue = {
    revenueShare: concurrency['revenue-share'],
    transfer: concurrency.transfer,
    markPaid: concurrency['mark-paid'],
    alerts: 1,
  };
  progress(
    `starting the local stack; ${invoices} invoices against ${limit} requests/s (${perEndpoint}/s per endpoint)`,
  );
  const stack = await startLocalStack({
    port: 0,
    stripeEmulatorPort: 0,
    webhookSecrets: [WEBHOOK_SECRET],
    retryDelaySeconds: 1,
    pollersPerQueue,
  });
  try {
    const emulator = stack.stripe;
    if (!emulator) throw new Error('The local stack started without its Stripe emulator');
    emulator.setBalance(1_000_000_000_000);
    const districts = await createBenchDistricts(emulator, 5);
    await configureDistricts(stack.url, districts);
    const events = buildInvoicePaidEvents(emulator, districts, invoices, seededRandom(20_261_201));
    emulator.setRateLimits({ global: limit, perEndpoint });
    emulator.resetRequestCounts();

    const started = performance.now();
    await deliverAll(stack.webhookUrl, deliverySchedule(events, 0, seededRandom(20_261_202)), WEBHOOK_SECRET, 32);
    const wait = await waitUntilPaid(
      stack.dynamodb,
      stack.tables.revenueShares,
      events.map((event) => event.invoiceId),
      started + 600_000,
      (paid) => progress(`${paid}/${invoices} PAID after ${round((performance.now() - started) / 1000, 0)} s`),
    );
    const seconds = (wait.at - started) / 1000;
    const counts = emulator.requestCounts();
    const achieved = counts.total.served / seconds;
    return {
      invoices,
      completed: wait.completed,
      elapsed_s: round(seconds, 1),
      limit_per_s: limit,
      per_endpoint_limit_per_s: perEndpoint,
      stripe_served: counts.total.served,
      stripe_rate_limited: counts.total.rateLimited,
      achieved_per_s: round(achieved, 1),
      burst_fraction_of_stripe_limit: round(achieved / limit, 2),
      pollers_per_queue: pollersPerQueue,
    };
  } finally {
    await stack.stop();
  }
}

runSection(main);
