/**
 * `npm run bench`: the webhook path measured against its alternatives on the real local services.
 *   1. ack latency of the real webhook vs floor / powertools / inline   (bench/ack)
 *   2. end to end to PAID, with the money checks                         (bench/e2e)
 *   3. cold start: CDK bundle sizes and import times                     (bench/cold-start)
 *   4. cost per million events, from what run 2 counted                  (bench/cost)
 *   5. a rate-limited burst through the local stack                      (bench/burst)
 * Prints tables and writes bench-results.json. Each section runs in its own process; the handlers' logs go to
 * files in a temporary folder (printed). Absolute figures depend on the machine: compare the ratios.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AckResult } from './ack/main.js';
import type { BurstResult } from './burst/main.js';
import type { ColdStartResult } from './cold-start/main.js';
import { costPerEvent, type FunctionSizing } from './cost/cost-per-event.js';
import type { E2eResult } from './e2e/main.js';
import { describeMachine } from './machine.js';
import { printTables } from './print-table.js';
import { benchResults, type SectionResults } from './results.js';
import { runSection } from './run-section.js';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS_FILE = join(PROJECT_ROOT, 'bench-results.json');

const startedAt = new Date();
const logDir = mkdtempSync(join(tmpdir(), 'bench-logs-'));
console.log(`npm run bench: logs of each section in ${logDir}`);
const installed = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'install-dynamodb-local.mjs')], {
  stdio: 'inherit',
});
if (installed.status !== 0) process.exit(installed.status ?? 1);

const sections: SectionResults = { errors: {} };
const attempt = async <T>(key: string, entry: string, title: string): Promise<T | undefined> => {
  const started = performance.now();
  console.log(`\n${title}...`);
  try {
    const result = await runSection<T>(entry, title, join(logDir, `${key}.log`));
    console.log(`  [${title}] done in ${Math.round((performance.now() - started) / 1000)} s`);
    return result;
  } catch (error) {
    sections.errors[key] = error instanceof Error ? error.message : String(error);
    console.log(`  [${title}] ${sections.errors[key]}`);
    return undefined;
  }
};

sections.coldStart = await attempt<ColdStartResult>('cold_start', './cold-start/main.ts', 'cold start');
sections.ack = await attempt<AckResult>('ack', './ack/main.ts', 'ack latency');
sections.e2e = await attempt<E2eResult>('e2e', './e2e/main.ts', 'end to end');
if (sections.e2e) {
  const sizing: Record<string, FunctionSizing> = {};
  for (const [name, fn] of Object.entries(sections.coldStart?.functions ?? {})) {
    sizing[name] = { memoryMb: fn.memory_mb, architecture: fn.architecture };
  }
  sections.cost = costPerEvent(
    {
      events: sections.e2e.events,
      deliveries: sections.e2e.events + sections.e2e.redeliveries + sections.e2e.webhook_non_2xx,
      tallies: sections.e2e.tallies,
      lambda: sections.e2e.lambda,
      logBytes: sections.e2e.log_bytes,
    },
    sizing,
  );
}

sections.burst = await attempt<BurstResult>('burst', './burst/main.ts', 'rate-limited burst');

const results = benchResults(describeMachine(), sections, startedAt);
printTables(results);
writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWrote ${RESULTS_FILE} (${Math.round((Date.now() - startedAt.getTime()) / 1000)} s in all)`);
process.exit(Object.keys(sections.errors).length === 0 ? 0 : 1);
