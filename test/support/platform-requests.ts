/** API Gateway REST proxy events for the platform routes (/platform/*), as API Gateway builds them. */
import type { APIGatewayProxyEvent } from 'aws-lambda';

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
  const path = resource.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(init.params?.[name] ?? ''));
  const entries = Object.entries(init.query ?? {});
  const body = init.body === undefined ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const headers = { 'Content-Type': 'application/json' };
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: { 'Content-Type': ['application/json'] },
    queryStringParameters:
      entries.length > 0
        ? Object.fromEntries(
            entries.map(([name, value]) => [name, Array.isArray(value) ? (value.at(-1) ?? '') : value]),
          )
        : null,
    multiValueQueryStringParameters:
      entries.length > 0
        ? Object.fromEntries(entries.map(([name, value]) => [name, Array.isArray(value) ? value : [value]]))
        : null,
    pathParameters: init.params && Object.keys(init.params).length > 0 ? init.params : null,
    stageVariables: null,
    body,
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/v1${path}`,
      stage: 'v1',
      requestId: 'request',
      requestTimeEpoch: Date.now(),
      resourceId: 'resource',
      resourcePath: resource,
    },
  };
}
