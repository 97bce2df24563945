/** The HTTP edge of the platform API: reading API Gateway proxy events and writing JSON responses. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidRequestError } from '../../domain/platform/errors.js';

/** Platform requests are a few hundred bytes; anything this large is refused before it is parsed. */
export const MAX_PLATFORM_BODY_BYTES = 64 * 1024;

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
}

export class RouteNotFoundError extends Error {
  override readonly name = 'RouteNotFoundError';
}

/** The body parsed as JSON; an absent or empty body is `undefined` (the use case says whether it needs one). */
export function readJsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): unknown {
  const body = event.body ?? '';
  // Cheap bound before decoding: base64 is 4 characters per 3 bytes.
  const encodedLimit = event.isBase64Encoded ? Math.ceil(MAX_PLATFORM_BODY_BYTES / 3) * 4 : MAX_PLATFORM_BODY_BYTES;
  if (body.length > encodedLimit) throw tooLarge();
  const bytes = Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > MAX_PLATFORM_BODY_BYTES) throw tooLarge();
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError('body', 'body is not valid JSON');
  }
}

const tooLarge = () => new PayloadTooLargeError(`body is larger than ${MAX_PLATFORM_BODY_BYTES} bytes`);

/** Query string parameters as one value each (a repeated parameter is refused rather than silently picked). */
export function queryParameters(event: APIGatewayProxyEvent): Record<string, string | undefined> {
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if ((values?.length ?? 0) > 1) throw new InvalidRequestError(name, `${name} is given more than once`);
  }
  return { ...(event.queryStringParameters ?? {}) };
}

export const pathParameter = (event: APIGatewayProxyEvent, name: string): string | undefined =>
  event.pathParameters?.[name] ?? undefined;

export const jsonResponse = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

export const errorResponse = (statusCode: number, message: string): APIGatewayProxyResult =>
  jsonResponse(statusCode, { error: message });
