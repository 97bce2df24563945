/**
 * How the CLI and the demo reach the Stripe emulator of a running `npm start`: the official SDK (any sk_test_ key
 * is accepted) and the emulator's delivery controls (`/_emulator/deliveries*`), which stand in for the Dashboard's
 * view of webhook attempts.
 */
import type Stripe from 'stripe';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import type { DeliveryAttempt } from '../stripe-emulator/index.js';
import { DEFAULT_API_KEY } from '../stripe-emulator/index.js';

export const DEFAULT_EMULATOR_PORT = 12111;

export interface EmulatorConnection {
  url: string;
  stripe: Stripe;
}

/** STRIPE_EMULATOR_PORT (default 12111) on 127.0.0.1. */
export function emulatorConnection(port: string | undefined = process.env.STRIPE_EMULATOR_PORT): EmulatorConnection {
  const url = `http://127.0.0.1:${port || DEFAULT_EMULATOR_PORT}`;
  return { url, stripe: createStripeClient(DEFAULT_API_KEY, { baseUrl: url, maxNetworkRetries: 0 }) };
}

async function control<T>(emulator: EmulatorConnection, method: 'GET' | 'POST', path: string, body?: object) {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Waits until the emulator has no delivery in flight or scheduled (retries included), at most `timeoutMs`. */
export const whenDelivered = (emulator: EmulatorConnection, timeoutMs = 30_000): Promise<unknown> =>
  control(emulator, 'POST', '/_emulator/deliveries/idle', { timeoutMs });

/** Every delivery attempt the emulator made, oldest first. */
export const deliveryAttempts = async (emulator: EmulatorConnection): Promise<DeliveryAttempt[]> =>
  (await control<{ data: DeliveryAttempt[] }>(emulator, 'GET', '/_emulator/deliveries')).data;

/** A friendlier error when nothing listens on the emulator's port. */
export function explainConnectionError(error: unknown, emulator: EmulatorConnection): Error {
  const text = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED|fetch failed|connection to Stripe/i.test(text)) {
    return new Error(`The Stripe emulator at ${emulator.url} did not answer: is \`npm start\` running?`);
  }
  return error instanceof Error ? error : new Error(text);
}
