/**
 * Bench section 1, in its own process: ack latency of the real webhook handler next to `floor`, `powertools` and
 * `inline`. This process hosts the services; each variant runs in a worker process of its own (as each would be its
 * own Lambda function) and is invoked in-process there with an APIGatewayProxyEvent: the same transport, the same
 * client configuration and the same events for all four.
 * Phases: a warm-up (the JVM behind DynamoDB Local is ~2x slower at first), the measured deliveries at the set
 * concurrency, then a short serial run (concurrency 1: one request per instance, as Lambda runs them, so latency is
 * the service time without queueing in one process).
 * Env: BENCH_ACK_DELIVERIES (2000), BENCH_ACK_CONCURRENCY (32).
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { localDynamoDbClient } from '../../local/aws-clients.js';
import { progress, runSection } from '../child-protocol.js';
import { type BenchDistrict, createBenchDistricts } from '../districts.js';
import { type BenchEvent, buildInvoicePaidEvents, deliverySchedule } from '../events.js';
import { seededRandom } from '../random.js';
import type { Tallies } from '../request-counter.js';
import { percentile, round } from '../stats.js';
import { runInRounds } from './rounds.js';
import { type AckServices, startAckServices } from './services.js';
import { VARIANT_NAMES, type VariantName } from './variant.js';
import type { WorkerConfig } from './worker-protocol.js';
import { startVariantWorker, type VariantWorker } from './workers.js';

const WEBHOOK_SECRET = 'whsec_bench_ack';
const DISTRICTS = 5;
const REDELIVERY_SHARE = 0.1;
const WARMUP_DELIVERIES = 400;
const SERIAL_DELIVERIES = 200;
const ROUNDS = 10;

export interface AckVariantResult {
  p50_ms: number;
  p99_ms: number;
  serial_p50_ms: number;
  serial_p99_ms: number;
  statuses: Record<string, number>;
  /** SDK requests per delivery, by service and operation. */
  requests_per_delivery: Record<string, number>;
}

export interface AckResult {
  deliveries: number;
  redeliveries: number;
  concurrency: number;
  rounds: number;
  warmup_deliveries: number;
  serial_deliveries: number;
  transport: string;
  variants: Record<VariantName, AckVariantResult>;
}

