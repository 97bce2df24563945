/**
 * The instant by which an invocation must stop waiting, for code that cannot see the Lambda context (the Stripe
 * client's 429 waits, stripe-rate-limit.ts). A worker runs its batch inside `withInvocationDeadline`; outside one
 * there is no deadline.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<number>();

/** Kept back from the time left for what follows the waits: the rest of the batch, requeues, the answer. */
export const deadlineReserveMs = (remainingMs: number): number => Math.min(10_000, remainingMs / 3);

export function withInvocationDeadline<T>(remainingMs: number, work: () => Promise<T>): Promise<T> {
  return deadlines.run(Date.now() + remainingMs - deadlineReserveMs(remainingMs), work);
}

/** Epoch milliseconds, or undefined outside a worker's batch. */
export const invocationDeadline = (): number | undefined => deadlines.getStore();
