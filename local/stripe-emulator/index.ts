/**
 * An in-process Stripe API emulator speaking Stripe's wire format, for the official SDK:
 *   const emulator = await startStripeEmulator();
 *   const stripe = new Stripe(emulator.apiKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http' });
 * Objects are shaped from Stripe's published examples (fixtures3.json). See control.ts for the HTTP control API.
 */
import { controlHandler } from './control.js';
import { buildInvoice, type StripeEventLike } from './objects.js';
import { ApiServer } from './server.js';
import { type DeliverOptions, type DeliveryResult, deliverEvent } from './signing.js';
import { DEFAULT_CURRENCY, EmulatorStore } from './store.js';

export { API_VERSION, type StripeEventLike, type StripeList } from './objects.js';
export type { DeliverOptions, DeliveryResult } from './signing.js';
export { DEFAULT_BALANCE } from './store.js';

export const DEFAULT_API_KEY = 'sk_test_emulator';

export interface StripeEmulator {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The only secret key accepted. */
  readonly apiKey: string;
  /** Sets the platform's available balance (cents) in `currency` (default usd). */
  setBalance(available: number, currency?: string): void;
  /** The platform balance object, as GET /v1/balance returns it. */
  balance(): Record<string, unknown>;
  /** The next `count` /v1 requests fail with a Stripe-shaped api_error (`status`, default 500). */
  failNext(count: number, status?: number): void;
  /** The next `count` /v1 requests wait `ms` before being handled (and are handled even if the client gave up). */
  delayNext(count: number, ms: number): void;
  /** Forgets all objects, events, idempotency keys and faults; balance back to the default. */
  reset(): void;
  /** Stores an event (retrievable and listable through the API) and returns it. */
  createEvent<T extends object>(type: string, object: T): StripeEventLike<T>;
  /** POSTs the event as JSON signed with Stripe-Signature, as Stripe / `stripe listen` do. */
  deliver(event: StripeEventLike<object>, opts: DeliverOptions): Promise<DeliveryResult>;
  /** A paid invoice from the fixture (fresh in_ id), overrides deep-merged; also served by GET /v1/invoices/:id. */
  buildInvoice(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** Every transfer held, oldest first (copies). */
  transfers(): ReadonlyArray<Record<string, unknown>>;
  /** Every event held, oldest first (copies). */
  events(): ReadonlyArray<StripeEventLike>;
  stop(): Promise<void>;
}

export interface StripeEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  apiKey?: string;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
}

export async function startStripeEmulator(opts: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  const host = opts.host ?? '127.0.0.1';
  const store = new EmulatorStore();
  let port = 0;
  const emulator: StripeEmulator = {
    get port() {
      return port;
    },
    get url() {
      return `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
    },
    apiKey,
    setBalance: (available, currency = DEFAULT_CURRENCY) => store.setBalance(available, currency),
    balance: () => store.balance(),
    failNext: (count, status) => server.failNext(count, status),
    delayNext: (count, ms) => server.delayNext(count, ms),
    reset: () => {
      store.reset();
      server.reset();
    },
    createEvent: (type, object) => store.emit(type, object),
    deliver: (event, deliverOpts) => deliverEvent(event, deliverOpts),
    buildInvoice: (overrides) => store.addInvoice(buildInvoice(overrides)),
    transfers: () => structuredClone([...store.transfers.values()]),
    events: () => structuredClone([...store.events.values()]),
    stop: () => server.close(),
  };
  const server: ApiServer = new ApiServer(
    store,
    apiKey,
    controlHandler(emulator, () => server.faults()),
  );
  port = await server.listen(opts.port ?? 0, host);
  return emulator;
}
