import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ApiRoute } from '#contracts/api-routes.js';
import { type LambdaHandler, lambdaContext } from './lambda-context.js';
import { proxyEvent } from './proxy-event.js';

export type ProxyHandler = LambdaHandler<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** The bodies an HTTP API answers its own refusals with (it has no gateway-response templates). */
export const HTTP_API_REFUSALS = {
  notFound: { message: 'Not Found' },
  internalServerError: { message: 'Internal Server Error' },
} as const;

export interface LocalApiGateway {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export interface RouteTarget {
  route: ApiRoute;
  handler: ProxyHandler;
  timeoutSeconds: number;
}

/**
 * Serves handlers over HTTP the way the deployed HTTP API calls them (Lambda proxy, payload format 1.0): each request
 * becomes an APIGatewayProxyEvent (raw body kept exactly, path parameters from the resource template). What the
 * gateway refuses itself it answers as an HTTP API does, `{ "message": ... }`: no route for the method and path is
 * 404 Not Found, a function that fails is 500 Internal Server Error. It checks no IAM signature: the platform routes
 * take unsigned requests locally (deployed, an unsigned one is refused 403 `{ "message": "Forbidden" }`).
 */
export async function startLocalApiGateway(options: {
  port: number;
  targets: RouteTarget[];
  extraRoutes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
}): Promise<LocalApiGateway> {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'ERROR', message: 'local gateway failure', error: String(error) }));
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(HTTP_API_REFUSALS.internalServerError));
    });
  });
  await listen(server, options.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => closeServer(server),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    targets: RouteTarget[];
    extraRoutes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
  },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const extra = options.extraRoutes?.[`${req.method} ${url.pathname}`];
  if (extra) return extra(req, res);

  // An HTTP API matches a route by method and path together: a known path with another method is no route either.
  const match = options.targets
    .map((target) => ({ target, params: matchResource(target.route.resource, url.pathname) }))
    .find((m) => m.params !== undefined && (m.target.route.method === req.method || m.target.route.method === 'ANY'));
  if (!match) return sendJson(res, 404, HTTP_API_REFUSALS.notFound);
  return invoke(req, res, match.target, url, match.params);
}

async function invoke(
  req: IncomingMessage,
  res: ServerResponse,
  target: RouteTarget,
  url: URL,
  params: Record<string, string> | undefined,
): Promise<void> {
  const body = await readBody(req);
  const event = toProxyEvent(req, url, target.route.resource, params ?? {}, body);
  const result = await target.handler(event, lambdaContext(target.route.functionName, target.timeoutSeconds));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  res.writeHead(result.statusCode, headers);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

function toProxyEvent(
  req: IncomingMessage,
  url: URL,
  resource: string,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEvent {
  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
  }
  return proxyEvent({
    method: req.method ?? 'GET',
    resource,
    path: url.pathname,
    headers,
    query: url.searchParams,
    pathParameters,
    body: body.length > 0 ? body.toString('utf8') : null,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
  });
}

/** Matches `/platform/districts/{districtId}` against a path; undefined when it does not match. */
export function matchResource(resource: string, path: string): Record<string, string> | undefined {
  const want = resource.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = have[i] as string;
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name) params[name] = decodeURIComponent(actual);
    else if (segment !== actual) return undefined;
  }
  return params;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
