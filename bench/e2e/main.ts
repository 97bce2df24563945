/**
 * Bench section 2, in its own process: distinct `invoice.paid` events plus 10% redeliveries through the whole local
 * stack (local API Gateway -> webhook -> queues -> revenue-share, transfer, mark-paid workers -> PAID), then the
 * money checks, and the AWS requests and Lambda invocations it took (for section 4, the cost).
 * Env: BENCH_E2E_EVENTS (5000), BENCH_E2E_TIMEOUT_S (600), BENCH_E2E_POLLERS (pollers per worker queue: the
 * function's reserved concurrency in the stack, as Lambda scales its pollers; a number sets all queues).
 */
import { fstatSync } from 'node:fs';
import type { FunctionName } from '#contracts/api-routes.js';
import type { QueueKey } from '#contracts/resources.js';
import { STRIPE_REQUESTS_PER_SECOND, stripeWorkerConcurrency } from '../../lib/stripe-budget.js';
import { startLocalStack } from '../../local/local-stack.js';
import { progress, runSection } from '../child-protocol.js';
import { sleep } from '../concurrency.js';
import { createBenchDistricts } from '../districts.js';
import { buildInvoicePaidEvents, deliverySchedule } from '../events.js';
import { seededRandom } from '../random.js';
import { RequestCounter, type Tallies } from '../request-counter.js';
import { percentile, round } from '../stats.js';
import { configureDistricts } from './configure-districts.js';
import { type CorrectnessReport, checkCorrectness } from './correctness.js';
import { deliverAll } from './deliver.js';
import { type FunctionInvocations, InvocationRecorder } from './invocations.js';
import { waitUntilPaid } from './wait-until-paid.js';

const WEBHOOK_SECRET = 'whsec_bench_e2e';
const DISTRICTS = 5;
const REDELIVERY_SHARE = 0.1;
const CONCURRENCY = 32;
/** After the last row is PAID, the pollers still delete the last messages: wait for that before reading counts. */
const SETTLE_MS = 2_000;

export interface E2eResult {
  events: number;
  redeliveries: number;
  completed: boolean;
  elapsed_s: number;
  e2e_events_per_s: number;
  pollers_per_queue: Record<string, number>;
  /** Ack latency over HTTP through the local gateway while the workers ran. */
  http_ack_p50_ms: number;
  http_ack_p99_ms: number;
  webhook_non_2xx: number;
  webhook_unacknowledged: number;
  correctness: CorrectnessReport;
  /** For the cost: AWS SDK requests (handlers and queue pollers) and Lambda invocations in the measured window. */
  tallies: Tallies;
  lambda: Partial<Record<FunctionName, FunctionInvocations>>;
  /** Bytes the functions logged in the window (stdout and stderr, when they go to a file); null when unknown. */
  log_bytes: number | null;
  /** Requests the Stripe emulator served in the window (setup excluded), per paid invoice. */
  stripe_calls_per_invoice: number;
}

