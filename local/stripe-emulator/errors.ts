/** Stripe-shaped API errors: `{ error: { type, code?, message, param?, doc_url?, request_log_url } }`. */

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  charge?: string;
  payment_intent?: Record<string, unknown>;
}

/** Thrown by handlers; the server turns it into a JSON error response. */
export class StripeApiError extends Error {
  /** False for a request that failed validation: Stripe stores no idempotent result for it. */
  stored = true;

  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
    this.name = 'StripeApiError';
  }

  toJSON(requestId: string): { error: Record<string, unknown> } {
    const { code, param, ...rest } = this.body;
    return {
      error: {
        ...(code ? { code, doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}` } : {}),
        ...rest,
        ...(param ? { param } : {}),
        request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}`,
      },
    };
  }
}

const invalid = (status: number, message: string, code?: string, param?: string): StripeApiError =>
  new StripeApiError(status, {
    type: 'invalid_request_error',
    message,
    ...(code ? { code } : {}),
    ...(param ? { param } : {}),
  });

export const missingApiKey = (): StripeApiError =>
  invalid(
    401,
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
  );

export const invalidApiKey = (key: string): StripeApiError =>
  invalid(401, `Invalid API Key provided: ${key.slice(0, 8)}****${key.length > 12 ? key.slice(-4) : ''}`);

/** A validation failure: answered, never stored under an idempotency key. */
const validation = (error: StripeApiError): StripeApiError => {
  error.stored = false;
  return error;
};

export const parameterMissing = (param: string): StripeApiError =>
  validation(invalid(400, `Missing required param: ${param}.`, 'parameter_missing', param));

export const parameterInvalidInteger = (param: string, value: unknown): StripeApiError =>
  validation(invalid(400, `Invalid integer: ${String(value)}`, 'parameter_invalid_integer', param));

export const parameterInvalid = (
  param: string,
  message: string,
  code: string | null = 'parameter_invalid_string',
): StripeApiError => validation(invalid(400, message, code ?? undefined, param));

export const parameterUnknown = (param: string): StripeApiError =>
  validation(invalid(400, `Received unknown parameter: ${param}`, 'parameter_unknown', param));

/** A request the object's state refuses (stored under an idempotency key, like any executed request). */
export const invalidState = (message: string, param?: string, code?: string): StripeApiError =>
  invalid(400, message, code, param);

export const liveKeyRefused = (): StripeApiError =>
  invalid(
    401,
    'Invalid API Key provided: this Stripe emulator is test mode only and refuses live mode keys (sk_live_...); use any sk_test_ key.',
  );

const dollars = (amount: number, currency: string): string =>
  `${currency === 'usd' ? '$' : `${currency.toUpperCase()} `}${(amount / 100).toFixed(2)}`;

export const refundTooLarge = (amount: number, remaining: number, currency: string): StripeApiError =>
  invalid(
    400,
    `Refund amount (${dollars(amount, currency)}) is greater than unrefunded amount on charge (${dollars(remaining, currency)})`,
    'amount_too_large',
    'amount',
  );

export const chargeAlreadyRefunded = (charge: string): StripeApiError =>
  invalid(400, `Charge ${charge} has already been refunded.`, 'charge_already_refunded');

export const cardDeclined = (charge: string, paymentIntent?: Record<string, unknown>): StripeApiError =>
  new StripeApiError(402, {
    type: 'card_error',
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
    charge,
    ...(paymentIntent ? { payment_intent: paymentIntent } : {}),
  });

export const resourceMissing = (kind: string, id: string, param = 'id', status = 404): StripeApiError =>
  invalid(status, `No such ${kind}: '${id}'`, 'resource_missing', param);

export const balanceInsufficient = (): StripeApiError =>
  invalid(
    400,
    'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card.',
    'balance_insufficient',
  );

export const idempotencyMismatch = (key: string): StripeApiError =>
  new StripeApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });

export const unrecognizedUrl = (method: string, path: string): StripeApiError =>
  invalid(
    404,
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );

/** The fault injected by `failNext`: what Stripe answers when something breaks on its side. */
export const injectedFault = (status: number): StripeApiError =>
  status === 429
    ? invalid(
        429,
        'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
        'rate_limit',
      )
    : new StripeApiError(status, {
        type: 'api_error',
        message: 'An unknown error occurred while processing your request (injected by the Stripe emulator).',
      });
