/**
 * Verifies Stripe's `Stripe-Signature` header over the exact raw body with the official SDK (offline: an
 * HMAC, no network). Any of several signing secrets may match (rotation: Stripe signs with both the old and
 * the new secret for a while). Besides the SDK's check that the timestamp is at most `toleranceSeconds` old,
 * timestamps more than `toleranceSeconds` in the future are rejected too (the SDK lets those through).
 */
import Stripe from 'stripe';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'no_matching_signature';

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
  constructor(
    readonly reason: SignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Misconfiguration (no secret to check against): our fault, not the sender's. */
export class WebhookSecretsMissingError extends Error {
  override readonly name = 'WebhookSecretsMissingError';
}

export interface WebhookSignatureVerifier {
  verify(rawBody: Uint8Array | string, header: string | undefined, secrets: readonly string[], now: Date): void;
}

export class StripeWebhookSignatureVerifier implements WebhookSignatureVerifier {
  constructor(private readonly toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS) {}

  verify(rawBody: Uint8Array | string, header: string | undefined, secrets: readonly string[], now: Date): void {
    if (secrets.length === 0) throw new WebhookSecretsMissingError('No Stripe webhook signing secret is configured');
    if (!header?.trim()) throw new WebhookSignatureError('missing_header', 'Missing Stripe-Signature header');
    const timestamp = signedTimestamp(header);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (timestamp > nowSeconds + this.toleranceSeconds) {
      throw new WebhookSignatureError('timestamp_in_future', 'Stripe-Signature timestamp is in the future');
    }
    if (nowSeconds - timestamp > this.toleranceSeconds) {
      throw new WebhookSignatureError('timestamp_too_old', 'Stripe-Signature timestamp is outside the tolerance');
    }
    const signature = Stripe.webhooks.signature;
    if (!signature) throw new Error('The Stripe SDK has no webhook signature helper');
    for (const secret of secrets) {
      try {
        signature.verifyHeader(rawBody, header, secret, this.toleranceSeconds, undefined, now.getTime());
        return;
      } catch (error) {
        if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
      }
    }
    throw new WebhookSignatureError('no_matching_signature', 'No Stripe-Signature matches the body');
  }
}

/** The `t=` element of the header; exactly one, an integer number of seconds. */
function signedTimestamp(header: string): number {
  const values = header
    .split(',')
    .map((element) => element.trim().split('='))
    .filter(([key]) => key === 't')
    .map(([, value]) => value ?? '');
  const [value] = values;
  if (values.length !== 1 || value === undefined || !/^\d{1,12}$/.test(value)) {
    throw new WebhookSignatureError('malformed_header', 'Malformed Stripe-Signature header');
  }
  return Number(value);
}
