/**
 * Stripe's API errors as the adapters read them. The functions' client (functions/commons/stripe-http.ts) throws
 * StripeApiError, named as the official SDK names its errors: `type` is the SDK's error class, chosen from the HTTP
 * status the way the SDK's generateV1Error chooses it, `rawType` and `code` are Stripe's. The SDK's own errors
 * carry the same fields, so these checks read both (the local tools and tests still use the SDK).
 */

export type StripeErrorType =
  | 'StripeRateLimitError'
  | 'StripeIdempotencyError'
  | 'StripeInvalidRequestError'
  | 'StripeAuthenticationError'
  | 'StripeCardError'
  | 'StripePermissionError'
  | 'StripeAPIError'
  | 'StripeConnectionError';

/** What an error of the SDK and a StripeApiError both have. */
export interface StripeErrorFields extends Error {
  readonly type: string;
  readonly rawType?: string | undefined;
  readonly code?: string | undefined;
  readonly param?: string | undefined;
  readonly statusCode?: number | undefined;
  readonly requestId?: string | undefined;
}

/** The `error` object of a Stripe error response. */
export interface RawStripeError {
  type?: string;
  code?: string;
  message?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
}

/** The SDK's generateV1Error, as a name: 429 (or a 400 `rate_limit`), 400/404, 401, 402, 403, else an API error. */
export function stripeErrorTypeFor(statusCode: number, raw: RawStripeError): StripeErrorType {
  if (statusCode === 429 || (statusCode === 400 && raw.code === 'rate_limit')) return 'StripeRateLimitError';
  if (statusCode === 400 || statusCode === 404) {
    return raw.type === 'idempotency_error' ? 'StripeIdempotencyError' : 'StripeInvalidRequestError';
  }
  if (statusCode === 401) return 'StripeAuthenticationError';
  if (statusCode === 402) return 'StripeCardError';
  if (statusCode === 403) return 'StripePermissionError';
  return 'StripeAPIError';
}

export class StripeApiError extends Error implements StripeErrorFields {
  override readonly name = 'StripeApiError';
  readonly type: StripeErrorType;
  readonly rawType: string | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly decline_code: string | undefined;
  readonly statusCode: number | undefined;
  readonly requestId: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;

  constructor(
    type: StripeErrorType,
    message: string,
    details: {
      raw?: RawStripeError;
      statusCode?: number;
      requestId?: string;
      headers?: Record<string, string | string[] | undefined>;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.type = type;
    this.rawType = details.raw?.type;
    this.code = details.raw?.code;
    this.param = details.raw?.param;
    // The SDK's card errors always have one ('' when Stripe gave none).
    this.decline_code = details.raw?.decline_code ?? (type === 'StripeCardError' ? '' : undefined);
    this.statusCode = details.statusCode;
    this.requestId = details.requestId;
    this.headers = details.headers ?? {};
  }
}

export const isStripeError = (error: unknown): error is StripeErrorFields =>
  error instanceof Error &&
  typeof (error as { type?: unknown }).type === 'string' &&
  (error as unknown as { type: string }).type.startsWith('Stripe');

/** Stripe has no such object (a 404 `resource_missing`, or a 400 naming an unknown id in a parameter). */
export const isResourceMissing = (error: unknown): error is StripeErrorFields =>
  isStripeError(error) && error.type === 'StripeInvalidRequestError' && error.code === 'resource_missing';

/** For a log line or an error message: Stripe's code (or the error's type) and message. */
export const describeStripeError = (error: unknown): string =>
  isStripeError(error)
    ? `${error.code ?? error.type}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