async function main(): Promise<E2eResult> {
  const eventCount = Number(process.env.BENCH_E2E_EVENTS ?? 5000);
  const timeoutSeconds = Number(process.env.BENCH_E2E_TIMEOUT_S ?? 600);
  const pollersPerQueue = pollers(process.env.BENCH_E2E_POLLERS);
  const redeliveries = Math.round(eventCount * REDELIVERY_SHARE);
  const invocations = new InvocationRecorder();

  progress(`starting the local stack (pollers per queue: ${JSON.stringify(pollersPerQueue)})`);
  // Counts every request the functions make; what setup makes goes to its own label.
  const counter = new RequestCounter();
  counter.label = 'setup';
  const stack = await startLocalStack({
    instrumentClient: (client, service) => counter.attach(client, service),
    port: 0,
    stripeEmulatorPort: 0,
    webhookSecrets: [WEBHOOK_SECRET],
    log: (line) => process.stderr.write(`${line}\n`),
    wrapHandler: invocations.wrap,
    pollersPerQueue,
  });
  try {
    const emulator = stack.stripe;
    if (!emulator) throw new Error('The local stack started without its Stripe emulator');
    const districts = await createBenchDistricts(emulator, DISTRICTS);
    await configureDistricts(stack.url, districts);
    const events = buildInvoicePaidEvents(emulator, districts, eventCount, seededRandom(20_260_602));
    const schedule = deliverySchedule(events, redeliveries, seededRandom(20_260_603));

    counter.label = 'all';
    emulator.resetRequestCounts();
    counter.attach(stack.sqs, 'sqs');
    invocations.reset();
    const logBytesBefore = loggedBytes();

    progress(`delivering ${eventCount} events + ${redeliveries} redeliveries, concurrency ${CONCURRENCY}`);
    const started = performance.now();
    const delivery = await deliverAll(stack.webhookUrl, schedule, WEBHOOK_SECRET, CONCURRENCY);
    progress(`delivered in ${round((performance.now() - started) / 1000, 1)} s; waiting for every row to be PAID`);
    const wait = await waitUntilPaid(
      stack.dynamodb,
      stack.tables.revenueShares,
      events.map((event) => event.invoiceId),
      started + timeoutSeconds * 1000,
      (paid) => progress(`${paid}/${eventCount} PAID after ${round((performance.now() - started) / 1000, 0)} s`),
    );
    const elapsedSeconds = (wait.at - started) / 1000;
    progress(wait.completed ? `all PAID in ${round(elapsedSeconds, 1)} s` : `timed out with ${wait.paid} PAID`);
    await sleep(SETTLE_MS);
    const tallies = counter.tallies();
    const stripeServed = emulator.requestCounts().total.served;
    const lambda = invocations.snapshot();
    const logBytesAfter = loggedBytes();

    const correctness = await checkCorrectness({
      client: stack.dynamodb,
      auditTable: stack.tables.webhookAuditLog,
      ledgerTable: stack.tables.revenueShares,
      eventIds: events.map((event) => event.id),
      transfers: emulator.transfers(),
    });
    return {
      events: eventCount,
      redeliveries,
      completed: wait.completed,
      elapsed_s: round(elapsedSeconds, 1),
      e2e_events_per_s: round(wait.paid / elapsedSeconds, 1),
      pollers_per_queue: pollersPerQueue,
      http_ack_p50_ms: round(percentile(delivery.latenciesMs, 50)),
      http_ack_p99_ms: round(percentile(delivery.latenciesMs, 99)),
      webhook_non_2xx: delivery.non2xx,
      webhook_unacknowledged: delivery.unacknowledged,
      correctness,
      tallies,
      lambda,
      log_bytes: logBytesBefore === null || logBytesAfter === null ? null : logBytesAfter - logBytesBefore,
      stripe_calls_per_invoice: round(stripeServed / Math.max(1, wait.paid), 2),
    };
  } finally {
    await stack.stop();
  }
}

/** Deployed, Lambda scales each queue's pollers up to the consumer's reserved concurrency; locally the same. */
function pollers(setting: string | undefined): Record<QueueKey, number> {
  const all = setting ? Number(setting) : undefined;
  // As deployed against a live-mode Stripe budget.
  const reservedConcurrency = stripeWorkerConcurrency(STRIPE_REQUESTS_PER_SECOND.live);
  return {
    revenueShare: all ?? reservedConcurrency['revenue-share'],
    transfer: all ?? reservedConcurrency.transfer,
    markPaid: all ?? reservedConcurrency['mark-paid'],
    alerts: all ?? 1,
  };
}

/** Size of the file stdout writes to (bench/run.ts sends stdout and stderr to one log file); null if not a file. */
function loggedBytes(): number | null {
  try {
    const stat = fstatSync(1);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}

runSection(main);
