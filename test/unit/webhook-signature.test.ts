/**
 * The webhook's signature verifier (no Stripe SDK inside) against the SDK itself: headers made by
 * `stripe.webhooks.generateTestHeaderString`, and for every request the verdict of the SDK's own
 * `webhooks.signature.verifyHeader` (tried with each secret, as the verifier did before) must be the verifier's.
 */
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  StripeWebhookSignatureVerifier,
  WebhookSecretsMissingError,
  WebhookSignatureError,
} from '../../adapters/stripe/webhook-signature.js';

const NOW = new Date('2026-12-01T06:00:00.000Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const SECRET = 'whsec_current_0123456789abcdef';
const OTHER_SECRET = 'whsec_next_fedcba9876543210';
const verifier = new StripeWebhookSignatureVerifier();

const sign = (payload: string, secret: string, timestamp = NOW_SECONDS): string =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
const v1Of = (header: string): string => header.split(',').find((item) => item.startsWith('v1=')) ?? '';

/** The SDK's verdict, as the verifier reached it with the SDK: accepted when one secret verifies. */
function sdkAccepts(rawBody: Uint8Array | string, header: string, secrets: readonly string[]): boolean {
  const signature = Stripe.webhooks.signature;
  if (!signature) throw new Error('The Stripe SDK has no webhook signature helper');
  return secrets.some((secret) => {
    try {
      return signature.verifyHeader(rawBody, header, secret, SIGNATURE_TOLERANCE_SECONDS, undefined, NOW.getTime());
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) return false;
      throw error;
    }
  });
}

function verdict(rawBody: Uint8Array | string, header: string, secrets: readonly string[]): string {
  try {
    verifier.verify(rawBody, header, secrets, NOW);
    return 'accepted';
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error.reason;
    throw error;
  }
}

describe('StripeWebhookSignatureVerifier (Stripe scheme, no SDK)', () => {
  it('accepts a body signed by the SDK with the current secret, as a string and as bytes', () => {
    // Prepare
    const payload = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', note: 'Shahdol — ₹ 1,000' });
    const header = sign(payload, SECRET);
    // Act + Assess
    expect(verdict(payload, header, [SECRET])).toBe('accepted');
    expect(verdict(Buffer.from(payload, 'utf8'), header, [SECRET])).toBe('accepted');
  });

  it('accepts any of several secrets (rotation) and any of several v1 signatures', () => {
    // Prepare: Stripe signs with the old and the new secret during a rotation
    const payload = '{"id":"evt_rotation"}';
    const header = `${sign(payload, OTHER_SECRET)},${v1Of(sign(payload, SECRET))}`;
    // Act + Assess
    expect(verdict(payload, header, [SECRET])).toBe('accepted');
    expect(verdict(payload, header, [OTHER_SECRET])).toBe('accepted');
    expect(verdict(payload, sign(payload, OTHER_SECRET), ['whsec_unknown', OTHER_SECRET])).toBe('accepted');
  });

  it.each([
    ['a tampered body', '{"id":"evt_2","amount":99999}', sign('{"id":"evt_2","amount":12345}', SECRET)],
    ['an unknown secret', '{"id":"evt_3"}', sign('{"id":"evt_3"}', 'whsec_someone_else')],
    ['no v1 element', '{"id":"evt_4"}', `t=${NOW_SECONDS},v0=${v1Of(sign('{"id":"evt_4"}', SECRET)).slice(3)}`],
    // The SDK throws a plain Error here (its secureCompare refuses an empty string), which was a 500: now a 400.
    ['an empty v1 element', '{"id":"evt_5"}', `t=${NOW_SECONDS},v1=`],
    ['an empty body', '', sign('', SECRET)],
  ])('refuses %s (no matching signature)', (_name, payload, header) => {
    expect(verdict(payload, header, [SECRET])).toBe('no_matching_signature');
  });

  it('refuses timestamps outside the tolerance either way, and headers without exactly one integer t', () => {
    const payload = '{"id":"evt_6"}';
    expect(verdict(payload, sign(payload, SECRET, NOW_SECONDS - 301), [SECRET])).toBe('timestamp_too_old');
    expect(verdict(payload, sign(payload, SECRET, NOW_SECONDS + 301), [SECRET])).toBe('timestamp_in_future');
    expect(verdict(payload, sign(payload, SECRET, NOW_SECONDS - 300), [SECRET])).toBe('accepted');
    expect(verdict(payload, `v1=${'0'.repeat(64)}`, [SECRET])).toBe('malformed_header');
    expect(verdict(payload, `t=1,t=2,v1=${'0'.repeat(64)}`, [SECRET])).toBe('malformed_header');
    expect(verdict(payload, `t=abc,v1=${'0'.repeat(64)}`, [SECRET])).toBe('malformed_header');
    expect(() => verifier.verify(payload, undefined, [SECRET], NOW)).toThrow(WebhookSignatureError);
    expect(() => verifier.verify(payload, sign(payload, SECRET), [], NOW)).toThrow(WebhookSecretsMissingError);
  });

  it('decides every request as the SDK does (bodies as text and bytes, odd headers, blank secrets)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.json({ maxDepth: 2 }),
      fc.constant('\uFEFF{"id":"evt_bom"}'),
    );
    const body = fc.oneof(
      text.map((value) => ({ signed: value, sent: value as string | Uint8Array })),
      text.map((value) => ({ signed: value, sent: Buffer.from(value, 'utf8') as string | Uint8Array })),
      // Bytes that are not UTF-8: the SDK signs their decoded text, so must the verifier.
      fc
        .uint8Array({ minLength: 1, maxLength: 24 })
        .map((bytes) => ({ signed: new TextDecoder().decode(bytes), sent: bytes as string | Uint8Array })),
    );
    const secret = fc.oneof(fc.constantFrom(SECRET, OTHER_SECRET, ' ', 'whsec_other'), fc.string({ maxLength: 12 }));
    const headerShape = fc.constantFrom(
      'as signed',
      'two v1',
      'spaces after commas',
      'leading zeros in t',
      'v0 first',
      'truncated v1',
      'upper-case v1',
    );
    fc.assert(
      fc.property(
        body,
        fc.array(secret, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(SECRET, OTHER_SECRET),
        fc.integer({ min: -400, max: 400 }),
        headerShape,
        ({ signed, sent }, secrets, signingSecret, skew, shape) => {
          const timestamp = NOW_SECONDS + skew;
          const header = sign(signed, signingSecret, timestamp);
          const v1 = v1Of(header);
          const shaped = {
            'as signed': header,
            'two v1': `${header},${v1Of(sign(signed, 'whsec_x', timestamp))}`,
            'spaces after commas': header.replace(',', ', '),
            'leading zeros in t': header.replace('t=', 't=00'),
            'v0 first': `t=${timestamp},v0=abc,${v1}`,
            'truncated v1': header.slice(0, -1),
            'upper-case v1': `t=${timestamp},${v1.toUpperCase()}`,
          }[shape];
          const expected =
            Math.abs(skew) > SIGNATURE_TOLERANCE_SECONDS
              ? skew > 0
                ? 'timestamp_in_future'
                : 'timestamp_too_old'
              : sdkAccepts(sent, shaped, secrets)
                ? 'accepted'
                : 'no_matching_signature';
          expect(verdict(sent, shaped, secrets)).toBe(expected);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
