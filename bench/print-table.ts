/** The bench figures as plain-text tables for the terminal. */
import type { BenchResults } from './results.js';

const pad = (value: unknown, width: number) => String(value ?? '-').padStart(width);
const line = (cells: [unknown, number][]) => cells.map(([value, width]) => pad(value, width)).join(' ');

export function printTables(results: BenchResults): void {
  const { machine, details } = results;
  console.log(`\nMachine: ${machine.nproc} CPUs (${machine.cpu_model}), node ${machine.node}, ${machine.platform}`);

  const ack = details.ack;
  if (ack) {
    console.log(
      `\n1. Ack latency: ${ack.deliveries} signed invoice.paid deliveries (${ack.redeliveries} redeliveries), ` +
        `concurrency ${ack.concurrency}, ${ack.rounds} interleaved rounds after ${ack.warmup_deliveries} warm-up; ` +
        `serial = ${ack.serial_deliveries} at concurrency 1`,
    );
    console.log(`   transport: ${ack.transport}`);
    console.log(
      `   ${'variant'.padEnd(11)}${line([
        ['p50 ms', 9],
        ['p99 ms', 9],
        ['serial p50', 11],
        ['serial p99', 11],
      ])}  requests per delivery`,
    );
    for (const [name, variant] of Object.entries(ack.variants)) {
      const requests = Object.entries(variant.requests_per_delivery)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ');
      console.log(
        `   ${name.padEnd(11)}${line([
          [variant.p50_ms, 9],
          [variant.p99_ms, 9],
          [variant.serial_p50_ms, 11],
          [variant.serial_p99_ms, 11],
        ])}  ${requests}`,
      );
    }
    console.log(
      `   p99 ratios: ack/floor ${results.ack_vs_floor_p99}, ack/powertools ${results.ack_vs_powertools_p99}, ` +
        `ack/inline ${results.ack_vs_inline_p99}`,
    );
    console.log(
      `   p50 ratios: ack/floor ${results.ack_vs_floor_p50}, ack/powertools ${results.ack_vs_powertools_p50}, ` +
        `ack/inline ${results.ack_vs_inline_p50}; serial p50 ack/floor ${results.ack_vs_floor_serial_p50}`,
    );
  }

  const e2e = details.e2e;
  if (e2e) {
    const c = e2e.correctness;
    console.log(
      `\n2. End to end: ${e2e.events} events + ${e2e.redeliveries} redeliveries to PAID` +
        `${e2e.completed ? '' : ' (TIMED OUT)'} in ${e2e.elapsed_s} s`,
    );
    console.log(
      `   e2e_events_per_s ${e2e.e2e_events_per_s}   http ack p50 ${e2e.http_ack_p50_ms} ms, p99 ${e2e.http_ack_p99_ms} ms`,
    );
    console.log(
      `   lost_events ${c.lost_events}  double_transfers ${c.double_transfers}  ledger_rows ${c.ledger_rows}  ` +
        `transfers ${c.transfers}  orphan_transfers ${c.orphan_transfers}  failed_events ${c.failed_events}  ` +
        `rows by status ${JSON.stringify(c.ledger_rows_by_status)}`,
    );
  }

  const cold = details.cold_start;
  if (cold) {
    console.log(`\n3. Cold start: bundles from the CDK build (synth ${cold.synth_s} s), import median of ${cold.runs}`);
    console.log(
      `   ${'function'.padEnd(16)}${line([
        ['bundle KB', 10],
        ['map KB', 9],
        ['init ms', 9],
        ['memory MB', 10],
      ])}`,
    );
    for (const [name, fn] of Object.entries(cold.functions)) {
      console.log(
        `   ${name.padEnd(16)}${line([
          [fn.bundle_kb, 10],
          [fn.source_map_kb, 9],
          [fn.init_ms, 9],
          [fn.memory_mb, 10],
        ])}`,
      );
    }
    for (const [name, ms] of Object.entries(cold.init_ms_without_source_maps)) {
      console.log(`   ${name} without --enable-source-maps: init ${ms} ms`);
    }
  }

  const cost = details.cost;
  if (cost) {
    const r = cost.requests_per_event;
    const u = cost.units_per_event;
    console.log(`\n4. Cost per million webhook events (AWS us-east-1 list prices, checked ${cost.prices_checked_on})`);
    console.log(
      `   requests per event: DynamoDB ${r.dynamodb}, SQS ${r.sqs}, Lambda ${r.lambda}, API Gateway ${r.api_gateway} ` +
        `(total ${r.total})`,
    );
    console.log(
      `   per event: ${u.dynamodb_write_units} WRU, ${u.dynamodb_read_units} RRU, ${u.sqs_billed_requests} SQS ` +
        `requests billed, ${u.lambda_gb_seconds} GB-s, ${u.log_bytes ?? '?'} log bytes`,
    );
    for (const [item, usd] of Object.entries(cost.usd_per_million_events_by_item)) {
      console.log(`   ${item.padEnd(18)}$${usd.toFixed(3).padStart(9)}`);
    }
    console.log(`   ${'total'.padEnd(18)}$${cost.usd_per_million_events.toFixed(2).padStart(9)}`);
    for (const note of cost.notes) console.log(`   - ${note}`);
  }

  if (details.e2e) console.log(`\n   Stripe calls per paid invoice: ${details.e2e.stripe_calls_per_invoice}`);

  const burst = details.burst;
  if (burst) {
    console.log(
      `\n5. Rate-limited burst: ${burst.invoices} invoices, limit ${burst.limit_per_s}/s ` +
        `(${burst.per_endpoint_limit_per_s}/s per endpoint), ${burst.completed ? 'all PAID' : 'NOT all PAID'} ` +
        `in ${burst.elapsed_s} s`,
    );
    console.log(
      `   Stripe served ${burst.stripe_served} (${burst.stripe_rate_limited} answered 429): ${burst.achieved_per_s}/s, ` +
        `${burst.burst_fraction_of_stripe_limit} of the limit`,
    );
  }

  for (const [section, error] of Object.entries(results.errors)) console.log(`\n${section} FAILED: ${error}`);
}
