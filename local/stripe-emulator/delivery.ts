/**
 * Webhook delivery as Stripe does it, with its time scale shrunk by settings: every event the store emits goes,
 * asynchronously, to each enabled endpoint subscribed to its type, POSTed as JSON and signed with that endpoint's
 * secret (`Stripe-Signature: t=...,v1=...`). A non-2xx answer, a connection error or a timeout is retried with
 * exponential backoff up to `maxAttempts`; an endpoint that keeps failing is disabled; `pending_webhooks` on the
 * event counts the endpoints that have not had it successfully yet (which `events.list({ delivery_success })` reads).
 * Duplicate and out-of-order deliveries, which Stripe warns about, can be switched on.
 */
import { parameterInvalid } from './errors.js';
import type { FormParams } from './form.js';
import type { StripeEventLike } from './objects.js';
import { deliverEvent } from './signing.js';
import { type WebhookEndpointRecord, WebhookEndpoints } from './webhook-endpoints.js';

export interface DeliverySettings {
  /** false: events are stored but sent nowhere. Default true. */
  enabled: boolean;
  /** Automatic attempts per event and endpoint, the first included. Default 4 (Stripe's sandbox: the first + 3 retries). */
  maxAttempts: number;
  /** Wait before the first retry (ms); each further retry waits `retryFactor` times longer, at most `retryMaxMs`. Default 100. */
  retryBaseMs: number;
  /** Default 2. */
  retryFactor: number;
  /** Default 5000. */
  retryMaxMs: number;
  /** An attempt not answered within this long fails (ms). Default 10000. */
  timeoutMs: number;
  /** Probability (0..1) that a first attempt is followed by a second, duplicate delivery. Default 0. */
  duplicateRate: number;
  /** Delay of a duplicate after the attempt it copies (ms). Default 5. */
  duplicateDelayMs: number;
  /** Sends first attempts in batches, newest event first, instead of in order. Default false. */
  outOfOrder: boolean;
  /** How long first attempts are collected into one out-of-order batch (ms). Default 25. */
  outOfOrderWindowMs: number;
  /** An endpoint is disabled after this many automatic attempts failed in a row (0: never). Default 20. */
  disableAfterFailures: number;
  /** ... or once it has been failing, with no success, for this long (ms; 0: never). Default 0 (Stripe: days). */
  disableAfterMs: number;
}

export const DEFAULT_DELIVERY_SETTINGS: Readonly<DeliverySettings> = Object.freeze({
  enabled: true,
  maxAttempts: 4,
  retryBaseMs: 100,
  retryFactor: 2,
  retryMaxMs: 5_000,
  timeoutMs: 10_000,
  duplicateRate: 0,
  duplicateDelayMs: 5,
  outOfOrder: false,
  outOfOrderWindowMs: 25,
  disableAfterFailures: 20,
  disableAfterMs: 0,
});

export type DeliveryKind = 'initial' | 'retry' | 'duplicate' | 'resend';

/** One HTTP attempt to deliver an event to an endpoint. */
export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  /** 1 for the first request of this event to this endpoint, counting retries, duplicates and resends. */
  attempt: number;
  kind: DeliveryKind;
  /** The HTTP status answered; null when the request failed (connection error, timeout). */
  status: number | null;
  /** A 2xx answer. */
  ok: boolean;
  error?: string;
  /** When the attempt started (ms since the epoch). */
  at: number;
  durationMs: number;
}

/** The delivery log keeps the newest attempts only, so a long local run does not grow without bound. */
const MAX_LOG = 10_000;

type TargetStatus = 'pending' | 'succeeded' | 'failed';

/** The delivery of one event to one endpoint. */
interface Target {
  status: TargetStatus;
  /** Requests sent so far, of any kind. */
  sent: number;
  /** Automatic attempts (initial + retries) so far. */
  automatic: number;
  retry?: NodeJS.Timeout;
}

interface EventDeliveries {
  event: StripeEventLike;
  targets: Map<string, Target>;
}

