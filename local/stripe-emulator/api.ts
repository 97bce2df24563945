/** The /v1 routes: parameter validation, then the store. Each handler returns the JSON body of a 200. */
import { BILLING_ROUTES } from './billing-routes.js';
import { parameterInvalid, parameterMissing, resourceMissing } from './errors.js';
import type { FormParams, FormValue } from './form.js';
import { optionalString, paginate, parseInteger } from './lists.js';
import { isPlainObject, type StripeObject } from './objects.js';
import type { EmulatorStore, RequestContext } from './store.js';
import { WEBHOOK_ENDPOINT_ROUTES } from './webhook-endpoints.js';

export interface ApiCall {
  params: FormParams;
  /** The `:placeholders` of the route, in order. */
  ids: string[];
  path: string;
  request: RequestContext;
  store: EmulatorStore;
}

type Handler = (call: ApiCall) => unknown;

function requiredString(params: FormParams, param: string): string {
  const value = optionalString(param, params[param]);
  if (value === undefined || value === '') throw parameterMissing(param);
  return value;
}

function requiredInteger(params: FormParams, param: string): number {
  if (params[param] === undefined || params[param] === '') throw parameterMissing(param);
  return parseInteger(param, params[param]) as number;
}

function positiveInteger(param: string, value: number | undefined): number | undefined {
  if (value !== undefined && value < 1) {
    throw parameterInvalid(param, 'This value must be greater than or equal to 1.', 'parameter_invalid_integer');
  }
  return value;
}

function currency(params: FormParams): string {
  const value = requiredString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(value)) throw parameterInvalid('currency', `Invalid currency: ${value}.`, 'invalid_currency');
  return value;
}

/** `metadata[k]=v` pairs; a bare `metadata=` means "no metadata". */
function metadata(value: FormValue | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (value === '') return {};
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw parameterInvalid('metadata', 'Invalid metadata: must be a hash of string keys and string values.', null);
  }
  return value as Record<string, string>;
}

function oneOf(params: FormParams, param: string, allowed: string[]): string | undefined {
  const value = optionalString(param, params[param]);
  if (value !== undefined && !allowed.includes(value)) {
    throw parameterInvalid(param, `Invalid ${param}: must be one of ${allowed.join(', ')}`);
  }
  return value;
}

function accountChanges(params: FormParams): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of ['email', 'business_type', 'default_currency'] as const) {
    const value = optionalString(key, params[key]);
    if (value !== undefined) changes[key] = value;
  }
  if (isPlainObject(params.business_profile)) changes.business_profile = params.business_profile;
  const meta = metadata(params.metadata);
  if (meta) changes.metadata = meta;
  return changes;
}

const createAccount: Handler = ({ params, store }) =>
  store.createAccount({
    ...accountChanges(params),
    type: oneOf(params, 'type', ['custom', 'express', 'standard']),
    country: optionalString('country', params.country)?.toUpperCase(),
  });

const createTransfer: Handler = ({ params, store, request }) => {
  const amount = positiveInteger('amount', requiredInteger(params, 'amount')) as number;
  return store.createTransfer(
    {
      amount,
      currency: currency(params),
      destination: requiredString(params, 'destination'),
      description: optionalString('description', params.description),
      metadata: metadata(params.metadata),
      source_transaction: optionalString('source_transaction', params.source_transaction),
      transfer_group: optionalString('transfer_group', params.transfer_group),
    },
    request,
  );
};

const listTransfers: Handler = ({ params, store, path }) => {
  const destination = optionalString('destination', params.destination);
  const group = optionalString('transfer_group', params.transfer_group);
  return paginate(
    store.transfers.values(),
    params,
    path,
    'transfer',
    (t) =>
      (destination === undefined || t.destination === destination) &&
      (group === undefined || t.transfer_group === group),
  );
};

const reverseTransfer: Handler = ({ params, store, ids: [id = ''], request }) =>
  store.reverseTransfer(
    id,
    {
      amount: positiveInteger('amount', parseInteger('amount', params.amount)),
      metadata: metadata(params.metadata),
    },
    request,
  );

const listReversals: Handler = ({ params, store, ids: [id = ''], path }) =>
  paginate([...store.getTransfer(id).reversals.data].reverse(), params, path, 'transfer_reversal');

