/**
 * `/_emulator/*` control endpoints, so another process can drive the emulator over HTTP (JSON in, JSON out):
 *   GET  /_emulator/health                                   -> { ok, url }
 *   POST /_emulator/balance   { available, currency? }       -> the balance object
 *   POST /_emulator/faults    { failNext?, status?, delayNext?, delayMs? } -> the pending faults
 *   POST /_emulator/reset                                    -> { ok: true }
 *   POST /_emulator/events    { type, object }               -> the stored event
 *   POST /_emulator/deliver   { type, object, url, secret, timestamp?, headers? } -> { event, status, body }
 *   POST /_emulator/invoices  { ...overrides }               -> an invoice (see buildInvoice)
 *   GET  /_emulator/transfers                                -> { object: 'list', data: [every transfer], ... }
 * Webhook deliveries, rate limits and request counts: see control-traffic.ts; clock, refunds, disputes: control-money.ts.
 */
import { moneyControlRoutes } from './control-money.js';
import { trafficControlRoutes } from './control-traffic.js';
import type { StripeEmulator } from './index.js';
import type { ControlHandler, ControlRequest, ControlResponse } from './server.js';

const badRequest = (message: string): ControlResponse => ({
  status: 400,
  body: { error: { type: 'invalid_request_error', message } },
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asInteger = (value: unknown): number | undefined => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
};

type Route = (body: Record<string, unknown>) => ControlResponse | Promise<ControlResponse>;

export function controlHandler(emulator: StripeEmulator, faults: () => Record<string, number>): ControlHandler {
  const routes: Record<string, Route> = {
    'GET /_emulator/health': () => ({ status: 200, body: { ok: true, url: emulator.url } }),
    'POST /_emulator/balance': (body) => {
      const available = asInteger(body.available);
      if (available === undefined) return badRequest('available must be an integer amount in cents');
      emulator.setBalance(available, typeof body.currency === 'string' ? body.currency : undefined);
      return { status: 200, body: emulator.balance() };
    },
    'POST /_emulator/faults': (body) => {
      const failNext = asInteger(body.failNext);
      const delayNext = asInteger(body.delayNext);
      if (failNext !== undefined) emulator.failNext(failNext, asInteger(body.status));
      if (delayNext !== undefined) emulator.delayNext(delayNext, asInteger(body.delayMs) ?? 0);
      return { status: 200, body: faults() };
    },
    'POST /_emulator/reset': () => {
      emulator.reset();
      return { status: 200, body: { ok: true } };
    },
    'POST /_emulator/events': (body) => {
      if (typeof body.type !== 'string' || !isObject(body.object)) return badRequest('type and object are required');
      return { status: 200, body: emulator.createEvent(body.type, body.object) };
    },
    'POST /_emulator/deliver': async (body) => {
      const { type, object, url, secret, timestamp, headers } = body;
      if (typeof type !== 'string' || !isObject(object) || typeof url !== 'string' || typeof secret !== 'string') {
        return badRequest('type, object, url and secret are required');
      }
      const event = emulator.createEvent(type, object);
      try {
        const result = await emulator.deliver(event, {
          url,
          secret,
          ...(asInteger(timestamp) === undefined ? {} : { timestamp: asInteger(timestamp) }),
          ...(isObject(headers) ? { headers: headers as Record<string, string> } : {}),
        });
        return { status: 200, body: { event, ...result } };
      } catch (error) {
        return { status: 502, body: { event, error: { type: 'api_error', message: `Delivery failed: ${error}` } } };
      }
    },
    'POST /_emulator/invoices': (body) => ({ status: 200, body: emulator.buildInvoice(body) }),
    'GET /_emulator/transfers': () => ({
      status: 200,
      body: { object: 'list', data: emulator.transfers(), has_more: false, url: '/_emulator/transfers' },
    }),
    ...trafficControlRoutes(emulator), // webhook deliveries, rate limits, request counts
    ...moneyControlRoutes(emulator), // clock, connected account balances, refund failures, dispute outcomes
  };
  return async ({ method, path, body }: ControlRequest) => {
    const handler = routes[`${method} ${path.replace(/\/+$/, '')}`];
    if (!handler)
      return { status: 404, body: { error: { type: 'invalid_request_error', message: 'Unknown control route' } } };
    return handler(body);
  };
}