const validate = (settings: Partial<DeliverySettings>): void => {
  for (const [key, value] of Object.entries(settings)) {
    if (!(key in DEFAULT_DELIVERY_SETTINGS)) throw new Error(`Unknown delivery setting: ${key}`);
    const expected = typeof DEFAULT_DELIVERY_SETTINGS[key as keyof DeliverySettings];
    if (typeof value !== expected || (typeof value === 'number' && (!Number.isFinite(value) || value < 0))) {
      throw new Error(`Delivery setting ${key} must be a ${expected === 'number' ? 'number >= 0' : expected}`);
    }
  }
  if (settings.maxAttempts !== undefined && settings.maxAttempts < 1) throw new Error('maxAttempts must be >= 1');
  if (settings.duplicateRate !== undefined && settings.duplicateRate > 1) {
    throw new Error('duplicateRate must be between 0 and 1');
  }
};

export class WebhookDelivery {
  readonly endpoints = new WebhookEndpoints();
  private settings: DeliverySettings;
  private initial: DeliverySettings;
  private readonly deliveries = new Map<string, EventDeliveries>();
  private log: DeliveryAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private batch: Array<{ eventId: string; endpointId: string }> = [];
  private abort = new AbortController();
  /** Bumped by reset/stop, so work started before is dropped when it finishes. */
  private generation = 0;
  private outstanding = 0;
  private waiters: Array<() => void> = [];

  constructor(settings: Partial<DeliverySettings> = {}) {
    validate(settings);
    this.initial = { ...DEFAULT_DELIVERY_SETTINGS, ...settings };
    this.settings = { ...this.initial };
  }

  /** Changes settings from now on (work already scheduled keeps its timing). Returns the settings in force. */
  configure(settings: Partial<DeliverySettings>): DeliverySettings {
    validate(settings);
    this.settings = { ...this.settings, ...settings };
    return { ...this.settings };
  }

  /** The settings `reset()` returns to (those given at start). */
  configureDefaults(settings: Partial<DeliverySettings>): void {
    validate(settings);
    this.initial = { ...DEFAULT_DELIVERY_SETTINGS, ...settings };
    this.settings = { ...this.initial };
  }

  current(): DeliverySettings {
    return { ...this.settings };
  }

  /** Every attempt so far (the newest 10,000), oldest first (copies). */
  attempts(): DeliveryAttempt[] {
    return this.log.map((attempt) => ({ ...attempt }));
  }

