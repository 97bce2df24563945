/**
 * Counts and times every handler invocation of the local stack (wrapped through startLocalStack's `wrapHandler`):
 * Lambda bills one request per invocation and GB-seconds for its duration at the configured memory.
 */
import type { FunctionName } from '#contracts/api-routes.js';

export interface FunctionInvocations {
  invocations: number;
  /** Sum of invocation durations, each rounded up to the millisecond as Lambda bills them. */
  billedMs: number;
  /** SQS records handed in (SQS-triggered functions). */
  records: number;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export class InvocationRecorder {
  private byFunction = new Map<FunctionName, FunctionInvocations>();

  readonly wrap = (name: FunctionName, handler: unknown): unknown => {
    const inner = handler as Handler;
    return async (event: unknown, context: unknown) => {
      const started = performance.now();
      try {
        return await inner(event, context);
      } finally {
        const tally = this.tallyOf(name);
        tally.invocations += 1;
        tally.billedMs += Math.ceil(performance.now() - started);
        tally.records += (event as { Records?: unknown[] }).Records?.length ?? 0;
      }
    };
  };

  snapshot(): Partial<Record<FunctionName, FunctionInvocations>> {
    return Object.fromEntries([...this.byFunction].map(([name, tally]) => [name, { ...tally }]));
  }

  reset(): void {
    this.byFunction.clear();
  }

  private tallyOf(name: FunctionName): FunctionInvocations {
    let tally = this.byFunction.get(name);
    if (!tally) {
      tally = { invocations: 0, billedMs: 0, records: 0 };
      this.byFunction.set(name, tally);
    }
    return tally;
  }
}
