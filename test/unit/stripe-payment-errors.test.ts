import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { toPaymentProviderError } from '../../adapters/stripe/payments.js';

const raw = (statusCode: number, fields: Record<string, unknown> = {}) => ({
  message: 'stripe says no',
  statusCode,
  ...fields,
});

describe('Stripe errors as PaymentProviderError', () => {
  it.each([
    [
      'invalid request (balance_insufficient)',
      Stripe.errors.StripeError.generate(raw(400, { code: 'balance_insufficient', type: 'invalid_request_error' })),
    ],
    [
      'missing resource',
      Stripe.errors.StripeError.generate(raw(404, { code: 'resource_missing', type: 'invalid_request_error' })),
    ],
    ['card error', Stripe.errors.StripeError.generate(raw(402, { code: 'card_declined', type: 'card_error' }))],
    ['permission error', Stripe.errors.StripeError.generate(raw(403, { type: 'invalid_request_error' }))],
    [
      'idempotency key reused with other parameters',
      Stripe.errors.StripeError.generate(raw(400, { type: 'idempotency_error' })),
    ],
  ])('treats %s as permanent', (_label, error) => {
    // Act
    const mapped = toPaymentProviderError(error);

    // Assess
    expect(mapped.permanent).toBe(true);
    expect(mapped.message).toBe('stripe says no');
  });

  it.each([
    ['a 500', Stripe.errors.StripeError.generate(raw(500, { type: 'api_error' }))],
    ['a 503', Stripe.errors.StripeError.generate(raw(503, { type: 'api_error' }))],
    [
      'a rate limit',
      Stripe.errors.StripeError.generate(raw(429, { code: 'rate_limit', type: 'invalid_request_error' })),
    ],
    [
      'a key in use by a concurrent request',
      Stripe.errors.StripeError.generate(raw(409, { code: 'idempotency_key_in_use', type: 'idempotency_error' })),
    ],
    [
      'an authentication failure (configuration)',
      Stripe.errors.StripeError.generate(raw(401, { type: 'invalid_request_error' })),
    ],
    ['a connection error', new Stripe.errors.StripeConnectionError({ message: 'ECONNRESET' })],
    ['a non-Stripe error', new Error('socket hang up')],
  ])('treats %s as transient', (_label, error) => {
    expect(toPaymentProviderError(error).permanent).toBe(false);
  });

  it('keeps the Stripe error code for lastError', () => {
    // Act
    const mapped = toPaymentProviderError(
      Stripe.errors.StripeError.generate(raw(400, { code: 'balance_insufficient', type: 'invalid_request_error' })),
    );

    // Assess
    expect(mapped).toMatchObject({ code: 'balance_insufficient', statusCode: 400, permanent: true });
  });
});
