/**
 * Runs one bench section in a process of its own (each section sets the environment its handlers read, and local
 * stacks are one per process), with its stdout and stderr (the handlers' logs) going to `logFile`. Its progress
 * lines are printed here; its result comes back over the IPC channel.
 */
import { fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './child-protocol.js';

export async function runSection<T>(entry: string, title: string, logFile: string): Promise<T> {
  const file = fileURLToPath(new URL(entry, import.meta.url));
  const log = openSync(logFile, 'a');
  try {
    return await new Promise<T>((resolve, reject) => {
      let result: { value: T } | undefined;
      const child = fork(file, [], {
        execArgv: ['--import', 'tsx'],
        // Deployed logging: compact JSON lines, not the pretty-printed development format.
        env: { ...process.env, POWERTOOLS_DEV: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        stdio: ['ignore', log, log, 'ipc'],
      });
      child.on('message', (message: ChildMessage) => {
        if (message.kind === 'progress') console.log(`  [${title}] ${message.line}`);
        else result = { value: message.result as T };
      });
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code === 0 && result) resolve(result.value);
        else reject(new Error(`${title} failed (exit ${code}); its log: ${logFile}`));
      });
    });
  } finally {
    closeSync(log);
  }
}
