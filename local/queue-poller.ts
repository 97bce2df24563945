/**
 * Lambda's SQS event source mapping, in-process and continuous: long-polls the queue and delivers each batch
 * through sqs-event-source.ts until stopped.
 */
import { deliverBatch, type SqsEventSource } from './sqs-event-source.js';

export type { SqsHandler } from './sqs-event-source.js';
export type QueuePollerOptions = SqsEventSource;

export interface QueuePoller {
  stop(): Promise<void>;
}

export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  let running = true;
  const abort = new AbortController();
  const loop = (async () => {
    while (running) {
      try {
        await deliverBatch(options, { waitSeconds: 1, signal: abort.signal });
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await sleep(500);
      }
    }
  })();
  return {
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