  /** Resolves once nothing is in flight or scheduled (retries included). */
  idle(): Promise<void> {
    return this.outstanding === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Called by the store for each event it keeps. */
  dispatch(event: StripeEventLike): void {
    const endpoints = this.settings.enabled ? this.endpoints.subscribedTo(event.type) : [];
    event.pending_webhooks = endpoints.length;
    if (endpoints.length === 0) return;
    const targets = new Map<string, Target>(
      endpoints.map((endpoint) => [endpoint.object.id, { status: 'pending', sent: 0, automatic: 0 }]),
    );
    this.deliveries.set(event.id, { event, targets });
    for (const endpoint of endpoints) {
      if (this.settings.outOfOrder) this.enqueueOutOfOrder(event.id, endpoint.object.id);
      else this.later(0, () => this.send(event.id, endpoint.object.id, 'initial'));
    }
  }

  /**
   * Sends `event` again, once, as the Dashboard's "Resend" does: to `endpointId` (even if disabled or not subscribed),
   * or else to every endpoint that has not had it successfully yet (every subscribed enabled endpoint if it was never
   * sent). A success counts as delivered. Resolves with the attempts made.
   */
  async resend(event: StripeEventLike, endpointId?: string): Promise<DeliveryAttempt[]> {
    let record = this.deliveries.get(event.id);
    let ids: string[];
    if (endpointId !== undefined) {
      this.endpoints.get(endpointId);
      ids = [endpointId];
    } else {
      ids = record ? [...record.targets].filter(([, t]) => t.status !== 'succeeded').map(([id]) => id) : [];
      if (ids.length === 0 && !record) ids = this.endpoints.subscribedTo(event.type).map((e) => e.object.id);
    }
    if (!record) {
      record = { event, targets: new Map() };
      this.deliveries.set(event.id, record);
    }
    for (const id of ids) {
      if (!record.targets.has(id)) record.targets.set(id, { status: 'failed', sent: 0, automatic: 0 });
    }
    this.updatePending(record);
    const attempts = await Promise.all(ids.map((id) => this.track(() => this.send(event.id, id, 'resend'))));
    return attempts.filter((attempt): attempt is DeliveryAttempt => attempt !== undefined);
  }

  /** After an endpoint was updated or deleted: a disabled or deleted endpoint gets no further retries. */
  endpointChanged(endpointId: string): void {
    const endpoint = this.endpoints.records.get(endpointId);
    if (endpoint?.object.status !== 'enabled') this.stopRetries(endpointId);
  }

  /** `delivery_success=true|false` as a predicate on events (Stripe: false finds events still pending or failed). */
  deliverySuccessFilter(params: FormParams): (event: StripeEventLike) => boolean {
    const value = params.delivery_success;
    if (value === undefined) return () => true;
    if (value !== 'true' && value !== 'false') {
      throw parameterInvalid('delivery_success', `Invalid boolean: ${JSON.stringify(value)}`, null);
    }
    const wanted = value === 'true';
    return (event) => (event.pending_webhooks === 0) === wanted;
  }

  /** Forgets endpoints, deliveries and the log, cancels what is scheduled, and restores the start settings. */
  reset(): void {
    this.cancelAll();
    this.endpoints.clear();
    this.deliveries.clear();
    this.log = [];
    this.settings = { ...this.initial };
  }

  stop(): void {
    this.cancelAll();
  }

  private cancelAll(): void {
    this.generation += 1;
    this.abort.abort();
    this.abort = new AbortController();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.batch = [];
    for (const record of this.deliveries.values()) {
      for (const target of record.targets.values()) target.retry = undefined;
    }
    this.outstanding = 0;
    this.wake();
  }

  private wake(): void {
    if (this.outstanding !== 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Counts `work` as outstanding until it settles. */
  private async track<T>(work: () => Promise<T>): Promise<T> {
    const generation = this.generation;
    this.outstanding += 1;
    try {
      return await work();
    } finally {
      if (generation === this.generation) {
        this.outstanding -= 1;
        this.wake();
      }
    }
  }

  /** Runs `work` after `ms`, outstanding meanwhile. Returns the timer. */
  private later(ms: number, work: () => Promise<unknown>): NodeJS.Timeout {
    const generation = this.generation;
    this.outstanding += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (generation !== this.generation) return;
      this.outstanding -= 1;
      this.track(work).catch((error: unknown) => console.error('[stripe-emulator] delivery bug', error));
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private cancel(timer: NodeJS.Timeout): void {
    if (!this.timers.delete(timer)) return;
    clearTimeout(timer);
    this.outstanding -= 1;
    this.wake();
  }

  private enqueueOutOfOrder(eventId: string, endpointId: string): void {
    if (this.batch.length === 0) {
      this.later(this.settings.outOfOrderWindowMs, async () => {
        const batch = this.batch.reverse();
        this.batch = [];
        for (const { eventId: id, endpointId: endpoint } of batch) await this.send(id, endpoint, 'initial');
      });
    }
    this.batch.push({ eventId, endpointId });
  }

  private async send(eventId: string, endpointId: string, kind: DeliveryKind): Promise<DeliveryAttempt | undefined> {
    const record = this.deliveries.get(eventId);
    const target = record?.targets.get(endpointId);
    const endpoint = this.endpoints.records.get(endpointId);
    if (!record || !target) return undefined;
    if (!endpoint || (kind !== 'resend' && endpoint.object.status !== 'enabled')) {
      // Stripe: no further retries once an endpoint is disabled or deleted.
      if (target.status === 'pending') target.status = 'failed';
      return undefined;
    }
    if (kind === 'retry' && target.status === 'succeeded') return undefined; // a duplicate got through meanwhile
    const generation = this.generation;
    target.sent += 1;
    if (kind === 'initial' || kind === 'retry') target.automatic += 1;
    const attempt: DeliveryAttempt = {
      eventId,
      eventType: record.event.type,
      endpointId,
      url: endpoint.object.url,
      attempt: target.sent,
      kind,
      status: null,
      ok: false,
      at: Date.now(),
      durationMs: 0,
    };
    const { timeoutMs } = this.settings;
    try {
      const response = await deliverEvent(record.event, {
        url: endpoint.object.url,
        secret: endpoint.secret,
        timeoutMs,
        signal: this.abort.signal,
      });
      attempt.status = response.status;
      attempt.ok = response.status >= 200 && response.status < 300;
    } catch (error) {
      attempt.error =
        error instanceof Error && error.name === 'TimeoutError' ? `Timed out after ${timeoutMs} ms` : String(error);
    }
    if (generation !== this.generation) return undefined; // reset or stopped meanwhile
    attempt.durationMs = Date.now() - attempt.at;
    this.log.push(attempt);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
    if (attempt.ok) this.succeeded(record, target, endpoint);
    else this.failed(record, target, endpoint, kind);
    if (kind === 'initial' && this.settings.duplicateRate > 0 && Math.random() < this.settings.duplicateRate) {
      this.later(this.settings.duplicateDelayMs, () => this.send(eventId, endpointId, 'duplicate'));
    }
    return { ...attempt };
  }

  private succeeded(record: EventDeliveries, target: Target, endpoint: WebhookEndpointRecord): void {
    target.status = 'succeeded';
    if (target.retry) this.cancel(target.retry);
    target.retry = undefined;
    endpoint.consecutiveFailures = 0;
    endpoint.failingSince = undefined;
    this.updatePending(record);
  }

  private failed(record: EventDeliveries, target: Target, endpoint: WebhookEndpointRecord, kind: DeliveryKind): void {
    if (kind === 'duplicate' || kind === 'resend') return; // neither schedules retries nor counts towards disabling
    const now = Date.now();
    endpoint.consecutiveFailures += 1;
    endpoint.failingSince ??= now;
    const { disableAfterFailures, disableAfterMs, maxAttempts, retryBaseMs, retryFactor, retryMaxMs } = this.settings;
    if (
      (disableAfterFailures > 0 && endpoint.consecutiveFailures >= disableAfterFailures) ||
      (disableAfterMs > 0 && now - endpoint.failingSince >= disableAfterMs)
    ) {
      endpoint.object.status = 'disabled';
      this.stopRetries(endpoint.object.id);
    }
    if (target.status === 'succeeded') return;
    if (endpoint.object.status !== 'enabled' || target.automatic >= maxAttempts) {
      target.status = 'failed';
      this.updatePending(record);
      return;
    }
    const delay = Math.min(retryMaxMs, retryBaseMs * retryFactor ** (target.automatic - 1));
    const eventId = record.event.id;
    const endpointId = endpoint.object.id;
    target.retry = this.later(delay, () => {
      target.retry = undefined;
      return this.send(eventId, endpointId, 'retry');
    });
  }

  private stopRetries(endpointId: string): void {
    for (const record of this.deliveries.values()) {
      const target = record.targets.get(endpointId);
      if (target?.status !== 'pending') continue;
      if (target.retry) this.cancel(target.retry);
      target.retry = undefined;
      target.status = 'failed';
    }
  }

  /** `pending_webhooks`: the endpoints that have not had the event successfully. */
  private updatePending(record: EventDeliveries): void {
    record.event.pending_webhooks = [...record.targets.values()].filter((t) => t.status !== 'succeeded').length;
  }
}