async function main(): Promise<AckResult> {
  const deliveries = Number(process.env.BENCH_ACK_DELIVERIES ?? 2000);
  const concurrency = Number(process.env.BENCH_ACK_CONCURRENCY ?? 32);
  const redeliveries = Math.round(deliveries * REDELIVERY_SHARE);

  progress('starting DynamoDB Local, the SQS server and the Stripe emulator');
  const services = await startAckServices();
  const workers: Partial<Record<VariantName, VariantWorker>> = {};
  try {
    const districts = await createBenchDistricts(services.stripe, DISTRICTS);
    await configureInlineDistricts(services, districts);
    const random = seededRandom(20_260_601);
    const buildPhase = (total: number) => {
      const repeats = Math.round(total * REDELIVERY_SHARE);
      const phaseEvents = buildInvoicePaidEvents(services.stripe, districts, total - repeats, random);
      return { events: phaseEvents, schedule: deliverySchedule(phaseEvents, repeats, random) };
    };
    const phases = {
      warmup: buildPhase(WARMUP_DELIVERIES),
      measured: buildPhase(deliveries),
      serial: buildPhase(SERIAL_DELIVERIES),
    };
    const events = [...phases.warmup.events, ...phases.measured.events, ...phases.serial.events];
    const indexOf = new Map(events.map((event, i) => [event.id, i]));
    const toIndexes = (schedule: { event: BenchEvent }[]) =>
      schedule.map(({ event }) => indexOf.get(event.id) as number);
    const schedules = {
      warmup: toIndexes(phases.warmup.schedule),
      measured: toIndexes(phases.measured.schedule),
      serial: toIndexes(phases.serial.schedule),
    };

    progress('starting one worker process per variant');
    for (const variant of VARIANT_NAMES) {
      const worker = startVariantWorker(process.env);
      workers[variant] = worker;
      await worker.call({ kind: 'init', config: workerConfig(variant, services), events, schedules }, 'ready');
    }
    const all = workers as Record<VariantName, VariantWorker>;
    progress(`warm-up: ${schedules.warmup.length} deliveries per variant`);
    await runInRounds(all, { phase: 'warmup', deliveries: schedules.warmup.length, rounds: 1, concurrency });
    progress(`measured: ${schedules.measured.length} deliveries per variant at concurrency ${concurrency}`);
    const runs = await runInRounds(all, {
      phase: 'measured',
      deliveries: schedules.measured.length,
      rounds: ROUNDS,
      concurrency,
      onRound: (done, total) => progress(`round ${done}/${total}`),
    });
    progress(`serial: ${schedules.serial.length} deliveries per variant at concurrency 1`);
    const serial = await runInRounds(all, {
      phase: 'serial',
      deliveries: schedules.serial.length,
      rounds: ROUNDS,
      concurrency: 1,
    });

    const variants = Object.fromEntries(
      VARIANT_NAMES.map((name) => {
        const run = runs[name];
        return [
          name,
          {
            p50_ms: round(percentile(run.latenciesMs, 50)),
            p99_ms: round(percentile(run.latenciesMs, 99)),
            serial_p50_ms: round(percentile(serial[name].latenciesMs, 50)),
            serial_p99_ms: round(percentile(serial[name].latenciesMs, 99)),
            statuses: run.statuses,
            requests_per_delivery: perDelivery(run.tallies, run.latenciesMs.length),
          },
        ];
      }),
    ) as AckResult['variants'];
    return {
      deliveries: schedules.measured.length,
      redeliveries,
      concurrency,
      rounds: ROUNDS,
      warmup_deliveries: schedules.warmup.length,
      serial_deliveries: schedules.serial.length,
      transport: 'in-process Lambda invocation with an APIGatewayProxyEvent, one worker process per variant',
      variants,
    };
  } finally {
    for (const worker of Object.values(workers)) await worker.stop();
    await services.stop();
  }
}

function workerConfig(variant: VariantName, services: AckServices): WorkerConfig {
  const own = {
    ack: { tables: services.ack.tables, queues: services.ack.queues.queues },
    floor: { tables: services.floor.tables, queues: services.floor.queues.queues },
    powertools: { tables: services.ack.tables, queues: services.powertools.queues.queues },
    inline: { tables: services.inline.tables, queues: services.ack.queues.queues },
  }[variant];
  return {
    variant,
    webhookSecret: WEBHOOK_SECRET,
    region: 'us-east-1',
    dynamodbEndpoint: services.dynamodbLocal.endpoint,
    sqsEndpoint: services.sqsServer.endpoint,
    stripe: { url: services.stripe.url, apiKey: services.stripe.apiKey },
    auditTable: own.tables.webhookAuditLog,
    ledgerTable: own.tables.revenueShares,
    districtsTable: own.tables.districts,
    idempotencyTable: services.powertools.idempotencyTable,
    processEventQueueUrl: own.queues.revenueShare,
    alertsQueueUrl: own.queues.alerts,
  };
}

/** The inline variant looks districts up itself: it gets them in its own districts table. */
async function configureInlineDistricts(services: AckServices, districts: readonly BenchDistrict[]): Promise<void> {
  const client = DynamoDBDocumentClient.from(localDynamoDbClient(services.dynamodbLocal.endpoint));
  const store = new DynamoDbDistrictStore(client, services.inline.tables.districts);
  const now = new Date().toISOString();
  for (const district of districts) {
    await store.put({
      districtId: district.districtId,
      stripeAccountId: district.stripeAccountId,
      shareBps: district.shareBps,
      currency: district.currency,
      autoTransfer: true,
      stripeCustomerIds: [district.customerId],
      createdAt: now,
      updatedAt: now,
    });
  }
  client.destroy();
}

function perDelivery(tallies: Tallies, deliveries: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(tallies)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, tally]) => [key, round(tally.requests / Math.max(1, deliveries), 3)]),
  );
}

runSection(main);
