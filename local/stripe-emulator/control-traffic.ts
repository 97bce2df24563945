/**
 * `/_emulator/*` control routes for webhook delivery and rate limits (JSON in, JSON out), merged into control.ts:
 *   GET  /_emulator/deliveries                               -> { object: 'list', data: [every delivery attempt] }
 *   GET  /_emulator/deliveries/settings                      -> the delivery settings in force
 *   POST /_emulator/deliveries/settings { ...DeliverySettings } -> the settings in force after merging these
 *   POST /_emulator/deliveries/idle     { timeoutMs? }       -> { ok: true } once nothing is in flight (504 on timeout)
 *   POST /_emulator/resend              { event, endpoint? } -> { object: 'list', data: [the attempts made] }
 *   POST /_emulator/webhook-secret      { endpoint }         -> { secret }
 *   GET  /_emulator/rate-limits                              -> the rate limits in force
 *   POST /_emulator/rate-limits { preset: 'sandbox'|'live' } or { global?, perEndpoint?, endpoints?, lockTimeout?,
 *                                 lockHoldMs? } or {} (none)  -> the rate limits in force
 *   GET  /_emulator/request-counts                           -> { total: { served, rateLimited, lockTimeouts }, routes }
 *   POST /_emulator/request-counts/reset                     -> { ok: true }
 */
import type { DeliverySettings } from './delivery.js';
import { StripeApiError } from './errors.js';
import type { StripeEmulator } from './index.js';
import type { RateLimitOption, RateLimitSettings } from './rate-limit.js';
import type { ControlResponse } from './server.js';

type Route = (body: Record<string, unknown>) => ControlResponse | Promise<ControlResponse>;

const badRequest = (message: string): ControlResponse => ({
  status: 400,
  body: { error: { type: 'invalid_request_error', message } },
});

/** Form-encoded bodies carry strings: numbers and booleans back to their types. */
function coerce(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerce(v)]));
  }
  return value;
}

/** Runs `action`, turning a thrown settings error into a 400 and a Stripe error into its status. */
async function guarded(action: () => unknown): Promise<ControlResponse> {
  try {
    return { status: 200, body: await action() };
  } catch (error) {
    if (error instanceof StripeApiError) return { status: error.status, body: error.toJSON('control') };
    return badRequest(error instanceof Error ? error.message : String(error));
  }
}

export function trafficControlRoutes(emulator: StripeEmulator): Record<string, Route> {
  return {
    'GET /_emulator/deliveries': () => ({
      status: 200,
      body: { object: 'list', data: emulator.deliveries(), has_more: false, url: '/_emulator/deliveries' },
    }),
    'GET /_emulator/deliveries/settings': () => ({ status: 200, body: emulator.setDeliveryOptions({}) }),
    'POST /_emulator/deliveries/settings': (body) =>
      guarded(() => emulator.setDeliveryOptions(coerce(body) as Partial<DeliverySettings>)),
    'POST /_emulator/deliveries/idle': async (body) => {
      const timeoutMs = Number(coerce(body.timeoutMs) ?? 30_000);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), Number.isFinite(timeoutMs) ? timeoutMs : 30_000);
      });
      const done = await Promise.race([emulator.whenDelivered().then(() => false), timedOut]);
      clearTimeout(timer);
      return done
        ? {
            status: 504,
            body: { error: { type: 'api_error', message: `Deliveries still running after ${timeoutMs} ms` } },
          }
        : { status: 200, body: { ok: true } };
    },
    'POST /_emulator/resend': (body) => {
      if (typeof body.event !== 'string') return badRequest('event (an evt_ id) is required');
      if (body.endpoint !== undefined && typeof body.endpoint !== 'string')
        return badRequest('endpoint must be a we_ id');
      const { event, endpoint } = body;
      return guarded(async () => ({
        object: 'list',
        data: await emulator.resend(event, endpoint as string | undefined),
        has_more: false,
        url: '/_emulator/resend',
      }));
    },
    'POST /_emulator/webhook-secret': (body) => {
      if (typeof body.endpoint !== 'string') return badRequest('endpoint (a we_ id) is required');
      const { endpoint } = body;
      return guarded(() => ({ secret: emulator.webhookSecret(endpoint) }));
    },
    'GET /_emulator/rate-limits': () => ({ status: 200, body: emulator.rateLimits() }),
    'POST /_emulator/rate-limits': (body) => {
      const settings = coerce(body) as RateLimitSettings & { preset?: unknown };
      const { preset, ...rest } = settings;
      if (preset !== undefined && typeof preset !== 'string') return badRequest('preset must be sandbox or live');
      const option: RateLimitOption =
        typeof preset === 'string'
          ? (preset as RateLimitOption)
          : Object.keys(rest).length === 0
            ? null
            : (rest as RateLimitSettings);
      return guarded(() => emulator.setRateLimits(option));
    },
    'GET /_emulator/request-counts': () => ({ status: 200, body: emulator.requestCounts() }),
    'POST /_emulator/request-counts/reset': () => {
      emulator.resetRequestCounts();
      return { status: 200, body: { ok: true } };
    },
  };
}
