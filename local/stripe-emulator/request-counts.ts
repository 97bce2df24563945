/** How many /v1 requests the emulator answered and how many it refused with a 429, per endpoint (method + route). */

export interface RequestCount {
  /** Answered with anything but a 429 (errors included). */
  served: number;
  /** Refused with a 429: `rate_limit` (the limiter, or an injected 429 fault) or `lock_timeout`. */
  rateLimited: number;
  /** The part of `rateLimited` that was `lock_timeout`. */
  lockTimeouts: number;
}

export interface RequestCounts {
  total: RequestCount;
  /** Keyed by endpoint as Stripe counts it, e.g. `POST /v1/transfers`, `GET /v1/transfers/:id`. */
  routes: Record<string, RequestCount>;
}

const zero = (): RequestCount => ({ served: 0, rateLimited: 0, lockTimeouts: 0 });

export class RequestCounter {
  private total = zero();
  private routes = new Map<string, RequestCount>();

  record(route: string, status: number, lockTimeout = false): void {
    let count = this.routes.get(route);
    if (!count) {
      count = zero();
      this.routes.set(route, count);
    }
    for (const c of [count, this.total]) {
      if (status === 429) c.rateLimited += 1;
      else c.served += 1;
      if (lockTimeout) c.lockTimeouts += 1;
    }
  }

  snapshot(): RequestCounts {
    return {
      total: { ...this.total },
      routes: Object.fromEntries(
        [...this.routes].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, { ...v }]),
      ),
    };
  }

  reset(): void {
    this.total = zero();
    this.routes.clear();
  }
}
