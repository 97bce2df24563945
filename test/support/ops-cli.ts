/** The operator CLI run in process against a platform API URL, with what it printed kept. */
import type { Io } from '../../ops/output.js';
import { runOps } from '../../ops/run.js';

export interface CapturedRun {
  code: number;
  out: string;
  err: string;
}

export async function runOpsAgainst(apiUrl: string, args: string[]): Promise<CapturedRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), errRaw: () => undefined, errIsTty: false };
  const code = await runOps([...args, '--api', apiUrl], { io, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