function getReversal({ store, ids: [id = '', reversalId = ''] }: ApiCall): StripeObject {
  const reversal = store.getTransfer(id).reversals.data.find((r) => r.id === reversalId);
  if (!reversal) throw resourceMissing('transfer_reversal', reversalId);
  return reversal;
}

/** `type=transfer.created`, `type=transfer.*` or `types[]=a&types[]=b`. */
function eventTypeFilter(params: FormParams): (type: string) => boolean {
  const single = optionalString('type', params.type);
  const many = params.types === undefined ? [] : Array.isArray(params.types) ? params.types : [params.types];
  const patterns = [...(single === undefined ? [] : [single]), ...many.filter((t) => typeof t === 'string')];
  if (patterns.length === 0) return () => true;
  const regexes = patterns.map(
    (p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^]*')}$`),
  );
  return (type) => regexes.some((re) => re.test(type));
}

const listEvents: Handler = ({ params, store, path }) => {
  const matchesType = eventTypeFilter(params);
  const delivered = store.webhooks.deliverySuccessFilter(params);
  return paginate(store.events.values(), params, path, 'event', (e) => matchesType(e.type) && delivered(e));
};

const listInvoices: Handler = ({ params, store, path }) => {
  const status = oneOf(params, 'status', ['draft', 'open', 'paid', 'uncollectible', 'void']);
  const customer = optionalString('customer', params.customer);
  return paginate(
    store.invoices.values(),
    params,
    path,
    'invoice',
    (invoice) =>
      (status === undefined || invoice.status === status) && (customer === undefined || invoice.customer === customer),
  );
};

/** `[method, pattern, handler]`; `:id` segments are captured into `ids`. */
const ROUTES: Array<[string, string, Handler]> = [
  ['POST', '/v1/accounts', createAccount],
  ['GET', '/v1/accounts', ({ params, store, path }) => paginate(store.accounts.values(), params, path, 'account')],
  ['GET', '/v1/accounts/:id', ({ store, ids: [id = ''] }) => store.getAccount(id)],
  [
    'POST',
    '/v1/accounts/:id',
    ({ params, store, ids: [id = ''], request }) => store.updateAccount(id, accountChanges(params), request),
  ],
  ['POST', '/v1/transfers', createTransfer],
  ['GET', '/v1/transfers', listTransfers],
  ['GET', '/v1/transfers/:id', ({ store, ids: [id = ''] }) => store.getTransfer(id)],
  [
    'POST',
    '/v1/transfers/:id',
    ({ params, store, ids: [id = ''], request }) =>
      store.updateTransfer(
        id,
        { description: optionalString('description', params.description), metadata: metadata(params.metadata) },
        request,
      ),
  ],
  ['POST', '/v1/transfers/:id/reversals', reverseTransfer],
  ['GET', '/v1/transfers/:id/reversals', listReversals],
  ['GET', '/v1/transfers/:id/reversals/:reversal', getReversal],
  ['GET', '/v1/events', listEvents],
  ['GET', '/v1/events/:id', ({ store, ids: [id = ''] }) => store.getEvent(id)],
  ['GET', '/v1/balance', ({ store, request }) => store.balance(request.account ?? null)],
  ['GET', '/v1/invoices', listInvoices],
  ['GET', '/v1/invoices/:id', ({ store, ids: [id = ''] }) => store.getInvoice(id)],
  ...WEBHOOK_ENDPOINT_ROUTES,
  ...BILLING_ROUTES,
];

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The handler for `method path`, with the captured ids, or undefined (-> 404 unrecognized URL). */
export function route(
  method: string,
  path: string,
): { handler: Handler; ids: string[] /** e.g. `POST /v1/transfers/:id` */; pattern: string } | undefined {
  const segments = path.replace(/\/+$/, '').split('/');
  for (const [routeMethod, pattern, handler] of ROUTES) {
    const parts = pattern.split('/');
    if (routeMethod !== method || parts.length !== segments.length) continue;
    const ids: string[] = [];
    const matches = parts.every((part, i) => {
      const segment = safeDecode(segments[i] ?? '');
      if (part.startsWith(':')) ids.push(segment);
      return part.startsWith(':') ? segment !== '' : part === segment;
    });
    if (matches) return { handler, ids, pattern: `${routeMethod} ${pattern}` };
  }
  return undefined;
}
