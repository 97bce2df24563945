/** The machine a bench run came from, printed and written with the figures. */
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

export interface Machine {
  nproc: number;
  node: string;
  cpu_model: string;
  memory_gb: number;
  platform: string;
}

export function describeMachine(): Machine {
  return {
    nproc: availableParallelism(),
    node: process.version,
    cpu_model: cpuModel(),
    memory_gb: Math.round(totalmem() / 1024 ** 3),
    platform: `${process.platform} ${process.arch}`,
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
