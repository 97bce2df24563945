/**
 * The APIGatewayProxyEvent an HTTP API (Lambda proxy, payload format 1.0) hands a function for one request. Format 1.0
 * is the REST proxy's shape; the deployed one leaves out identity.apiKey/apiKeyId and sends resourceId null, which no
 * handler reads.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface ProxyEventInit {
  method: string;
  /** The resource template, e.g. `/platform/districts/{districtId}`. */
  resource: string;
  /** The request path; defaults to the resource. */
  path?: string;
  /** A record, or name/value pairs in arrival order when a header may repeat (the last value wins in `headers`). */
  headers?: Record<string, string> | ReadonlyArray<readonly [string, string]>;
  body?: string | null;
  isBase64Encoded?: boolean;
  pathParameters?: Record<string, string>;
  query?: URLSearchParams | Record<string, string>;
  /** Default `local`; the request context path is `/<stage><path>`. */
  stage?: string;
  sourceIp?: string;
  requestId?: string;
}

export function proxyEvent(init: ProxyEventInit): APIGatewayProxyEvent {
  const path = init.path ?? init.resource;
  const stage = init.stage ?? 'local';
  const [headers, multiValueHeaders] = singleAndMultiValue(
    Array.isArray(init.headers) ? init.headers : Object.entries(init.headers ?? {}),
  );
  const [query, multiQuery] = singleAndMultiValue(
    init.query instanceof URLSearchParams ? init.query : Object.entries(init.query ?? {}),
  );
  const hasQuery = Object.keys(query).length > 0;
  const hasParams = Object.keys(init.pathParameters ?? {}).length > 0;
  return {
    resource: init.resource,
    path,
    httpMethod: init.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: hasParams ? (init.pathParameters ?? null) : null,
    stageVariables: null,
    body: init.body ?? null,
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: init.method,
      identity: identity(init.sourceIp ?? '127.0.0.1', headerValue(headers, 'user-agent')),
      path: `/${stage}${path}`,
      stage,
      requestId: init.requestId ?? randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: init.resource,
    },
  };
}

function singleAndMultiValue(
  entries: Iterable<readonly [string, string]>,
): [Record<string, string>, Record<string, string[]>] {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of entries) {
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  return [single, multi];
}

/** Header names keep the sender's case. */
function headerValue(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

function identity(sourceIp: string, userAgent: string | undefined): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent: userAgent ?? null,
    userArn: null,
  };
}
