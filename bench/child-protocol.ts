/**
 * How a bench section (run in its own process, its handlers' logs sent to a file) talks to bench/run.ts:
 * progress lines and one result over the IPC channel. Run alone (no channel), it prints both.
 */
export type ChildMessage = { kind: 'progress'; line: string } | { kind: 'result'; result: unknown };

export function progress(line: string): void {
  if (process.send) process.send({ kind: 'progress', line } satisfies ChildMessage);
  else process.stderr.write(`${line}\n`);
}

export async function reportResult(result: unknown): Promise<void> {
  if (!process.send) {
    process.stderr.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const send = process.send.bind(process);
  await new Promise<void>((resolve, reject) =>
    send({ kind: 'result', result } satisfies ChildMessage, undefined, {}, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
}

/** Runs a section's main: reports its result, or its error on stderr with exit code 1. */
export function runSection(main: () => Promise<unknown>): void {
  main()
    .then(reportResult)
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      progress(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
