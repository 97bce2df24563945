/**
 * Webhook endpoints (`/v1/webhook_endpoints`), as Stripe keeps them: a URL, the event types it is subscribed to
 * (`enabled_events`, `['*']` for all), a `whsec_` signing secret returned by the create call only, and a `status`
 * of `enabled` or `disabled` (set by `disabled` on update, or by Stripe when deliveries keep failing).
 * Delivery itself is in delivery.ts.
 */
import { randomBytes } from 'node:crypto';
import type { ApiCall } from './api.js';
import { parameterInvalid, parameterMissing, resourceMissing } from './errors.js';
import type { FormParams, FormValue } from './form.js';
import { optionalString, paginate } from './lists.js';
import { fixture, isPlainObject, newId, nowSeconds, type StripeObject } from './objects.js';

export interface WebhookEndpointObject extends StripeObject {
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  description: string | null;
  metadata: Record<string, string>;
  api_version: string | null;
}

/** What the emulator keeps per endpoint besides the object the API shows. */
export interface WebhookEndpointRecord {
  object: WebhookEndpointObject;
  secret: string;
  /** Automatic delivery attempts that failed in a row (reset by a success or by re-enabling). */
  consecutiveFailures: number;
  /** When the current run of failures began (ms since the epoch), if one is under way. */
  failingSince?: number;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `whsec_` and 32 random base62 characters, like the secrets Stripe hands out. */
export const newWebhookSecret = (): string =>
  `whsec_${Array.from(randomBytes(32), (byte) => ALPHABET[byte % ALPHABET.length]).join('')}`;

/** Whether an endpoint subscribed to `enabledEvents` receives an event of `type`. */
export const subscribes = (enabledEvents: readonly string[], type: string): boolean =>
  enabledEvents.includes('*') || enabledEvents.includes(type);

export class WebhookEndpoints {
  readonly records = new Map<string, WebhookEndpointRecord>();

  create(params: {
    url: string;
    enabled_events: string[];
    description?: string | null;
    metadata?: Record<string, string>;
    api_version?: string;
  }): WebhookEndpointRecord {
    const object = Object.assign(fixture('webhook_endpoint'), {
      id: newId('we'),
      object: 'webhook_endpoint',
      api_version: params.api_version ?? null,
      application: null,
      created: nowSeconds(),
      description: params.description ?? null,
      enabled_events: [...params.enabled_events],
      livemode: false,
      metadata: params.metadata ?? {},
      status: 'enabled',
      url: params.url,
    }) as WebhookEndpointObject;
    const record: WebhookEndpointRecord = { object, secret: newWebhookSecret(), consecutiveFailures: 0 };
    this.records.set(object.id, record);
    return record;
  }

  get(id: string): WebhookEndpointRecord {
    const record = this.records.get(id);
    if (!record) throw resourceMissing('webhook_endpoint', id);
    return record;
  }

  /** Applies an update; `disabled: false` re-enables the endpoint and forgets its run of failures. */
  update(
    id: string,
    changes: {
      url?: string;
      enabled_events?: string[];
      description?: string | null;
      metadata?: Record<string, string>;
      disabled?: boolean;
    },
  ): WebhookEndpointRecord {
    const record = this.get(id);
    const { object } = record;
    if (changes.url !== undefined) object.url = changes.url;
    if (changes.enabled_events !== undefined) object.enabled_events = [...changes.enabled_events];
    if (changes.description !== undefined) object.description = changes.description;
    if (changes.metadata !== undefined) {
      if (Object.keys(changes.metadata).length === 0) object.metadata = {};
      for (const [key, value] of Object.entries(changes.metadata)) {
        if (value === '') delete object.metadata[key];
        else object.metadata[key] = value;
      }
    }
    if (changes.disabled === true) object.status = 'disabled';
    if (changes.disabled === false) {
      object.status = 'enabled';
      record.consecutiveFailures = 0;
      record.failingSince = undefined;
    }
    return record;
  }

  delete(id: string): { id: string; object: 'webhook_endpoint'; deleted: true } {
    this.get(id);
    this.records.delete(id);
    return { id, object: 'webhook_endpoint', deleted: true };
  }

  /** Enabled endpoints subscribed to `type`, oldest first. */
  subscribedTo(type: string): WebhookEndpointRecord[] {
    return [...this.records.values()].filter(
      (record) => record.object.status === 'enabled' && subscribes(record.object.enabled_events, type),
    );
  }

