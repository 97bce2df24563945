import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';

export const DYNAMODB_LOCAL_DIR = resolve(import.meta.dirname, '..', '.cache', 'dynamodb-local');

export interface DynamoDbLocal {
  readonly port: number;
  readonly endpoint: string;
  /** Stops the JVM and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills the JVM at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  port?: number;
  /** Persist to this folder instead of memory (survives a restart on the same port). */
  dbPath?: string;
}

/** Starts AWS's DynamoDB Local (Java 17) on 127.0.0.1 and resolves once it answers HTTP. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  if (!existsSync(join(DYNAMODB_LOCAL_DIR, 'DynamoDBLocal.jar'))) {
    throw new Error(`DynamoDB Local is not installed in ${DYNAMODB_LOCAL_DIR}: run \`npm run services:install\``);
  }
  const port = options.port ?? (await freePort());
  const storage = options.dbPath ? ['-dbPath', ensureDir(options.dbPath)] : ['-inMemory'];
  const child = spawn(
    'java',
    [
      '-Xms64m',
      '-Xmx512m',
      '-Djava.library.path=DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: DYNAMODB_LOCAL_DIR, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(endpoint, child, () => stderr);
  return {
    port,
    endpoint,
    stop: () => terminate(child, 'SIGTERM'),
    kill: () => terminate(child, 'SIGKILL'),
  };
}

function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return resolve(path);
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with ${child.exitCode}: ${stderr()}`);
    }
    try {
      // Any HTTP answer (DynamoDB Local replies 400 to a bare GET) means it is serving.
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s: ${stderr()}`);
}

function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => {
    child.once('exit', () => resolveExit());
    child.kill(signal);
  });
}
