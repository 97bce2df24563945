/**
 * Verifies Stripe's `Stripe-Signature` header over the exact raw body (offline: an HMAC, no network), by Stripe's
 * documented scheme (https://docs.stripe.com/webhooks/signature): `t=<unix seconds>` and one or more `v1=<hex>`
 * elements, each v1 an HMAC-SHA256 of `<t>.<body>` under the endpoint's signing secret, compared in constant time.
 * Any of several signing secrets may match (rotation: Stripe signs with both the old and the new secret for a
 * while). Besides the SDK's check that the timestamp is at most `toleranceSeconds` old, timestamps more than
 * `toleranceSeconds` in the future are rejected too (the SDK lets those through).
 *
 * It reproduces stripe-node's `webhooks.signature.verifyHeader` step for step (header parsing, UTF-8 decoding of
 * the body, blank secrets, empty bodies) without importing the SDK, which is a quarter of a megabyte of bundle and
 * the largest part of the webhook's cold start; test/unit/webhook-signature.test.ts proves both accept and refuse
 * the same requests, with headers made by the SDK's own `generateTestHeaderString`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

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
    if (matchesAnySecret(rawBody, header, secrets)) return;
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

const V1_SCHEME = 'v1';
const utf8 = new TextDecoder('utf8');

/** Stripe's header parsing, as the SDK does it: no trimming, the last `t` wins, every `v1` element counts. */
function parseHeader(header: string): { timestamp: number; signatures: string[] } {
  let timestamp = -1;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const [key, value = ''] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value, 10);
    if (key === V1_SCHEME) signatures.push(value);
  }
  return { timestamp, signatures };
}

/** True when one of the header's v1 signatures is the HMAC of `<t>.<body>` under one of the (non-blank) secrets. */
function matchesAnySecret(rawBody: Uint8Array | string, header: string, secrets: readonly string[]): boolean {
  // As the SDK: an empty string is no payload (empty bytes are); bytes are decoded as UTF-8 (WHATWG: a BOM
  // dropped, invalid bytes replaced) and that text is what is signed.
  if (rawBody === '') return false;
  const payload = typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody);
  const { timestamp, signatures } = parseHeader(header);
  if (Number.isNaN(timestamp) || timestamp === -1 || signatures.length === 0) return false;
  const signed = `${timestamp}.${payload}`;
  for (const secret of secrets) {
    if (!secret || /^[ \t\r\n\f\v]*$/.test(secret)) continue;
    const expected = Buffer.from(createHmac('sha256', secret).update(signed, 'utf8').digest('hex'), 'utf8');
    for (const signature of signatures) {
      const candidate = Buffer.from(signature, 'utf8');
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return true;
    }
  }
  return false;
}
