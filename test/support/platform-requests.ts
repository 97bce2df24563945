/** HTTP API proxy events (payload 1.0) for the platform routes (/platform/*), as API Gateway builds them. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { proxyEvent } from '../../local/proxy-event.js';

export interface PlatformRequestInit {
  /** Path parameters, e.g. `{ districtId: 'shahdol' }` for `/platform/districts/{districtId}`. */
  params?: Record<string, string>;
  query?: Record<string, string | string[]>;
  /** A value is sent as JSON; a string is sent as it is. */
  body?: unknown;
  isBase64Encoded?: boolean;
}

export function platformRequest(
  method: string,
  resource: string,
  init: PlatformRequestInit = {},
): APIGatewayProxyEvent {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(init.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(name, item);
  }
  return proxyEvent({
    method,
    resource,
    path: resource.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(init.params?.[name] ?? '')),
    headers: { 'Content-Type': 'application/json' },
    body: init.body === undefined ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    isBase64Encoded: init.isBase64Encoded,
    pathParameters: init.params,
    query,
    stage: 'v1',
    requestId: 'request',
  });
}
