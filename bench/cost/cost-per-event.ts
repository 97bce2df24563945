/**
 * Section 4: what one webhook event costs on AWS, from what the end-to-end run counted (AWS SDK requests of the
 * handlers and of the queue pollers, DynamoDB request units, handler invocations and their durations, log bytes)
 * priced with bench/prices.ts. Per event = per distinct event, its share of the redeliveries included.
 */
import { PRICES_CHECKED_ON, prices } from '../prices.js';
import type { OperationTally, Tallies } from '../request-counter.js';
import { round } from '../stats.js';

/** START, END and REPORT lines Lambda writes for every invocation (estimate; not produced locally). */
const LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION = 300;
const GIB = 1024 ** 3;

export interface CountedRun {
  events: number;
  /** Webhook deliveries (events plus redeliveries): API Gateway requests. */
  deliveries: number;
  tallies: Tallies;
  lambda: Record<string, { invocations: number; billedMs: number } | undefined>;
  logBytes: number | null;
}

export interface FunctionSizing {
  memoryMb: number;
  architecture: string;
}

export interface CostResult {
  events: number;
  requests_per_event: { dynamodb: number; sqs: number; lambda: number; api_gateway: number; total: number };
  units_per_event: {
    dynamodb_write_units: number;
    dynamodb_read_units: number;
    sqs_billed_requests: number;
    lambda_gb_seconds: number;
    log_bytes: number | null;
  };
  usd_per_million_events: number;
  usd_per_million_events_by_item: Record<string, number>;
  prices_checked_on: string;
  notes: string[];
}

export function costPerEvent(run: CountedRun, sizing: Record<string, FunctionSizing | undefined>): CostResult {
  const perEvent = (value: number) => value / run.events;
  const entries = Object.entries(run.tallies);
  const sum = (prefix: string, field: keyof OperationTally, skip = (_key: string) => false) =>
    entries.filter(([key]) => key.startsWith(prefix) && !skip(key)).reduce((total, [, t]) => total + t[field], 0);
  const isIdleReceive = (key: string) => key.endsWith('.empty');

  const dynamodbRequests = sum('dynamodb.', 'requests');
  const writeUnits = sum('dynamodb.', 'writeUnits');
  const readUnits = sum('dynamodb.', 'readUnits');
  const sqsRequests = sum('sqs.', 'requests', isIdleReceive);
  const fifoBilled = sum('sqs.fifo.', 'billedRequests', isIdleReceive);
  const standardBilled = sum('sqs.standard.', 'billedRequests', isIdleReceive);
  const idleReceives = sum('sqs.', 'requests', (key) => !isIdleReceive(key));

  let invocations = 0;
  let gbSeconds = 0;
  let durationUsd = 0;
  const unsized: string[] = [];
  for (const [name, tally] of Object.entries(run.lambda)) {
    if (!tally) continue;
    invocations += tally.invocations;
    const size = sizing[name];
    if (!size) {
      unsized.push(name);
      continue;
    }
    const functionGbSeconds = (tally.billedMs / 1000) * (size.memoryMb / 1024);
    gbSeconds += functionGbSeconds;
    durationUsd +=
      functionGbSeconds * (size.architecture === 'arm64' ? prices.lambdaArmGbSecond : prices.lambdaX86GbSecond);
  }
  const logBytes = run.logBytes === null ? null : run.logBytes + invocations * LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION;

  const million = 1_000_000;
  const byItem = {
    dynamodb_writes: perEvent(writeUnits) * prices.dynamodbWriteRequestUnitPerMillion,
    dynamodb_reads: perEvent(readUnits) * prices.dynamodbReadRequestUnitPerMillion,
    sqs:
      perEvent(fifoBilled) * prices.sqsFifoRequestPerMillion +
      perEvent(standardBilled) * prices.sqsStandardRequestPerMillion,
    lambda_requests: perEvent(invocations) * prices.lambdaRequestPerMillion,
    lambda_duration: perEvent(durationUsd) * million,
    api_gateway: perEvent(run.deliveries) * prices.apiGatewayHttpRequestPerMillion,
    cloudwatch_logs: logBytes === null ? 0 : (perEvent(logBytes) * million * prices.cloudWatchLogsIngestedGb) / GIB,
  };
  const notes = [
    `SQS receives that found nothing (${idleReceives}) are left out: idle polling is a fixed cost per queue, not per event.`,
    'Lambda durations are measured on this machine with every function sharing one process: an upper bound.',
    `Logs: the functions' own lines plus an estimated ${LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION} bytes of START/END/REPORT per invocation.`,
    'Not included: X-Ray traces (sampled, not per event), data transfer, storage, alarms and the dashboard.',
  ];
  if (unsized.length > 0) notes.push(`No memory size known for ${unsized.join(', ')}: their duration is not priced.`);
  if (logBytes === null) notes.push('Log bytes unknown (the end-to-end run did not log to a file): logs not priced.');

  return {
    events: run.events,
    requests_per_event: {
      dynamodb: round(perEvent(dynamodbRequests), 2),
      sqs: round(perEvent(sqsRequests), 2),
      lambda: round(perEvent(invocations), 2),
      api_gateway: round(perEvent(run.deliveries), 2),
      total: round(perEvent(dynamodbRequests + sqsRequests + invocations + run.deliveries), 2),
    },
    units_per_event: {
      dynamodb_write_units: round(perEvent(writeUnits), 2),
      dynamodb_read_units: round(perEvent(readUnits), 2),
      sqs_billed_requests: round(perEvent(fifoBilled + standardBilled), 2),
      lambda_gb_seconds: round(perEvent(gbSeconds), 5),
      log_bytes: logBytes === null ? null : round(perEvent(logBytes), 0),
    },
    usd_per_million_events: round(
      Object.values(byItem).reduce((a, b) => a + b, 0),
      2,
    ),
    usd_per_million_events_by_item: Object.fromEntries(Object.entries(byItem).map(([k, v]) => [k, round(v, 3)])),
    prices_checked_on: PRICES_CHECKED_ON,
    notes,
  };
}
