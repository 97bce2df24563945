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
  const javaArgs = [
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
  ];
  const child = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'dynamodb-local', ...javaArgs], {
    cwd: DYNAMODB_LOCAL_DIR,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const javaPid = await firstLine(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(endpoint, child, () => stderr);
  return {
    port,
    endpoint,
    stop: () => terminate(child, javaPid, 'SIGTERM'),
    kill: () => terminate(child, javaPid, 'SIGKILL'),
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
  child.stdin?.end();
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s: ${stderr()}`);
}

function terminate(child: ChildProcess, javaPid: number, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    child.stdin?.end();
    return Promise.resolve();
  }
  return new Promise((resolveExit) => {
    child.once('exit', () => {
      child.stdin?.end();
      resolveExit();
    });
    try {
      process.kill(javaPid, signal);
    } catch {
      child.stdin?.end();
    }
  });
}

/**
 * Runs the JVM under a shell that prints its pid and kills it once our end of stdin closes, so a test
 * run or `npm start` that dies abruptly never leaves DynamoDB Local behind holding its port.
 */
const WATCHDOG_SCRIPT = [
  // A background job's stdin is /dev/null in sh: keep ours on fd 3 for the watchdog.
  'exec 3<&0',
  'java "$@" </dev/null >/dev/null 3<&- &',
  'child=$!',
  'echo $child',
  '(read _ <&3; kill -9 $child 2>/dev/null) &',
  'wait $child',
].join('\n');

function firstLine(child: ChildProcess): Promise<number> {
  return new Promise((resolvePid, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n') && line) resolvePid(Number(line.trim()));
    });
    child.once('exit', (code) => reject(new Error(`DynamoDB Local's launcher exited with ${code}`)));
    child.once('error', reject);
  });
}
