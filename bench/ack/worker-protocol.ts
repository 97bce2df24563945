/**
 * Messages between the ack bench (ack/main.ts, which hosts the services) and a variant worker (one process per
 * variant, as each would be its own Lambda function: nothing one imports can slow another down).
 */
import type { BenchEvent } from '../events.js';
import type { Tallies } from '../request-counter.js';
import type { VariantName } from './variant.js';

export interface WorkerConfig {
  variant: VariantName;
  webhookSecret: string;
  region: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  stripe: { url: string; apiKey: string };
  /** The variant's own table names and queue URLs. */
  auditTable: string;
  ledgerTable: string;
  districtsTable: string;
  idempotencyTable: string;
  processEventQueueUrl: string;
  alertsQueueUrl: string;
}

export type Phase = 'warmup' | 'measured' | 'serial';

export type WorkerRequest =
  | { kind: 'init'; config: WorkerConfig; events: BenchEvent[]; schedules: Record<Phase, number[]> }
  | { kind: 'run'; phase: Phase; from: number; to: number; concurrency: number }
  | { kind: 'tallies'; phase: Phase };

export type WorkerResponse =
  | { kind: 'ready' }
  | { kind: 'ran'; latenciesMs: number[]; statuses: Record<string, number> }
  | { kind: 'tallies'; tallies: Tallies }
  | { kind: 'error'; message: string };
