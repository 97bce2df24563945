/** The HTTP edge of the webhook: reading API Gateway's proxy event and writing JSON responses. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MAX_WEBHOOK_BODY_BYTES } from '#contracts/api-routes.js';

/** Stripe's events are far smaller; a larger body is not one of them. */
export const MAX_BODY_BYTES = MAX_WEBHOOK_BODY_BYTES;
export const SIGNATURE_HEADER = 'stripe-signature';

export class MethodNotAllowedError extends Error {
  override readonly name = 'MethodNotAllowedError';
}

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
}

/** A body flagged base64 that is not canonical base64 (API Gateway never sends one). */
export class InvalidBodyEncodingError extends Error {
  override readonly name = 'InvalidBodyEncodingError';
}

/** Node's base64 decoder skips characters outside the alphabet; this refuses them (and bad padding) instead. */
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface WebhookRequest {
  /** The body's bytes exactly as sent (what Stripe signed). */
  rawBody: Buffer;
  signature: string | undefined;
}

export function readWebhookRequest(event: APIGatewayProxyEvent): WebhookRequest {
  if (event.httpMethod?.toUpperCase() !== 'POST') throw new MethodNotAllowedError('Method not allowed: use POST');
  const body = event.body ?? '';
  // Cheap bound before decoding: base64 is 4 characters per 3 bytes.
  const encodedLimit = event.isBase64Encoded ? Math.ceil(MAX_BODY_BYTES / 3) * 4 : MAX_BODY_BYTES;
  if (body.length > encodedLimit) throw new PayloadTooLargeError('Body too large');
  if (event.isBase64Encoded && !CANONICAL_BASE64.test(body)) {
    throw new InvalidBodyEncodingError('Body is not valid base64');
  }
  const rawBody = Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (rawBody.length > MAX_BODY_BYTES) throw new PayloadTooLargeError('Body too large');
  return { rawBody, signature: header(event, SIGNATURE_HEADER) };
}

/** Header names are case-insensitive; API Gateway keeps whatever case the sender used. */
function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === name && value) return value;
  }
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === name && values?.[0]) return values[0];
  }
  return undefined;
}

export const jsonResponse = (
  statusCode: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
