/**
 * The HTTP side: Bearer auth, fault injection, Idempotency-Key replay, routing to the /v1 API, and handing
 * `/_emulator/*` control requests (loopback only, no auth) to the control handler.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { route } from './api.js';
import {
  idempotencyMismatch,
  injectedFault,
  invalidApiKey,
  liveKeyRefused,
  missingApiKey,
  StripeApiError,
  unrecognizedUrl,
} from './errors.js';
import { expandResponse } from './expand.js';
import { type FormParams, fingerprint, parseForm } from './form.js';
import { API_VERSION, newId } from './objects.js';
import { checkParameters } from './operation-params.js';
import { RequestGate } from './rate-limit.js';
import type { EmulatorStore } from './store.js';

export interface ControlRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}
export interface ControlResponse {
  status: number;
  body: unknown;
}
export type ControlHandler = (request: ControlRequest) => Promise<ControlResponse>;

interface Reply {
  status: number;
  body: string;
  requestId: string;
  /** False for a validation failure, which Stripe does not store under the idempotency key. */
  stored?: boolean;
}

/** Stripe prunes idempotency keys after 24 hours (emulator time). */
const IDEMPOTENCY_KEY_TTL = 24 * 60 * 60;

/** What an Idempotency-Key maps to: the request it was first used with and the response it got. */
interface IdempotentEntry {
  request: string;
  reply: Reply;
  /** When it was stored (emulator seconds). */
  at: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export class ApiServer {
  readonly http: Server;
  private failures = { count: 0, status: 500 };
  private delays = { count: 0, ms: 0 };
  private readonly idempotency = new Map<string, IdempotentEntry>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Rate limits, object locks and request counts (rate-limit.ts). */
  readonly gate = new RequestGate();

  constructor(
    private readonly store: EmulatorStore,
    private readonly apiKey: string,
    private readonly control: ControlHandler,
  ) {
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error('[stripe-emulator] unexpected error', error);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    return (this.http.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.http.listening) return;
    this.http.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.http.close((error) => (error ? reject(error) : resolve())));
  }

  failNext(count: number, status = 500): void {
    this.failures = { count: Math.max(0, count), status };
  }

  delayNext(count: number, ms: number): void {
    this.delays = { count: Math.max(0, count), ms: Math.max(0, ms) };
  }

  faults(): { failNext: number; status: number; delayNext: number; delayMs: number } {
    return {
      failNext: this.failures.count,
      status: this.failures.status,
      delayNext: this.delays.count,
      delayMs: this.delays.ms,
    };
  }

