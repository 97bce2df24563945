/**
 * Bench section 3, in its own process: for every function, the size of the bundle the CDK build produces and the
 * median time to import it in a fresh node process (runs interleaved across functions, so noise spreads evenly).
 * Env: BENCH_INIT_RUNS (10).
 */
import { progress, runSection } from '../child-protocol.js';
import { median, round } from '../stats.js';
import { importMilliseconds } from './init-time.js';
import { synthesizeFunctions } from './synth.js';

/** The ack path's cold start is also measured without the stack's `--enable-source-maps`, to show what it costs. */
const WITHOUT_SOURCE_MAPS = 'stripe-webhook';

export interface ColdStartFunction {
  bundle_kb: number;
  source_map_kb: number;
  init_ms: number;
  memory_mb: number;
  architecture: string;
  runtime: string;
  node_options: string;
}

export interface ColdStartResult {
  method: string;
  synth_s: number;
  runs: number;
  functions: Record<string, ColdStartFunction>;
  init_ms_without_source_maps: Record<string, number>;
}

async function main(): Promise<ColdStartResult> {
  const runs = Number(process.env.BENCH_INIT_RUNS ?? 10);
  progress('npm run synth (bundles every function with the NodejsFunction options of the stack)');
  const synthesis = await synthesizeFunctions();
  try {
    progress(
      `synthesized ${synthesis.functions.length} functions in ${round(synthesis.seconds, 1)} s; importing each ${runs} times`,
    );
    const samples = new Map<string, number[]>();
    const noMapSamples: number[] = [];
    for (let i = 0; i < runs; i++) {
      for (const fn of synthesis.functions) {
        const ms = await importMilliseconds(fn);
        samples.set(fn.name, [...(samples.get(fn.name) ?? []), ms]);
        if (fn.name === WITHOUT_SOURCE_MAPS) noMapSamples.push(await importMilliseconds(fn, ''));
      }
    }
    const functions: Record<string, ColdStartFunction> = {};
    for (const fn of synthesis.functions) {
      functions[fn.name] = {
        bundle_kb: round(fn.bundleBytes / 1024, 1),
        source_map_kb: round(fn.sourceMapBytes / 1024, 1),
        init_ms: round(median(samples.get(fn.name) ?? []), 1),
        memory_mb: fn.memoryMb,
        architecture: fn.architecture,
        runtime: fn.runtime,
        node_options: typeof fn.environment.NODE_OPTIONS === 'string' ? fn.environment.NODE_OPTIONS : '',
      };
    }
    return {
      method:
        'bundles read from `npm run synth` output (the CDK NodejsFunction build itself); import timed in a fresh node',
      synth_s: round(synthesis.seconds, 1),
      runs,
      functions,
      init_ms_without_source_maps: noMapSamples.length ? { [WITHOUT_SOURCE_MAPS]: round(median(noMapSamples), 1) } : {},
    };
  } finally {
    synthesis.cleanUp();
  }
}

runSection(main);
