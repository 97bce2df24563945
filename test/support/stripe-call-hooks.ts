/**
 * A worker's Stripe payments with a hook around one of its calls, for tests that make something happen at an exact
 * point of a worker's run (a refund landing between a transfer's create and its record, and so on).
 */
import type { PaymentsForContext } from '../../functions/commons/stripe-payments.js';

export interface CallHooks {
  /** Runs before the call reaches Stripe; `call` counts this method's calls from 1. */
  before?: (call: number, args: unknown[]) => Promise<void>;
  /** Runs after Stripe answered, before the worker sees the answer. */
  after?: (call: number, args: unknown[]) => Promise<void>;
}

export function aroundCalls(real: PaymentsForContext, method: string, hooks: CallHooks): PaymentsForContext {
  let calls = 0;
  return (context) => {
    const provider = real(context);
    return new Proxy(provider, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (typeof value !== 'function') return value;
        if (name !== method) return value.bind(target);
        return async (...args: unknown[]) => {
          const call = ++calls;
          await hooks.before?.(call, args);
          const answer = await value.apply(target, args);
          await hooks.after?.(call, args);
          return answer;
        };
      },
    });
  };
}
