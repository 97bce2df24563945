/** The local stack runs the scheduled functions on its own, with the scheduled event EventBridge sends. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/local-stack.js';
import { msUntilUtc } from '../../local/schedules.js';

describe('scheduled functions in the local stack', () => {
  let stack: LocalStack;
  const runs: Array<{ name: string; event: Record<string, unknown>; result: unknown }> = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      stripeEmulatorPort: 0,
      webhookSecrets: ['whsec_schedules_0123456789'],
      schedules: { catchUpIntervalMs: 300 },
      wrapHandler: (name, handler) =>
        name === 'catch-up'
          ? async (event: Record<string, unknown>, context: unknown) => {
              const result = await (handler as (e: unknown, c: unknown) => Promise<unknown>)(event, context);
              runs.push({ name, event, result });
              return result;
            }
          : handler,
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('runs the catch-up every interval with a scheduled event, and it finishes its run', async () => {
    // Act
    const deadline = Date.now() + 20_000;
    while (runs.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // Assess
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]?.event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(typeof runs[0]?.event.time).toBe('string');
    expect(runs[0]?.result).toBeTypeOf('object');
  });

  it('schedules the reconcile for the next 02:30 UTC', () => {
    // Assess
    expect(msUntilUtc('02:30', new Date('2026-12-01T01:30:00Z'))).toBe(3_600_000);
    expect(msUntilUtc('02:30', new Date('2026-12-01T03:30:00Z'))).toBe(23 * 3_600_000);
  });
});