  /** Forgets faults and idempotency keys (the store is reset separately). */
  reset(): void {
    this.failures = { count: 0, status: 500 };
    this.delays = { count: 0, ms: 0 };
    this.idempotency.clear();
    this.gate.reset();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/_emulator/')) {
      await this.handleControl(req, res, method, url.pathname, raw);
      return;
    }
    const requestId = newId('req');
    const headers: Record<string, string> = {
      'Request-Id': requestId,
      'Stripe-Version': header(req, 'stripe-version') ?? API_VERSION,
    };
    const key = method === 'POST' ? header(req, 'idempotency-key') : undefined;
    if (key) headers['Idempotency-Key'] = key;
    const ticket = this.gate.open(method, url.pathname, route(method, url.pathname));
    const send = (reply: Reply, extra: Record<string, string> = {}): void => {
      ticket.close(reply.status);
      if (res.destroyed) return; // the client gave up (e.g. SDK timeout); the work is done anyway
      res.writeHead(reply.status, { 'Content-Type': 'application/json', ...headers, ...extra }).end(reply.body);
    };
    const errorReply = (error: StripeApiError): Reply => ({
      status: error.status,
      body: JSON.stringify(error.toJSON(requestId), null, 2),
      requestId,
    });
    try {
      const apiKey = this.authenticate(req);
      await ticket.admit(headers);
      await this.injectFaults();
      const match = route(method, url.pathname);
      if (!match) throw unrecognizedUrl(method, url.pathname);
      const params: FormParams = { ...parseForm(url.search), ...(method === 'POST' ? parseForm(raw) : {}) };
      checkParameters(method, url.pathname, params);
      const execute = (): Reply => {
        try {
          const request = { requestId, idempotencyKey: key ?? null, account: header(req, 'stripe-account') ?? null };
          const result = match.handler({ params, ids: match.ids, path: url.pathname, request, store: this.store });
          const body = expandResponse(result, params, this.store);
          return { status: 200, body: JSON.stringify(body, null, 2), requestId };
        } catch (error) {
          if (error instanceof StripeApiError) return { ...errorReply(error), stored: error.stored };
          throw error;
        }
      };
      if (!key) {
        send(execute());
        return;
      }
      // Keys are scoped per secret key and connected account, and bound to the endpoint + parameters first seen.
      const scope = `${apiKey}\n${header(req, 'stripe-account') ?? ''}\n${key}`;
      const request = `${method} ${url.pathname} ${fingerprint(params)}`;
      const now = this.store.clock.now();
      const stale = this.idempotency.get(scope);
      if (stale && now - stale.at >= IDEMPOTENCY_KEY_TTL) this.idempotency.delete(scope);
      const entry = this.idempotency.get(scope);
      if (entry && entry.request !== request) throw idempotencyMismatch(key);
      if (entry) {
        send(entry.reply, { 'Idempotent-Replayed': 'true', 'Original-Request': entry.reply.requestId });
        return;
      }
      // Handlers are synchronous, so no other request can see this key between execution and storage.
      const reply = execute();
      if (reply.stored !== false) this.idempotency.set(scope, { request, reply, at: now });
      send(reply);
    } catch (error) {
      if (error instanceof StripeApiError) {
        send(errorReply(error));
        return;
      }
      console.error('[stripe-emulator] unexpected error', error);
      send(errorReply(new StripeApiError(500, { type: 'api_error', message: `Stripe emulator bug: ${error}` })));
    }
  }

  /** Returns the secret key used, or throws Stripe's 401. Accepts Bearer and Basic (curl -u sk_test_...:). */
  private authenticate(req: IncomingMessage): string {
    const authorization = header(req, 'authorization') ?? '';
    const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
    let key = '';
    if (/^bearer$/i.test(scheme)) key = credentials;
    if (/^basic$/i.test(scheme)) key = Buffer.from(credentials, 'base64').toString('utf8').split(':')[0] ?? '';
    if (!key) throw missingApiKey();
    // Like stripe-mock: any test mode secret key is accepted (each has its own idempotency keys); live keys never.
    if (key.startsWith('sk_live_')) throw liveKeyRefused();
    if (key !== this.apiKey && !/^sk_test_\w+$/.test(key)) throw invalidApiKey(key);
    return key;
  }

  private async injectFaults(): Promise<void> {
    if (this.delays.count > 0) {
      this.delays.count -= 1;
      const ms = this.delays.ms;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, ms);
        this.timers.add(timer);
      });
    }
    if (this.failures.count > 0) {
      this.failures.count -= 1;
      throw injectedFault(this.failures.status);
    }
  }

  private async handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    raw: string,
  ): Promise<void> {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body, null, 2));
    };
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      reply(403, { error: { type: 'invalid_request_error', message: 'The emulator control API is loopback only.' } });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = raw.trim() === '' ? {} : parseBody(raw, req);
    } catch {
      reply(400, { error: { type: 'invalid_request_error', message: 'The body must be a JSON object.' } });
      return;
    }
    const response = await this.control({ method, path, body });
    reply(response.status, response.body);
  }
}

/** Control bodies: JSON, or form-encoded like the API. */
function parseBody(raw: string, req: IncomingMessage): Record<string, unknown> {
  const type = header(req, 'content-type') ?? '';
  if (type.includes('application/json') || raw.trimStart().startsWith('{')) {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  }
  return parseForm(raw);
}
