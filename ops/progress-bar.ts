import type { Io } from './output.js';

const WIDTH = 24;

export interface ProgressBar {
  update(done: number, note?: string): void;
  finish(): void;
}

/** A one-line bar redrawn on standard error; draws nothing when standard error is not a terminal. */
export function progressBar(io: Io, label: string, total: number): ProgressBar {
  if (!io.errIsTty || total === 0) return { update: () => undefined, finish: () => undefined };
  let drawn = false;
  return {
    update(done, note) {
      const filled = Math.round((WIDTH * Math.min(done, total)) / total);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
      io.errRaw(`\r\x1b[2K${label} [${bar}] ${done}/${total}${note ? `  ${note}` : ''}`);
      drawn = true;
    },
    finish() {
      if (drawn) io.errRaw('\n');
      drawn = false;
    },
  };
}
