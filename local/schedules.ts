/**
 * EventBridge's schedules, in-process: the catch-up every `catchUpIntervalMs` and the reconcile once a day at
 * `reconcileTimeUtc` ("HH:MM"), each invoked with a scheduled event as EventBridge sends it, so `npm start` needs
 * nobody to run them either. A run that throws is logged; the next one comes on time.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

export type ScheduledHandler = (event: Record<string, unknown>, context: Context) => Promise<unknown>;

export interface LocalSchedulesOptions {
  catchUp: ScheduledHandler;
  reconcile: ScheduledHandler;
  catchUpIntervalMs: number;
  reconcileTimeUtc: string;
  log?: (line: string) => void;
}

const DAY_MS = 86_400_000;

/** A scheduled event as EventBridge delivers it (`time` is when the schedule fired). */
export const scheduledEvent = (now: Date): Record<string, unknown> => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: [],
  detail: {},
});

/** Milliseconds from `now` until the next `HH:MM` UTC. */
export function msUntilUtc(time: string, now: Date): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hours, minutes);
  return next > now.getTime() ? next - now.getTime() : next + DAY_MS - now.getTime();
}

export function startLocalSchedules(options: LocalSchedulesOptions): { stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  const run = (name: string, handler: ScheduledHandler, timeoutSeconds: number) => () => {
    handler(scheduledEvent(new Date()), lambdaContext(name, timeoutSeconds)).catch((error: unknown) =>
      options.log?.(`[${name}] scheduled run failed: ${String(error)}`),
    );
  };
  timers.push(setInterval(run('catch-up', options.catchUp, 300), options.catchUpIntervalMs));
  const reconcile = run('reconcile', options.reconcile, 600);
  timers.push(
    setTimeout(
      () => {
        reconcile();
        const daily = setInterval(reconcile, DAY_MS);
        daily.unref();
        timers.push(daily);
      },
      msUntilUtc(options.reconcileTimeUtc, new Date()),
    ),
  );
  for (const timer of timers) timer.unref();
  return {
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
