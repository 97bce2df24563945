/** API Gateway REST proxy events for the webhook, signed the way Stripe signs them. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import Stripe from 'stripe';

export interface WebhookRequestInit {
  body?: string | null;
  headers?: Record<string, string>;
  method?: string;
  isBase64Encoded?: boolean;
}

export function apiGatewayEvent(init: WebhookRequestInit = {}): APIGatewayProxyEvent {
  const headers = { 'Content-Type': 'application/json; charset=utf-8', ...init.headers };
  return {
    resource: '/stripe/webhook',
    path: '/stripe/webhook',
    httpMethod: init.method ?? 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: init.body === undefined ? null : init.body,
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: init.method ?? 'POST',
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: '/prod/stripe/webhook',
      stage: 'prod',
      requestId: 'request',
      requestTimeEpoch: Date.now(),
      resourceId: 'resource',
      resourcePath: '/stripe/webhook',
    },
  };
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
