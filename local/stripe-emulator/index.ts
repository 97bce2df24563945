/**
 * An in-process Stripe API emulator speaking Stripe's wire format, for the official SDK:
 *   const emulator = await startStripeEmulator();
 *   const stripe = new Stripe(emulator.apiKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http' });
 * Objects are shaped from Stripe's published examples (fixtures3.json). See control.ts for the HTTP control API.
 */
import type Stripe from 'stripe';
import { controlHandler } from './control.js';
import type { DeliveryAttempt, DeliverySettings } from './delivery.js';
import type { InvoicePaymentSpec } from './invoices.js';
import { type MoneyControls, moneyControls } from './money-controls.js';
import { buildInvoice, type StripeEventLike } from './objects.js';
import type { RateLimitOption, RateLimitSettings } from './rate-limit.js';
import type { RequestCounts } from './request-counts.js';
import { ApiServer } from './server.js';
import { type DeliverOptions, type DeliveryResult, deliverEvent } from './signing.js';
import { DEFAULT_CURRENCY, EmulatorStore } from './store.js';

export {
  DEFAULT_DELIVERY_SETTINGS,
  type DeliveryAttempt,
  type DeliveryKind,
  type DeliverySettings,
} from './delivery.js';
export { API_VERSION, type StripeEventLike, type StripeList } from './objects.js';
export { type RateLimitOption, type RateLimitSettings, STRIPE_RATE_LIMITS } from './rate-limit.js';
export type { RequestCount, RequestCounts } from './request-counts.js';
export type { DeliverOptions, DeliveryResult } from './signing.js';
export { DEFAULT_BALANCE } from './store.js';

export const DEFAULT_API_KEY = 'sk_test_emulator';

export type { PreventionCaseType } from './disputes.js';
export type { InvoicePaymentSpec } from './invoices.js';
export type { MoneyControls } from './money-controls.js';

export interface BuildInvoiceOptions {
  payments?: readonly InvoicePaymentSpec[];
}

export interface StripeEmulator extends MoneyControls {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The default secret key; any sk_test_ key is accepted too (live keys never). */
  readonly apiKey: string;
  /** Sets the platform's available balance (cents) in `currency` (default usd). */
  setBalance(available: number, currency?: string): void;
  /** The platform balance object, as GET /v1/balance returns it. */
  balance(): Stripe.Balance;
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
  /**
   * A paid invoice from the fixture (fresh in_ id), overrides deep-merged; also served by GET /v1/invoices/:id.
   * `options.payments`: the card payments that paid it (each a charge and an invoice payment, e.g.
   * `[{ paymentMethod: 'pm_card_visa' }]` for all of `amount_paid`, or two with amounts for a partial payment);
   * what they leave of `amount_paid` was paid out of band; `withoutPaymentIntent: true` makes a payment a legacy
   * charge with no payment intent, named by its invoice payment. Without it the invoice has no payment at all.
   */
  buildInvoice(overrides?: Record<string, unknown>, options?: BuildInvoiceOptions): Record<string, unknown>;
  /** Every transfer held, oldest first (copies). */
  transfers(): ReadonlyArray<Record<string, unknown>>;
  /** Every event held, oldest first (copies). */
  events(): ReadonlyArray<StripeEventLike>;
  // Webhook delivery to the endpoints created through /v1/webhook_endpoints (delivery.ts).
  /** Every delivery attempt so far, oldest first: event, endpoint, attempt number, kind, status code, ok. */
  deliveries(): DeliveryAttempt[];
  /** Sends a stored event once more, to `endpointId` or to each endpoint that has not had it (the Dashboard's Resend). */
  resend(eventId: string, endpointId?: string): Promise<DeliveryAttempt[]>;
  /** Resolves once no delivery is in flight or scheduled, retries included. */
  whenDelivered(): Promise<void>;
  /** Merges delivery settings in from now on (`reset()` restores the start ones); returns the settings in force. */
  setDeliveryOptions(settings: Partial<DeliverySettings>): DeliverySettings;
  /** A webhook endpoint's signing secret (whsec_...), which the API returns on create only. */
  webhookSecret(endpointId: string): string;
  // Rate limits and request counts (rate-limit.ts).
  /** Replaces the rate limits: a preset ('sandbox', 'live'), settings, or null for none; `reset()` restores the start ones. */
  setRateLimits(limits: RateLimitOption): RateLimitSettings;
  rateLimits(): RateLimitSettings;
  /** /v1 requests served and refused with 429, in total and per endpoint (method + route), since start or reset. */
  requestCounts(): RequestCounts;
  resetRequestCounts(): void;
  stop(): Promise<void>;
}

export interface StripeEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  apiKey?: string;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Webhook delivery settings (see DeliverySettings; Stripe's hours and days scaled down to milliseconds). */
  delivery?: Partial<DeliverySettings>;
  /** Rate limits from the start: 'sandbox' (Stripe's test mode, 25/s), 'live' (100/s) or settings. Default: none. */
  rateLimits?: RateLimitOption;
}

export async function startStripeEmulator(opts: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  const host = opts.host ?? '127.0.0.1';
  const store = new EmulatorStore();
  store.webhooks.configureDefaults(opts.delivery ?? {});
  let port = 0;
  const emulator: StripeEmulator = {
    ...moneyControls(store),
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
    buildInvoice: (overrides, options) => store.addInvoice(buildInvoice(overrides), options?.payments),
    transfers: () => structuredClone([...store.transfers.values()]),
    events: () => structuredClone([...store.events.values()]),
    deliveries: () => store.webhooks.attempts(),
    resend: (eventId, endpointId) => store.webhooks.resend(store.getEvent(eventId), endpointId),
    whenDelivered: () => store.webhooks.idle(),
    setDeliveryOptions: (settings) => store.webhooks.configure(settings),
    webhookSecret: (endpointId) => store.webhooks.endpoints.get(endpointId).secret,
    setRateLimits: (limits) => server.gate.configure(limits),
    rateLimits: () => server.gate.current(),
    requestCounts: () => server.gate.counts.snapshot(),
    resetRequestCounts: () => server.gate.counts.reset(),
    stop: () => {
      store.webhooks.stop();
      return server.close();
    },
  };
  const server: ApiServer = new ApiServer(
    store,
    apiKey,
    controlHandler(emulator, () => server.faults()),
  );
  server.gate.configureDefaults(opts.rateLimits);
  port = await server.listen(opts.port ?? 0, host);
  return emulator;
}