  clear(): void {
    this.records.clear();
  }
}

// --- API parameters -------------------------------------------------------------------------------------------------

function url(params: FormParams, required: boolean): string | undefined {
  const value = optionalString('url', params.url);
  if (value === undefined || value === '') {
    if (required) throw parameterMissing('url');
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw parameterInvalid('url', `Invalid URL: ${value}`, 'url_invalid');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw parameterInvalid('url', `Invalid URL: ${value}. URLs must begin with http:// or https://`, 'url_invalid');
  }
  return value;
}

function enabledEvents(params: FormParams, required: boolean): string[] | undefined {
  const value = params.enabled_events;
  if (value === undefined || value === '') {
    if (required) throw parameterMissing('enabled_events');
    return undefined;
  }
  const events = Array.isArray(value) ? value : [value];
  events.forEach((event, i) => {
    if (typeof event !== 'string' || !/^(\*|[a-z0-9_]+(\.[a-z0-9_]+)+)$/.test(event)) {
      throw parameterInvalid(`enabled_events[${i}]`, `Invalid enabled_events[${i}]: ${JSON.stringify(event)}`);
    }
  });
  if (events.length === 0) throw parameterMissing('enabled_events');
  return events as string[];
}

function metadata(value: FormValue | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (value === '') return {};
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw parameterInvalid('metadata', 'Invalid metadata: must be a hash of string keys and string values.', null);
  }
  return value as Record<string, string>;
}

function description(params: FormParams): string | null | undefined {
  const value = optionalString('description', params.description);
  return value === undefined ? undefined : value === '' ? null : value;
}

function boolean(params: FormParams, param: string): boolean | undefined {
  const value = params[param];
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw parameterInvalid(param, `Invalid boolean: ${JSON.stringify(value)}`, null);
}

/** What the API shows: the object without the secret (which only the create call returns). */
const shown = (record: WebhookEndpointRecord): WebhookEndpointObject => record.object;

type Handler = (call: ApiCall) => unknown;

const createEndpoint: Handler = ({ params, store }) => {
  boolean(params, 'connect'); // accepted; the emulator has one account, so it changes nothing
  const record = store.webhooks.endpoints.create({
    url: url(params, true) as string,
    enabled_events: enabledEvents(params, true) as string[],
    description: description(params),
    metadata: metadata(params.metadata),
    api_version: optionalString('api_version', params.api_version),
  });
  return { ...shown(record), secret: record.secret };
};

const updateEndpoint: Handler = ({ params, store, ids: [id = ''] }) => {
  const record = store.webhooks.endpoints.update(id, {
    url: url(params, false),
    enabled_events: enabledEvents(params, false),
    description: description(params),
    metadata: metadata(params.metadata),
    disabled: boolean(params, 'disabled'),
  });
  store.webhooks.endpointChanged(id);
  return shown(record);
};

const deleteEndpoint: Handler = ({ store, ids: [id = ''] }) => {
  const deleted = store.webhooks.endpoints.delete(id);
  store.webhooks.endpointChanged(id);
  return deleted;
};

/** Routes for api.ts: `[method, pattern, handler]`. */
export const WEBHOOK_ENDPOINT_ROUTES: Array<[string, string, Handler]> = [
  ['POST', '/v1/webhook_endpoints', createEndpoint],
  [
    'GET',
    '/v1/webhook_endpoints',
    ({ params, store, path }) =>
      paginate([...store.webhooks.endpoints.records.values()].map(shown), params, path, 'webhook_endpoint'),
  ],
  ['GET', '/v1/webhook_endpoints/:id', ({ store, ids: [id = ''] }) => shown(store.webhooks.endpoints.get(id))],
  ['POST', '/v1/webhook_endpoints/:id', updateEndpoint],
  ['DELETE', '/v1/webhook_endpoints/:id', deleteEndpoint],
];

/** The parameters each route takes, for a parameter whitelist (`parameter_unknown`). */
export const WEBHOOK_ENDPOINT_PARAMS: Record<string, string[]> = {
  'POST /v1/webhook_endpoints': [
    'url',
    'enabled_events',
    'description',
    'metadata',
    'api_version',
    'connect',
    'expand',
  ],
  'GET /v1/webhook_endpoints': ['limit', 'starting_after', 'ending_before', 'expand'],
  'GET /v1/webhook_endpoints/:id': ['expand'],
  'POST /v1/webhook_endpoints/:id': ['url', 'enabled_events', 'description', 'metadata', 'disabled', 'expand'],
  'DELETE /v1/webhook_endpoints/:id': [],
};
