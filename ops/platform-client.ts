/** A client of the platform API (/platform/*), as the operator CLI uses it. */
import type { DisputePolicy } from '../domain/clawback/dispute-policy.js';
import type {
  AuditRecord,
  AuditStatus,
  DestinationChange,
  District,
  PayoutStatus,
  RevenueShare,
  ReviewDecision,
} from '../domain/model.js';
import type { RequestSigner } from './sigv4.js';

export type WebhookEvent = Omit<AuditRecord, 'rawEvent'>;

export interface DistrictInput {
  stripeAccountId: string;
  shareBps: number;
  currency: string;
  autoTransfer: boolean;
  stripeCustomerIds: string[];
  /** Opt-in: pay out-of-band shares automatically (omitted: false). */
  autoPayOutOfBand?: boolean;
  /** What a dispute does to the share (omitted: REVERSE_ON_DISPUTE). */
  disputePolicy?: DisputePolicy;
}

export interface MarkPaidResult {
  revenueShareId: string;
  stripeTransferId?: string;
}

export interface RetryResult {
  revenueShareId: string;
  transferAttempt: number;
  /** Set when the retry moved the row to its district's current account. */
  destinationChange?: DestinationChange;
}

/** Who moves a payout to its district's current account and why; sent only when given. */
export interface MoveInput {
  by?: string | undefined;
  reason?: string | undefined;
}

/** A person's decision on a NEEDS_REVIEW payout: who and why. */
export interface ReviewInput {
  by: string;
  reason: string;
}

export interface ReviewResult {
  revenueShareId: string;
  payoutStatus: PayoutStatus;
  transferAttempt: number;
  decision: ReviewDecision;
}

/** Either `stripeEventIds` (at most 100) or `since`; the CLI always names the events. */
export interface ResyncRequest {
  since?: string;
  dryRun?: boolean;
  stripeEventIds?: string[];
}

export interface ResyncItem {
  stripeEventId: string;
  outcome: string;
  error?: string;
}

export interface ResyncResult {
  replayed: number;
  stillFailing: number;
  skipped: number;
  items: ResyncItem[];
}

/** `limit`: at most this many, newest first (the API's default is 100, its maximum 1000). */
export interface RevenueShareFilter {
  districtId?: string;
  status?: PayoutStatus;
  limit?: number;
}

/** `since` defaults to 30 days ago at the API; `limit` as for revenue shares. */
export interface WebhookEventFilter {
  status: AuditStatus;
  since?: string;
  limit?: number;
}

/** The largest `limit` the list endpoints accept. */
export const MAX_LIST_LIMIT = 1_000;

/** A ledger row as GET /platform/revenue-shares/{id} shows it: with what of its share settled other rows' debts. */
export type RevenueShareDetail = RevenueShare & { nettedCents?: number };

/** A district as GET /platform/districts lists it: with what it owes (refused reversals not yet netted). */
export type DistrictListing = District & { owedCents?: number };

export interface PlatformClient {
  listDistricts(): Promise<DistrictListing[]>;
  putDistrict(districtId: string, input: DistrictInput): Promise<District>;
  listRevenueShares(filter?: RevenueShareFilter): Promise<RevenueShare[]>;
  getRevenueShare(revenueShareId: string): Promise<RevenueShareDetail>;
  retryPayout(revenueShareId: string, move?: MoveInput): Promise<RetryResult>;
  markPaid(revenueShareId: string): Promise<MarkPaidResult>;
  approvePayout(revenueShareId: string, review: ReviewInput): Promise<ReviewResult>;
  closePayout(revenueShareId: string, review: ReviewInput): Promise<ReviewResult>;
  listWebhookEvents(filter: WebhookEventFilter): Promise<WebhookEvent[]>;
  resync(request: ResyncRequest): Promise<ResyncResult>;
}

/**
 * The API answered with an error status. `message` is the function's `{ "error": ... }` text, or the text of a refusal
 * API Gateway answered itself (`{ "message": ... }`: unsigned or not allowed, throttled, no such route), named as such.
 */
