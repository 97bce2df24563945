/** A variant worker process: builds one webhook handler and sends it the slices of the schedule it is told to. */
import type { BenchEvent } from '../events.js';
import { RequestCounter } from '../request-counter.js';
import { buildVariant } from './build-variant.js';
import { sendDeliveries } from './send-deliveries.js';
import type { WebhookHandler } from './variant.js';
import type { Phase, WorkerConfig, WorkerRequest, WorkerResponse } from './worker-protocol.js';

let handler: WebhookHandler | undefined;
let config: WorkerConfig | undefined;
let events: BenchEvent[] = [];
let schedules: Record<Phase, number[]> = { warmup: [], measured: [], serial: [] };
const counter = new RequestCounter();

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  switch (request.kind) {
    case 'init': {
      ({ config, events, schedules } = request);
      const built = await buildVariant(config);
      handler = built.handler;
      counter.attach(built.clients.dynamodb, 'dynamodb');
      counter.attach(built.clients.sqs, 'sqs');
      return { kind: 'ready' };
    }
    case 'run': {
      if (!handler || !config) throw new Error('run before init');
      counter.label = request.phase;
      const slice = schedules[request.phase].slice(request.from, request.to).map((i) => events[i] as BenchEvent);
      const report = await sendDeliveries(handler, slice, config.webhookSecret, request.concurrency);
      return { kind: 'ran', ...report };
    }
    case 'tallies':
      return { kind: 'tallies', tallies: counter.tallies(request.phase) };
  }
}

process.on('message', (request: WorkerRequest) => {
  handle(request)
    .catch(
      (error: unknown): WorkerResponse => ({
        kind: 'error',
        message: error instanceof Error ? error.message : String(error),
      }),
    )
    .then((response) => process.send?.(response));
});
process.on('disconnect', () => process.exit(0));
