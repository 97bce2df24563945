/** Starts variant workers (bench/ack/variant-worker.ts, one process each) and calls them one request at a time. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

const WORKER = fileURLToPath(new URL('./variant-worker.ts', import.meta.url));

export interface VariantWorker {
  call<K extends WorkerResponse['kind']>(
    request: WorkerRequest,
    expect: K,
  ): Promise<Extract<WorkerResponse, { kind: K }>>;
  stop(): Promise<void>;
}

/** The worker inherits this process's stdout and stderr (the section's log file): its handler logs there. */
export function startVariantWorker(env: NodeJS.ProcessEnv): VariantWorker {
  const child: ChildProcess = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let pending: { resolve: (response: WorkerResponse) => void; reject: (error: Error) => void } | undefined;
  child.on('message', (response: WorkerResponse) => {
    const waiting = pending;
    pending = undefined;
    waiting?.resolve(response);
  });
  child.on('exit', (code) => {
    pending?.reject(new Error(`variant worker exited with ${code}`));
    pending = undefined;
  });
  return {
    call: (request, expect) =>
      new Promise((resolve, reject) => {
        if (pending) return reject(new Error('variant worker is busy'));
        pending = {
          resolve: (response) => {
            if (response.kind === expect) resolve(response as never);
            else reject(new Error(response.kind === 'error' ? response.message : `unexpected ${response.kind}`));
          },
          reject,
        };
        child.send(request);
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
