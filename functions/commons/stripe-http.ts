/**
 * One Stripe API request, sent the way the official SDK (stripe-node) sends it: form-encoded parameters (in the
 * query for GET), `Authorization: Bearer`, the pinned `Stripe-Version`, an `Idempotency-Key` on every POST (the
 * caller's, or a fresh one so a retry cannot make a second object), keep-alive sockets, a per-request timeout, and
 * its network retries: a connection error, a 409, a 5xx or `Stripe-Should-Retry: true` is sent again up to
 * `maxNetworkRetries` times (never when Stripe answers `Stripe-Should-Retry: false`), a reset or broken socket once
 * even with none, after 0.5 s doubling to 5 s with jitter. Whether to retry is decided on the status and headers;
 * a connection that breaks or stalls once they have come is not retried (Stripe may have acted on the request).
 * A 429 is waited out first (stripe-rate-limit.ts). An error answer becomes a StripeApiError named as the SDK
 * names its errors (adapters/stripe/stripe-errors.ts).
 * A test compares requests and errors with the SDK's (test/unit/stripe-http-vs-sdk.test.ts).
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { type RawStripeError, StripeApiError, stripeErrorTypeFor } from '../../adapters/stripe/stripe-errors.js';
import { type RateLimitRetryPolicy, waitOutRateLimits } from './stripe-rate-limit.js';

export interface StripeEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface StripeHttpOptions {
  apiKey: string;
  apiVersion: string;
  endpoint: StripeEndpoint;
  timeoutMilliseconds: number;
  maxNetworkRetries: number;
  rateLimitRetry: RateLimitRetryPolicy | false;
  /** Tests: the waits between network retries. */
  sleep?: (ms: number) => Promise<void>;
}

/** An answer as its headers arrive; `body` is read in full, or rejects if the connection breaks or stalls first. */
export interface StripeAnswer {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: Promise<string>;
}

export const STRIPE_API_HOST: StripeEndpoint = { host: 'api.stripe.com', port: 443, protocol: 'https' };
const INITIAL_RETRY_DELAY_SECONDS = 0.5;
const MAX_RETRY_DELAY_SECONDS = 5;
const CONNECTION_CLOSED_CODES = ['ECONNRESET', 'EPIPE'];
const TIMEOUT_CODE = 'ETIMEDOUT';
const USER_AGENT = 'Stripe/v1 district-payouts';

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class StripeHttp {
  constructor(private readonly options: StripeHttpOptions) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    params: object = {},
    requestOptions: { idempotencyKey?: string | undefined } = {},
  ): Promise<unknown> {
    const encoded = formEncode(params);
    // As the SDK: a `?` for any params given, even ones that encode to nothing.
    const target = method === 'GET' && Object.keys(params).length > 0 ? `${path}?${encoded}` : path;
    const body = method === 'POST' ? encoded : '';
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Content-Type': 'application/x-www-form-urlencoded',
      'User-Agent': USER_AGENT,
      Authorization: `Bearer ${this.options.apiKey}`,
      'Stripe-Version': this.options.apiVersion,
    };
    if (method === 'POST') {
      headers['Content-Length'] = String(Buffer.byteLength(body));
      // As the SDK: an empty key counts as none.
      headers['Idempotency-Key'] = requestOptions.idempotencyKey || `district-payouts-retry-${randomUUID()}`;
    }
    const sleep = this.options.sleep ?? defaultSleep;
    for (let retries = 0; ; retries++) {
      let answer: StripeAnswer;
      try {
        answer = await this.sendWaitingOutRateLimits(method, target, headers, body);
      } catch (error) {
        if (!this.retriesConnection(error, retries)) throw connectionError(error, retries, this.options);
        await sleep(retryDelayMs(retries));
        continue;
      }
      if (this.retriesAnswer(answer, retries)) {
        await sleep(retryDelayMs(retries));
        continue;
      }
      let text: string;
      try {
        text = await answer.body;
      } catch (error) {
        throw connectionError(error, retries, this.options, headerText(answer.headers['request-id']));
      }
      return parseAnswer(answer, text);
    }
  }

  private sendWaitingOutRateLimits(method: string, path: string, headers: Record<string, string>, body: string) {
    const send = () => this.send(method, path, headers, body);
    if (this.options.rateLimitRetry === false) return send();
    return waitOutRateLimits(
      send,
      { isRateLimited: (answer) => answer.statusCode === 429, discard: (answer) => answer.body },
      this.options.rateLimitRetry,
    );
  }

  private send(method: string, path: string, headers: Record<string, string>, body: string): Promise<StripeAnswer> {
    const { endpoint, timeoutMilliseconds } = this.options;
    const transport = endpoint.protocol === 'http' ? http : https;
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const request = transport.request(
        { host: endpoint.host, port: endpoint.port, path, method, headers, agent: agents[endpoint.protocol] },
        (response) => {
          const text = readBody(response, () => timedOut);
          // A retried or rate-limited answer's body is never awaited; its failure is no one's to report.
          text.catch(() => undefined);
          resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: text });
        },
      );
      request.setTimeout(timeoutMilliseconds, () => {
        timedOut = true;
        request.destroy(timeoutError());
      });
      request.once('error', reject);
      request.end(body);
    });
  }

  private retriesConnection(error: unknown, retries: number): boolean {
    const code = (error as { code?: unknown }).code;
    if (retries === 0 && typeof code === 'string' && CONNECTION_CLOSED_CODES.includes(code)) return true;
    return retries < this.options.maxNetworkRetries;
  }

  private retriesAnswer(answer: StripeAnswer, retries: number): boolean {
    if (retries >= this.options.maxNetworkRetries) return false;
    const shouldRetry = answer.headers['stripe-should-retry'];
    if (shouldRetry === 'false') return false;
    if (shouldRetry === 'true') return true;
    return answer.statusCode === 409 || answer.statusCode >= 500;
  }
}

