/** Webhook delivery as Stripe (or `stripe listen`) does it: a JSON POST signed with the `Stripe-Signature` header. */
import Stripe from 'stripe';
import type { StripeEventLike } from './objects.js';

export interface DeliverOptions {
  /** The webhook endpoint, e.g. http://127.0.0.1:3000/webhooks/stripe */
  url: string;
  /** The endpoint's signing secret (whsec_...). */
  secret: string;
  /** Unix seconds to sign with (default: now); an old one exercises the receiver's tolerance check. */
  timestamp?: number;
  /** Extra or overriding request headers (e.g. a tampered Stripe-Signature). */
  headers?: Record<string, string>;
  /** Give up after this long (default 30 s); the attempt then rejects with a TimeoutError. */
  timeoutMs?: number;
  /** Aborts the request (e.g. when the emulator stops). */
  signal?: AbortSignal;
}

export interface DeliveryResult {
  status: number;
  body: string;
}

const DELIVERY_TIMEOUT_MS = 30_000;

export function signatureHeader(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

export async function deliverEvent(event: StripeEventLike<object>, opts: DeliverOptions): Promise<DeliveryResult> {
  const payload = JSON.stringify(event, null, 2);
  const response = await fetch(opts.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'Stripe-Signature': signatureHeader(payload, opts.secret, opts.timestamp),
      ...opts.headers,
    },
    body: payload,
    signal: opts.signal
      ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs ?? DELIVERY_TIMEOUT_MS)])
      : AbortSignal.timeout(opts.timeoutMs ?? DELIVERY_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text() };
}
