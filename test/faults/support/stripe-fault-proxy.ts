/**
 * An unreliable Stripe: an HTTP proxy in front of the Stripe emulator that, per API request, at random
 *   - answers 500 without passing the request on (Stripe failed before doing anything),
 *   - passes it on and then answers 500 anyway (Stripe did the work and the answer was lost),
 *   - holds it past the client's timeout before passing it on (the client gives up; Stripe still does the work),
 *   - or passes it on untouched.
 * The emulator's own failNext/delayNext count requests in order; this picks per request, at a rate.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Random } from './random.js';

export interface StripeFaultRates {
  /** Share of requests answered 500 (half before, half after the emulator handled them). */
  fail: number;
  /** Share of requests held for `delayMs` before they are passed on. */
  delay: number;
  delayMs: number;
}

export interface StripeFaultCounts {
  passed: number;
  failedBefore: number;
  failedAfter: number;
  delayed: number;
}

export interface StripeFaultProxy {
  /** http://127.0.0.1:PORT, the base URL to hand the workers instead of the emulator's. */
  readonly url: string;
  readonly counts: StripeFaultCounts;
  /** From now on every request passes untouched. */
  heal(): void;
  close(): Promise<void>;
}

const API_ERROR_BODY = JSON.stringify({
  error: { type: 'api_error', message: 'An unexpected error occurred (injected by the fault proxy).' },
});

export async function startStripeFaultProxy(options: {
  targetPort: number;
  rates: StripeFaultRates;
  random: Random;
}): Promise<StripeFaultProxy> {
  const counts: StripeFaultCounts = { passed: 0, failedBefore: 0, failedAfter: 0, delayed: 0 };
  let healthy = false;
  const timers = new Set<NodeJS.Timeout>();

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: object; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstream = request(
        { host: '127.0.0.1', port: options.targetPort, method: req.method, path: req.url, headers: req.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const fail = (res: ServerResponse) => {
    if (res.destroyed) return;
    res.writeHead(500, { 'Content-Type': 'application/json', 'Request-Id': 'req_injected' }).end(API_ERROR_BODY);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const roll = healthy ? 1 : options.random.next();
    const { fail: failRate, delay: delayRate, delayMs } = options.rates;
    if (roll < failRate / 2) {
      counts.failedBefore++;
      fail(res);
      return;
    }
    if (roll < failRate + delayRate && roll >= failRate) {
      counts.delayed++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, delayMs);
        timers.add(timer);
      });
    }
    const answer = await forward(req, body);
    if (roll < failRate) {
      counts.failedAfter++;
      fail(res);
      return;
    }
    if (roll >= failRate + delayRate) counts.passed++;
    if (res.destroyed) return; // the client gave up waiting; the emulator has done the work anyway
    res.writeHead(answer.status, answer.headers as Record<string, string>).end(answer.body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => {
        if (!res.headersSent && !res.destroyed) res.writeHead(502).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    heal: () => {
      healthy = true;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
