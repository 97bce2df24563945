/**
 * Runs the variants in rounds: each round sends the next slice of the same delivery schedule to every variant, one
 * variant after the other, in an order rotated every round, so machine noise and JVM warm-up hit all four alike.
 */
import type { Tallies } from '../request-counter.js';
import { VARIANT_NAMES, type VariantName } from './variant.js';
import type { Phase } from './worker-protocol.js';
import type { VariantWorker } from './workers.js';

export interface VariantRun {
  latenciesMs: number[];
  /** Response status codes (or "threw") and how often each came back. */
  statuses: Record<string, number>;
  tallies: Tallies;
}

export interface RoundsPlan {
  phase: Phase;
  deliveries: number;
  rounds: number;
  concurrency: number;
  onRound?: (round: number, rounds: number) => void;
}

export async function runInRounds(
  workers: Record<VariantName, VariantWorker>,
  plan: RoundsPlan,
): Promise<Record<VariantName, VariantRun>> {
  const { phase, concurrency } = plan;
  const emptyRun = (): VariantRun => ({ latenciesMs: [], statuses: {}, tallies: {} });
  const runs = Object.fromEntries(VARIANT_NAMES.map((name) => [name, emptyRun()])) as Record<VariantName, VariantRun>;
  const size = Math.ceil(plan.deliveries / plan.rounds);
  for (let round = 0; round < plan.rounds; round++) {
    const from = round * size;
    const to = Math.min(plan.deliveries, from + size);
    for (const name of rotate(VARIANT_NAMES, round)) {
      const ran = await workers[name].call({ kind: 'run', phase, from, to, concurrency }, 'ran');
      runs[name].latenciesMs.push(...ran.latenciesMs);
      for (const [status, count] of Object.entries(ran.statuses)) {
        runs[name].statuses[status] = (runs[name].statuses[status] ?? 0) + count;
      }
    }
    plan.onRound?.(round + 1, plan.rounds);
  }
  for (const name of VARIANT_NAMES) {
    runs[name].tallies = (await workers[name].call({ kind: 'tallies', phase }, 'tallies')).tallies;
  }
  return runs;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