export class PlatformApiError extends Error {
  override name = 'PlatformApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request never got an HTTP answer (connection refused, DNS, timeout, credentials). */
export class PlatformUnreachableError extends Error {
  override name = 'PlatformUnreachableError';
}

export interface HttpPlatformClientOptions {
  baseUrl: string;
  /** Set for a deployed (IAM-authorised) API; unset sends unsigned requests. */
  signer?: RequestSigner;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export class HttpPlatformClient implements PlatformClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpPlatformClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async listDistricts(): Promise<DistrictListing[]> {
    return (await this.request<{ items: DistrictListing[] }>('GET', '/platform/districts')).items;
  }

  putDistrict(districtId: string, input: DistrictInput): Promise<District> {
    return this.request('PUT', `/platform/districts/${encodeURIComponent(districtId)}`, { body: input });
  }

  async listRevenueShares(filter: RevenueShareFilter = {}): Promise<RevenueShare[]> {
    const query = { districtId: filter.districtId, status: filter.status, limit: filter.limit?.toString() };
    return (await this.request<{ items: RevenueShare[] }>('GET', '/platform/revenue-shares', { query })).items;
  }

  getRevenueShare(revenueShareId: string): Promise<RevenueShareDetail> {
    return this.request('GET', `/platform/revenue-shares/${encodeURIComponent(revenueShareId)}`);
  }

  retryPayout(revenueShareId: string, { by, reason }: MoveInput = {}): Promise<RetryResult> {
    const body = { revenueShareId, ...(by === undefined ? {} : { by }), ...(reason === undefined ? {} : { reason }) };
    return this.request('POST', '/platform/payout/retry', { body });
  }

  markPaid(revenueShareId: string): Promise<MarkPaidResult> {
    return this.request('POST', '/platform/payout/mark-paid', { body: { revenueShareId } });
  }

  approvePayout(revenueShareId: string, review: ReviewInput): Promise<ReviewResult> {
    return this.request('POST', '/platform/payout/approve', { body: { revenueShareId, ...review } });
  }

  closePayout(revenueShareId: string, review: ReviewInput): Promise<ReviewResult> {
    return this.request('POST', '/platform/payout/close', { body: { revenueShareId, ...review } });
  }

  async listWebhookEvents(filter: WebhookEventFilter): Promise<WebhookEvent[]> {
    const query = { status: filter.status, since: filter.since, limit: filter.limit?.toString() };
    return (await this.request<{ items: WebhookEvent[] }>('GET', '/platform/webhook-events', { query })).items;
  }

  resync(request: ResyncRequest): Promise<ResyncResult> {
    return this.request('POST', '/platform/resync', { body: request });
  }

  private async request<T>(
    method: string,
    path: string,
    options: { query?: Record<string, string | undefined>; body?: unknown } = {},
  ): Promise<T> {
    const url = new URL(`${this.options.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      const sent = this.options.signer ? await this.options.signer({ method, url, headers, body }) : headers;
      // fetch sets Host itself, to the same value that was signed.
      const { host: _host, ...withoutHost } = sent;
      response = await this.fetch(url, {
        method,
        headers: withoutHost,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new PlatformUnreachableError(`${method} ${url.origin}${url.pathname}: ${describe(error)}`);
    }

    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const message = errorMessage(response.status, parsed) ?? (text.trim() || response.statusText);
      throw new PlatformApiError(response.status, `${response.status} ${message}`);
    }
    if (parsed === undefined) {
      throw new PlatformApiError(response.status, `${method} ${path} answered ${response.status} without JSON`);
    }
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What to do about API Gateway's own refusals the operator can act on. */
const GATEWAY_REFUSAL_HINTS: Record<number, string> = {
  403: 'the request was not signed, or its AWS credentials may not execute-api:Invoke this route',
  429: 'the stage throttled the request; retry shortly',
};

/** The functions answer `{ "error": ... }`; API Gateway's own refusals (the HTTP API's) `{ "message": ... }`. */
function errorMessage(status: number, body: unknown): string | undefined {
  const error = stringField(body, 'error');
  if (error !== undefined) return error;
  const message = stringField(body, 'message');
  if (message === undefined) return undefined;
  const hint = GATEWAY_REFUSAL_HINTS[status];
  return `${message} (refused by API Gateway${hint ? `: ${hint}` : ''})`;
}

function stringField(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[name];
  return typeof field === 'string' ? field : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
