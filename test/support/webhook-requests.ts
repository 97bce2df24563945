/** HTTP API proxy events (payload 1.0) for the webhook, signed the way Stripe signs them. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import Stripe from 'stripe';
import { WEBHOOK_PATH } from '#contracts/api-routes.js';
import { proxyEvent } from '../../local/proxy-event.js';

export interface WebhookRequestInit {
  body?: string | null;
  headers?: Record<string, string>;
  method?: string;
  isBase64Encoded?: boolean;
}

export function apiGatewayEvent(init: WebhookRequestInit = {}): APIGatewayProxyEvent {
  return proxyEvent({
    method: init.method ?? 'POST',
    resource: WEBHOOK_PATH,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...init.headers },
    body: init.body,
    isBase64Encoded: init.isBase64Encoded,
    stage: 'prod',
    requestId: 'request',
  });
}

export interface SignOptions {
  secret: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** The header name as the sender spells it. */
  headerName?: string;
  /** Deliver the body base64-encoded, as API Gateway does for binary media types. */
  base64?: boolean;
}

/** A POST whose Stripe-Signature is computed over `payload` exactly (Stripe's own test helper). */
export function signedWebhookEvent(payload: string, options: SignOptions): APIGatewayProxyEvent {
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  });
  return apiGatewayEvent({
    body: options.base64 ? Buffer.from(payload, 'utf8').toString('base64') : payload,
    isBase64Encoded: options.base64 ?? false,
    headers: { [options.headerName ?? 'Stripe-Signature']: header },
  });
}
