/**
 * Stripe's API limiters, off unless asked for (docs.stripe.com/rate-limits): a rate limiter counting requests per
 * second across the account and per endpoint (each method + route pattern is one endpoint: `GET /v1/transfers/:id`
 * counts the same whatever the id), answering 429 `rate_limit` over the limit; and object locks, answering 429
 * `lock_timeout` to a write that reaches an object another write is still holding. A sliding one-second window.
 *
 * Stripe's client libraries do not retry a 429 `rate_limit` but do retry a `lock_timeout`, which Stripe marks with
 * `Stripe-Should-Retry: true`; the emulator sends that header too.
 */
import { StripeApiError } from './errors.js';
import { RequestCounter } from './request-counts.js';

export interface RateLimitSettings {
  /** Requests per second over all /v1 endpoints (Stripe: 25 in a sandbox, 100 in live mode). Absent or 0: none. */
  global?: number;
  /** Requests per second for each endpoint not listed in `endpoints` (Stripe: 25 unless noted). Absent or 0: none. */
  perEndpoint?: number;
  /** Per-endpoint limits, e.g. `{ 'POST /v1/transfers': 5 }` (0: none for that endpoint). */
  endpoints?: Record<string, number>;
  /** A write (POST/DELETE) to an object another write still holds gets 429 `lock_timeout`. Default false. */
  lockTimeout?: boolean;
  /** With `lockTimeout`: how long each write holds its object (ms of simulated processing, delaying its answer). Default 25. */
  lockHoldMs?: number;
}

/** Stripe's published limits: `sandbox` (test mode) and `live`. */
export const STRIPE_RATE_LIMITS = {
  sandbox: { global: 25, perEndpoint: 25 },
  live: { global: 100, perEndpoint: 25 },
} as const satisfies Record<string, RateLimitSettings>;

export type RateLimitOption = RateLimitSettings | keyof typeof STRIPE_RATE_LIMITS | null;

export const DEFAULT_LOCK_HOLD_MS = 25;
const WINDOW_MS = 1000;

export const rateLimited = (): StripeApiError =>
  new StripeApiError(429, {
    type: 'invalid_request_error',
    code: 'rate_limit',
    message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
  });

export const lockTimeout = (): StripeApiError =>
  new StripeApiError(429, {
    type: 'invalid_request_error',
    code: 'lock_timeout',
    message:
      'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.',
  });

export function resolveRateLimits(option: RateLimitOption | undefined): RateLimitSettings {
  if (option === null || option === undefined) return {};
  if (typeof option === 'string') {
    const preset = STRIPE_RATE_LIMITS[option];
    if (!preset) throw new Error(`Unknown rate limit preset: ${option}`);
    return { ...preset };
  }
  const numbers: Array<[string, unknown]> = [
    ['global', option.global],
    ['perEndpoint', option.perEndpoint],
    ['lockHoldMs', option.lockHoldMs],
    ...Object.entries(option.endpoints ?? {}).map(([k, v]): [string, unknown] => [`endpoints['${k}']`, v]),
  ];
  for (const [name, value] of numbers) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new Error(`Rate limit ${name} must be a number >= 0`);
    }
  }
  for (const key of Object.keys(option.endpoints ?? {})) {
    if (!/^(GET|POST|DELETE) \/v1\/\S*$/.test(key)) {
      throw new Error(`Rate limit endpoint '${key}' must look like 'POST /v1/transfers' or 'GET /v1/transfers/:id'`);
    }
  }
  return structuredClone(option);
}

/** One /v1 request passing through the limiters; `close` it once answered. */
export interface RequestTicket {
  /** The endpoint: `POST /v1/transfers/:id` (or `METHOD /path` for an unrecognized URL). */
  readonly route: string;
  /**
   * Applies the limiters: throws Stripe's 429 (adding its response headers to `headers`) or admits the request,
   * for a write under `lockTimeout` after holding its object for `lockHoldMs`.
   */
  admit(headers: Record<string, string>): Promise<void>;
  /** Counts the answer and releases the object lock. Idempotent. */
  close(status: number): void;
}

export class RequestGate {
  readonly counts = new RequestCounter();
  private settings: RateLimitSettings = {};
  private initial: RateLimitSettings = {};
  /** Admission times (performance.now()) within the last second, per endpoint and under '*' for all. */
  private readonly windows = new Map<string, number[]>();
  /** Objects held by a write in progress: how many writes hold each. */
  private readonly locks = new Map<string, number>();

  /** Settings at start, restored by `reset`. */
  configureDefaults(option: RateLimitOption | undefined): void {
    this.initial = resolveRateLimits(option);
    this.settings = structuredClone(this.initial);
  }

  /** Replaces the limits in force (null: none). Returns them. */
  configure(option: RateLimitOption): RateLimitSettings {
    this.settings = resolveRateLimits(option);
    this.windows.clear();
    return this.current();
  }

  current(): RateLimitSettings {
    return structuredClone(this.settings);
  }

  /** Back to the start settings, windows and counts emptied (held locks stay with their requests). */
  reset(): void {
    this.settings = structuredClone(this.initial);
    this.windows.clear();
    this.counts.reset();
  }

  /**
   * A ticket for `method path`. `match` is the route the API matched (its pattern and captured ids), if any:
   * the first id of a POST/DELETE is the object a write locks.
   */
  open(method: string, path: string, match: { pattern: string; ids: string[] } | undefined): RequestTicket {
    const route = match?.pattern ?? `${method} ${path.replace(/\/+$/, '')}`;
    const lockKey = (method === 'POST' || method === 'DELETE') && match?.ids[0] ? match.ids[0] : undefined;
    let held = false;
    let closed = false;
    let lockRefused = false;
    return {
      route,
      admit: async (headers) => {
        this.checkRate(route);
        if (!this.settings.lockTimeout || lockKey === undefined) return;
        if ((this.locks.get(lockKey) ?? 0) > 0) {
          lockRefused = true;
          headers['Stripe-Should-Retry'] = 'true';
          throw lockTimeout();
        }
        this.locks.set(lockKey, 1);
        held = true;
        const holdMs = this.settings.lockHoldMs ?? DEFAULT_LOCK_HOLD_MS;
        if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
      },
      close: (status) => {
        if (closed) return;
        closed = true;
        this.counts.record(route, status, lockRefused);
        if (held && lockKey !== undefined) {
          const holders = (this.locks.get(lockKey) ?? 1) - 1;
          if (holders > 0) this.locks.set(lockKey, holders);
          else this.locks.delete(lockKey);
        }
      },
    };
  }

  /** Throws 429 rate_limit when the account or the endpoint has had its fill in the last second; else counts it. */
  private checkRate(route: string): void {
    const globalLimit = this.settings.global ?? 0;
    const endpointLimit = this.settings.endpoints?.[route] ?? this.settings.perEndpoint ?? 0;
    if (globalLimit <= 0 && endpointLimit <= 0) return;
    const now = performance.now();
    const all = this.window('*', now);
    const mine = this.window(route, now);
    if ((globalLimit > 0 && all.length >= globalLimit) || (endpointLimit > 0 && mine.length >= endpointLimit)) {
      throw rateLimited();
    }
    all.push(now);
    mine.push(now);
  }

  private window(key: string, now: number): number[] {
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    let expired = 0;
    while (expired < times.length && (times[expired] as number) <= now - WINDOW_MS) expired += 1;
    if (expired > 0) times.splice(0, expired);
    return times;
  }
}