function readBody(response: http.IncomingMessage, timedOut: () => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const fail = (error: unknown) => reject(timedOut() ? timeoutError() : error);
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      text += chunk;
    });
    response.once('error', fail);
    response.once('close', () => {
      if (!response.complete) fail(new Error('The response ended before its body was complete'));
    });
    response.once('end', () => resolve(text));
  });
}

const timeoutError = () => Object.assign(new Error(TIMEOUT_CODE), { code: TIMEOUT_CODE });

/** The SDK's wait before a retry: 0.5 s doubling per retry up to 5 s, jittered to half of it, never under 0.5 s. */
function retryDelayMs(retries: number): number {
  const ceiling = Math.min(INITIAL_RETRY_DELAY_SECONDS * 2 ** (retries - 1), MAX_RETRY_DELAY_SECONDS);
  return Math.max(INITIAL_RETRY_DELAY_SECONDS, ceiling * 0.5 * (1 + Math.random())) * 1000;
}

function parseAnswer(answer: StripeAnswer, body: string): unknown {
  const requestId = headerText(answer.headers['request-id']);
  let json: { error?: RawStripeError } & Record<string, unknown>;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new StripeApiError('StripeAPIError', 'Invalid JSON received from the Stripe API', {
      statusCode: answer.statusCode,
      ...(requestId ? { requestId } : {}),
      headers: answer.headers,
      cause: error,
    });
  }
  // Stricter than the SDK, which returns an error status without an `error` object (a proxy's) as a success.
  const failed = answer.statusCode < 200 || answer.statusCode >= 300;
  if (json.error || failed) {
    const raw: RawStripeError = json.error && typeof json.error === 'object' ? json.error : {};
    return raiseStripeError(answer, raw, requestId);
  }
  return json;
}

function raiseStripeError(answer: StripeAnswer, raw: RawStripeError, requestId: string | undefined): never {
  throw new StripeApiError(stripeErrorTypeFor(answer.statusCode, raw), raw.message ?? '', {
    raw,
    statusCode: answer.statusCode,
    ...(requestId ? { requestId } : {}),
    headers: answer.headers,
  });
}

function connectionError(
  error: unknown,
  retries: number,
  options: StripeHttpOptions,
  requestId?: string,
): StripeApiError {
  const timedOut = (error as { code?: unknown }).code === TIMEOUT_CODE;
  const message = timedOut
    ? `Request aborted due to timeout being reached (${options.timeoutMilliseconds}ms)`
    : `An error occurred with our connection to Stripe.${retries > 0 ? ` Request was retried ${retries} times.` : ''}`;
  return new StripeApiError('StripeConnectionError', message, { cause: error, ...(requestId ? { requestId } : {}) });
}

const headerText = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * The SDK's form encoding (stringifyRequestData): nested objects as `a[b]`, arrays indexed `a[0]`, Dates as Unix
 * seconds, null as empty, undefined left out; encodeURIComponent plus qs's `!*()'`, brackets left readable.
 */
export function formEncode(params: object): string {
  const pairs: string[] = [];
  const encode = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object' || value instanceof Date) {
      pairs.push(`${encodeQueryValue(key)}=${encodeQueryValue(valueText(value))}`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        encode(`${key}[${index}]`, item);
      });
      return;
    }
    for (const [name, item] of Object.entries(value)) encode(`${key}[${name}]`, item);
  };
  for (const [key, value] of Object.entries(params)) encode(key, value);
  return pairs.join('&');
}

const valueText = (value: unknown): string =>
  value instanceof Date ? String(Math.floor(value.getTime() / 1000)) : value === null ? '' : String(value);

const encodeQueryValue = (value: string): string =>
  encodeURIComponent(value)
    .replace(/!/g, '%21')
    .replace(/\*/g, '%2A')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/'/g, '%27')
    .replace(/%5B/g, '[')
    .replace(/%5D/g, ']');
