/** The figures of one bench run, in the shape bench-results.json holds (headline keys first, details after). */
import type { AckResult } from './ack/main.js';
import type { BurstResult } from './burst/main.js';
import type { ColdStartResult } from './cold-start/main.js';
import type { CostResult } from './cost/cost-per-event.js';
import type { E2eResult } from './e2e/main.js';
import type { Machine } from './machine.js';
import { round } from './stats.js';

export interface SectionResults {
  ack?: AckResult;
  e2e?: E2eResult;
  coldStart?: ColdStartResult;
  cost?: CostResult;
  burst?: BurstResult;
  errors: Record<string, string>;
}

export function benchResults(machine: Machine, sections: SectionResults, startedAt: Date) {
  const { ack, e2e, coldStart, cost, burst } = sections;
  const v = ack?.variants;
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? null : round(a / b, 2);
  const perFunction = (pick: (fn: ColdStartResult['functions'][string]) => number) =>
    coldStart ? Object.fromEntries(Object.entries(coldStart.functions).map(([name, fn]) => [name, pick(fn)])) : null;
  return {
    generated_at: startedAt.toISOString(),
    machine,
    ack_p50_ms: v?.ack.p50_ms ?? null,
    ack_p99_ms: v?.ack.p99_ms ?? null,
    floor_p99_ms: v?.floor.p99_ms ?? null,
    powertools_p99_ms: v?.powertools.p99_ms ?? null,
    inline_p99_ms: v?.inline.p99_ms ?? null,
    ack_vs_floor_p99: ratio(v?.ack.p99_ms, v?.floor.p99_ms),
    ack_vs_powertools_p99: ratio(v?.ack.p99_ms, v?.powertools.p99_ms),
    ack_vs_inline_p99: ratio(v?.ack.p99_ms, v?.inline.p99_ms),
    // p99 of 2,000 samples is the 20th slowest: on a shared machine p50 ratios are the steadier comparison.
    ack_vs_floor_p50: ratio(v?.ack.p50_ms, v?.floor.p50_ms),
    ack_vs_powertools_p50: ratio(v?.ack.p50_ms, v?.powertools.p50_ms),
    ack_vs_inline_p50: ratio(v?.ack.p50_ms, v?.inline.p50_ms),
    ack_vs_floor_serial_p50: ratio(v?.ack.serial_p50_ms, v?.floor.serial_p50_ms),
    e2e_events: e2e?.events ?? null,
    e2e_events_per_s: e2e?.e2e_events_per_s ?? null,
    double_transfers: e2e?.correctness.double_transfers ?? null,
    lost_events: e2e?.correctness.lost_events ?? null,
    ledger_rows: e2e?.correctness.ledger_rows ?? null,
    transfers: e2e?.correctness.transfers ?? null,
    bundle_kb: perFunction((fn) => fn.bundle_kb),
    init_ms: perFunction((fn) => fn.init_ms),
    requests_per_event: cost?.requests_per_event ?? null,
    usd_per_million_events: cost?.usd_per_million_events ?? null,
    stripe_calls_per_invoice: e2e?.stripe_calls_per_invoice ?? null,
    dynamodb_wcu_per_event: cost?.units_per_event.dynamodb_write_units ?? null,
    burst_fraction_of_stripe_limit: burst?.burst_fraction_of_stripe_limit ?? null,
    details: {
      ack: ack ?? null,
      e2e: e2e ?? null,
      cold_start: coldStart ?? null,
      cost: cost ?? null,
      burst: burst ?? null,
    },
    errors: sections.errors,
  };
}

export type BenchResults = ReturnType<typeof benchResults>;
