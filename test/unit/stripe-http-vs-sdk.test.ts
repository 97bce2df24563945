/**
 * Our Stripe client (functions/commons/stripe-api-client.ts over stripe-http.ts) against the official SDK, each
 * pointed at a local server of its own that answers both from the same script: for generated parameters the two
 * send the same requests, for generated error answers they reject with the same error, for scripted answer
 * sequences they retry as often and end the same way, and they fail alike when the connection breaks or stalls.
 */
import fc from 'fast-check';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_API_VERSION } from '#contracts/environment.js';
import { toPaymentProviderError } from '../../adapters/stripe/payments.js';
import type { StripeApi } from '../../adapters/stripe/stripe-api.js';
import { isResourceMissing } from '../../adapters/stripe/stripe-errors.js';
import { createStripeApiClient } from '../../functions/commons/stripe-api-client.js';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { StripeHttp } from '../../functions/commons/stripe-http.js';
import {
  type RecordedRequest,
  type ScriptedAnswer,
  type ScriptedServer,
  startScriptedServer,
} from './support/scripted-http-server.js';

const API_KEY = 'sk_test_compare';

let sdkServer: ScriptedServer;
let ourServer: ScriptedServer;

beforeAll(async () => {
  [sdkServer, ourServer] = await Promise.all([startScriptedServer(), startScriptedServer()]);
});

afterAll(async () => {
  await Promise.all([sdkServer?.close(), ourServer?.close()]);
});

interface ClientOptions {
  maxNetworkRetries?: number;
  timeoutMilliseconds?: number;
}

/** The SDK, as the local tools build it, without the 429 waits (our client is built without them too). */
function sdk(options: ClientOptions = {}): Stripe {
  return createStripeClient(API_KEY, {
    baseUrl: sdkServer.baseUrl,
    rateLimitRetry: false,
    maxNetworkRetries: 0,
    ...options,
  });
}

/** The SDK with its waits between network retries cut to 1 ms (its retry decisions untouched), to run quickly. */
function sdkRetryingFast(options: ClientOptions): Stripe {
  return Object.assign(sdk(options), {
    getInitialNetworkRetryDelay: () => 0.001,
    getMaxNetworkRetryDelay: () => 0.001,
  });
}

function ours(options: ClientOptions = {}): StripeApi {
  return createStripeApiClient(API_KEY, {
    baseUrl: ourServer.baseUrl,
    rateLimitRetry: false,
    maxNetworkRetries: 0,
    ...options,
  });
}

function oursRetryingFast(maxNetworkRetries: number): StripeHttp {
  return new StripeHttp({
    apiKey: API_KEY,
    apiVersion: STRIPE_API_VERSION,
    endpoint: { host: '127.0.0.1', port: ourServer.port, protocol: 'http' },
    timeoutMilliseconds: 10_000,
    maxNetworkRetries,
    rateLimitRetry: false,
    sleep: async () => undefined,
  });
}

function script(...answers: ScriptedAnswer[]): void {
  sdkServer.answerWith(...answers);
  ourServer.answerWith(...answers);
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ rejected: error }),
  );

/** Runs one call on the SDK and on our client at once; each client sees its own server. */
async function both(
  call: (client: StripeApi) => Promise<unknown>,
  clients: { sdk: StripeApi; ours: StripeApi } = { sdk: sdk(), ours: ours() },
) {
  const [sdkOutcome, ourOutcome] = await Promise.all([settle(call(clients.sdk)), settle(call(clients.ours))]);
  return { sdk: sdkOutcome, ours: ourOutcome };
}

const COMPARED_HEADERS = [
  'accept',
  'authorization',
  'stripe-version',
  'content-type',
  'content-length',
  'idempotency-key',
];

/** What must be the same in two requests; a generated Idempotency-Key is compared for presence only. */
function comparable(request: RecordedRequest | undefined, keyGiven: boolean) {
  if (!request) return undefined;
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, request.headers[name]]));
  if (!keyGiven && headers['idempotency-key'] !== undefined) headers['idempotency-key'] = '(generated)';
  return { method: request.method, url: request.url, body: request.body, headers };
}

// --- Generated parameters of the shapes the adapters send -----------------------------------------------------

const SPECIAL_CHARACTERS = [...'[]!*()\'&=+ %#?/\\"~'];
const character = fc.oneof(
  fc.constantFrom(...SPECIAL_CHARACTERS),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit: character, maxLength: 12 });
const objectId = fc.string({ unit: character, minLength: 1, maxLength: 12 });
const metadata = fc.dictionary(text, text, { maxKeys: 4 });
const idempotencyKey = fc.option(fc.stringMatching(/^[A-Za-z0-9:_-]{1,40}$/), { nil: undefined });
const expand = fc.array(fc.constantFrom('data.destination', 'payment_intent', 'data.payment.charge', 'latest_charge'), {
  maxLength: 3,
});
const unixSeconds = fc.integer({ min: 0, max: 4_000_000_000 });

const transferCreate = fc.record(
  {
    amount: fc.integer({ min: 1, max: 1_000_000_000 }),
    currency: fc.constantFrom('usd', 'cad', 'eur'),
    destination: objectId,
    transfer_group: text,
    metadata,
    description: text,
    source_transaction: objectId,
  },
  { requiredKeys: ['amount', 'currency', 'destination'] },
);
const reversalCreate = fc.record(
  { amount: fc.integer({ min: 1, max: 1_000_000 }), metadata, description: text },
  { requiredKeys: [] },
);
const listParams = fc.record(
  {
    limit: fc.integer({ min: 1, max: 100 }),
    starting_after: objectId,
    created: fc.record({ gte: unixSeconds, lte: unixSeconds, gt: unixSeconds, lt: unixSeconds }, { requiredKeys: [] }),
    types: fc.array(fc.constantFrom('invoice.paid', 'charge.refunded', 'charge.dispute.created', 'transfer.reversed')),
    expand,
    payment: fc.record({ type: fc.constant('payment_intent'), payment_intent: objectId }),
    delivery_success: fc.boolean(),
    transfer_group: text,
    destination: objectId,
    charge: objectId,
    invoice: objectId,
    status: fc.constantFrom('paid', 'open'),
  },
  { requiredKeys: [] },
);

interface Call {
  /** Whether the call is given an Idempotency-Key. */
  keyGiven: boolean;
  invoke(client: StripeApi): Promise<unknown>;
}

const given = (key: string | undefined) => (key === undefined ? {} : { idempotencyKey: key });
// The generated params carry the shapes the adapters send; the SDK's param types are narrower than the generators.
const asParams = <T>(params: object) => params as T;

const calls: fc.Arbitrary<Call> = fc.oneof(
  fc.tuple(transferCreate, idempotencyKey).map(([params, key]) => ({
    keyGiven: key !== undefined,
    invoke: (c: StripeApi) => c.transfers.create(asParams(params), given(key)),
  })),
  fc.tuple(objectId, reversalCreate, idempotencyKey).map(([id, params, key]) => ({
    keyGiven: key !== undefined,
    invoke: (c: StripeApi) => c.transfers.createReversal(id, params, given(key)),
  })),
  objectId.map((id) => ({ keyGiven: false, invoke: (c: StripeApi) => c.transfers.retrieve(id) })),
  objectId.map((id) => ({ keyGiven: false, invoke: (c: StripeApi) => c.charges.retrieve(id) })),
  objectId.map((id) => ({ keyGiven: false, invoke: (c: StripeApi) => c.events.retrieve(id) })),
  objectId.map((id) => ({ keyGiven: false, invoke: (c: StripeApi) => c.webhookEndpoints.retrieve(id) })),
  fc.tuple(objectId, fc.option(fc.record({ expand }), { nil: undefined })).map(([id, params]) => ({
    keyGiven: false,
    invoke: (c: StripeApi) => c.paymentIntents.retrieve(id, params),
  })),
  listParams.map((params) => ({ keyGiven: false, invoke: (c: StripeApi) => c.transfers.list(asParams(params)) })),
  fc.tuple(objectId, listParams).map(([id, params]) => ({
    keyGiven: false,
    invoke: (c: StripeApi) => c.transfers.listReversals(id, asParams(params)),
  })),
  listParams.map((params) => ({ keyGiven: false, invoke: (c: StripeApi) => c.disputes.list(asParams(params)) })),
  listParams.map((params) => ({ keyGiven: false, invoke: (c: StripeApi) => c.invoicePayments.list(asParams(params)) })),
  listParams.map((params) => ({ keyGiven: false, invoke: (c: StripeApi) => c.invoices.list(asParams(params)) })),
  listParams.map((params) => ({ keyGiven: false, invoke: (c: StripeApi) => c.events.list(asParams(params)) })),
  listParams.map((params) => ({
    keyGiven: false,
    invoke: (c: StripeApi) => c.webhookEndpoints.list(asParams(params)),
  })),
);

const EMPTY_LIST = JSON.stringify({ object: 'list', url: '/v1/x', data: [], has_more: false });
const page = (ids: string[], hasMore: boolean) =>
  JSON.stringify({
    object: 'list',
    url: '/v1/x',
    data: ids.map((id) => ({ id, object: 'transfer' })),
    has_more: hasMore,
  });

describe('requests: our client sends what the SDK sends', () => {
  it('the same method, path, query, body and headers for every call the adapters make', async () => {
    await fc.assert(
      fc.asyncProperty(calls, async (call) => {
        // Prepare
        script({ status: 200, body: EMPTY_LIST });
        // Act
        const outcome = await both(call.invoke);
        // Assess
        expect(outcome.ours).toEqual({ resolved: expect.anything() });
        expect(outcome.sdk).toEqual({ resolved: expect.anything() });
        expect(ourServer.requests).toHaveLength(1);
        expect(comparable(ourServer.requests[0], call.keyGiven)).toEqual(
          comparable(sdkServer.requests[0], call.keyGiven),
        );
      }),
      { numRuns: 100 },
    );
  });

  it.each<[string, (c: StripeApi) => Promise<unknown>]>([
    ['no params at all', (c) => c.transfers.list({})],
    ['params that encode to nothing', (c) => c.paymentIntents.retrieve('pi_1', { expand: [] })],
    ['an empty metadata key and value', (c) => c.transfers.createReversal('tr_1', { metadata: { '': '' } })],
    [
      'a metadata value that unsets (empty)',
      (c) => c.transfers.create({ amount: 1, currency: 'usd', destination: 'a', metadata: { k: '' } }),
    ],
    ['an id that needs escaping', (c) => c.charges.retrieve('ch_1/../?x=1#y')],
  ])('the same request for %s', async (_label, call) => {
    // Prepare
    script({ status: 200, body: EMPTY_LIST });
    // Act
    await both(call);
    // Assess
    expect(ourServer.requests).toHaveLength(1);
    expect(comparable(ourServer.requests[0], false)).toEqual(comparable(sdkServer.requests[0], false));
  });

  it('a POST without an idempotency key gets a fresh one from both, so a retry cannot make a second object', async () => {
    // Prepare
    script({ status: 200, body: '{"id":"tr_1"}' });
    const create = (c: StripeApi) => c.transfers.create({ amount: 1, currency: 'usd', destination: 'acct_1' });
    // Act
    await both(create);
    await both(create);
    // Assess
    for (const server of [sdkServer, ourServer]) {
      const keys = server.requests.map((request) => request.headers['idempotency-key']);
      expect(keys).toHaveLength(2);
      expect(keys.every((key) => typeof key === 'string' && key.length > 20)).toBe(true);
      expect(keys[0]).not.toBe(keys[1]);
    }
  });

  it('iterating a list asks for the same pages (starting_after the last id) and yields the same items', async () => {
    await fc.assert(
      fc.asyncProperty(listParams, async (params) => {
        // Prepare
        script(
          { status: 200, body: page(['tr_c', 'tr_b'], true) },
          { status: 200, body: page(['tr_a'], true) },
          { status: 200, body: page([], false) },
        );
        // Act
        const outcome = await both(async (c) => {
          const ids: string[] = [];
          for await (const transfer of c.transfers.list(asParams(params))) ids.push(transfer.id);
          return ids;
        });
        // Assess
        expect(outcome.ours).toEqual({ resolved: ['tr_c', 'tr_b', 'tr_a'] });
        expect(outcome.ours).toEqual(outcome.sdk);
        expect(ourServer.requests.map((r) => r.url)).toEqual(sdkServer.requests.map((r) => r.url));
      }),
      { numRuns: 15 },
    );
  });
});

// --- Errors ------------------------------------------------------------------------------------------------------

const errorAnswers = fc.record({
  status: fc.constantFrom(400, 401, 402, 403, 404, 409, 429, 500, 503),
  error: fc.record(
    {
      type: fc.constantFrom(
        'invalid_request_error',
        'card_error',
        'api_error',
        'idempotency_error',
        'rate_limit_error',
      ),
      code: fc.constantFrom(
        'rate_limit',
        'resource_missing',
        'idempotency_key_in_use',
        'lock_timeout',
        'balance_insufficient',
        'card_declined',
      ),
      message: text,
      param: text,
      decline_code: fc.constantFrom('insufficient_funds', 'generic_decline'),
    },
    { requiredKeys: ['type'] },
  ),
  requestId: fc.stringMatching(/^req_[A-Za-z0-9]{1,24}$/),
});

const ERROR_FIELDS = ['type', 'rawType', 'code', 'statusCode', 'message', 'param', 'decline_code', 'requestId'];
const errorFields = (error: unknown) =>
  Object.fromEntries(ERROR_FIELDS.map((field) => [field, (error as Record<string, unknown>)[field]]));
const asProviderError = (error: unknown) => {
  const mapped = toPaymentProviderError(error);
  return { permanent: mapped.permanent, code: mapped.code, statusCode: mapped.statusCode, message: mapped.message };
};
const rejection = (outcome: { resolved?: unknown; rejected?: unknown }) => {
  expect(outcome).toHaveProperty('rejected');
  return outcome.rejected;
};

const erringCalls: Array<(c: StripeApi) => Promise<unknown>> = [
  (c) => c.transfers.create({ amount: 5, currency: 'usd', destination: 'acct_x' }, { idempotencyKey: 'k-1' }),
  (c) => c.transfers.retrieve('tr_x'),
  (c) => c.charges.retrieve('ch_x'),
  (c) => c.events.list({ limit: 3 }),
];

type ErrorAnswer = typeof errorAnswers extends fc.Arbitrary<infer A> ? A : never;
/** Answers the adapters branch on, always tried besides the generated ones. */
const knownErrorAnswers: ErrorAnswer[] = [
  { status: 404, error: { type: 'invalid_request_error', code: 'resource_missing', param: 'id' }, requestId: 'req_1' },
  { status: 400, error: { type: 'invalid_request_error', code: 'rate_limit' }, requestId: 'req_2' },
  { status: 429, error: { type: 'invalid_request_error', code: 'lock_timeout' }, requestId: 'req_3' },
  { status: 400, error: { type: 'idempotency_error', message: 'Keys for idempotent requests' }, requestId: 'req_4' },
  { status: 409, error: { type: 'idempotency_error', code: 'idempotency_key_in_use' }, requestId: 'req_5' },
  { status: 402, error: { type: 'card_error', code: 'card_declined' }, requestId: 'req_6' },
];

describe('errors: our client rejects as the SDK does', () => {
  it('the same type, rawType, code, statusCode, message, param and requestId for every error answer', async () => {
    await fc.assert(
      fc.asyncProperty(errorAnswers, fc.constantFrom(...erringCalls), async (answer, call) => {
        // Prepare
        script({
          status: answer.status,
          headers: { 'Request-Id': answer.requestId },
          body: JSON.stringify({ error: answer.error }),
        });
        // Act
        const outcome = await both(call);
        // Assess
        const [sdkError, ourError] = [rejection(outcome.sdk), rejection(outcome.ours)];
        expect(errorFields(ourError)).toEqual(errorFields(sdkError));
        expect(asProviderError(ourError)).toEqual(asProviderError(sdkError));
        expect(isResourceMissing(ourError)).toBe(isResourceMissing(sdkError));
        expect(ourServer.requests).toHaveLength(1);
        expect(sdkServer.requests).toHaveLength(1);
      }),
      { numRuns: 60, examples: knownErrorAnswers.map((answer, i) => [answer, erringCalls[i % erringCalls.length]]) },
    );
  });

  it('an answer that is not JSON is a StripeAPIError "Invalid JSON received from the Stripe API" from both', async () => {
    // Prepare
    script({ status: 502, headers: { 'Request-Id': 'req_proxy' }, body: '<html>Bad gateway</html>' });
    // Act
    const outcome = await both((c) => c.transfers.retrieve('tr_x'));
    // Assess: the same but for statusCode, which ours keeps (the SDK leaves it out of this error)
    const [sdkError, ourError] = [rejection(outcome.sdk), rejection(outcome.ours)];
    expect({ ...errorFields(ourError), statusCode: undefined }).toEqual(errorFields(sdkError));
    expect(errorFields(ourError)).toMatchObject({ type: 'StripeAPIError', statusCode: 502, requestId: 'req_proxy' });
    expect(asProviderError(ourError)).toMatchObject({ permanent: false, code: 'StripeAPIError' });
  });

  it('deliberately stricter than the SDK: an error status without an error object rejects (the SDK resolves)', async () => {
    // Prepare: what a proxy in front of Stripe could answer
    script({ status: 500, body: '{}' });
    // Act
    const outcome = await both((c) => c.transfers.create({ amount: 5, currency: 'usd', destination: 'acct_x' }));
    // Assess
    expect(outcome.sdk).toEqual({ resolved: {} });
    expect(errorFields(rejection(outcome.ours))).toMatchObject({ type: 'StripeAPIError', statusCode: 500 });
  });
});

// --- Network retries ---------------------------------------------------------------------------------------------

const retryAnswers: fc.Arbitrary<ScriptedAnswer> = fc
  .record({
    status: fc.constantFrom(200, 409, 500, 503, 400, 402),
    shouldRetry: fc.constantFrom(undefined, 'true', 'false'),
  })
  .map(({ status, shouldRetry }) => ({
    status,
    headers: (shouldRetry === undefined ? {} : { 'Stripe-Should-Retry': shouldRetry }) as Record<string, string>,
    body:
      status === 200
        ? '{"id":"tr_ok","object":"transfer"}'
        : JSON.stringify({ error: { type: 'api_error', message: `HTTP ${status}` } }),
  }));

const outcomeKind = (outcome: { resolved?: unknown; rejected?: unknown }) =>
  'rejected' in outcome ? { rejected: (outcome.rejected as { type?: string }).type } : { resolved: outcome.resolved };

describe('network retries: as often as the SDK, ending the same way', () => {
  it('for scripted answer sequences and 0 to 2 retries, the same number of requests and the same outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(retryAnswers, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 }),
        async (answers, maxNetworkRetries) => {
          // Prepare
          script(...answers);
          const params = { amount: 7, currency: 'usd', destination: 'acct_r' };
          // Act
          const [sdkOutcome, ourOutcome] = await Promise.all([
            settle(sdkRetryingFast({ maxNetworkRetries }).transfers.create(params, { idempotencyKey: 'retry-key' })),
            settle(
              oursRetryingFast(maxNetworkRetries).request('POST', '/v1/transfers', params, {
                idempotencyKey: 'retry-key',
              }),
            ),
          ]);
          // Assess
          expect(ourServer.requests).toHaveLength(sdkServer.requests.length);
          expect(outcomeKind(ourOutcome)).toEqual(outcomeKind(sdkOutcome));
          expect(new Set(ourServer.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['retry-key']));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('waits at least half a second before a retry, as the SDK does', async () => {
    // Prepare
    script(
      { status: 500, body: JSON.stringify({ error: { type: 'api_error' } }) },
      { status: 200, body: '{"id":"tr_ok"}' },
    );
    // Act
    const timed = async (call: Promise<unknown>) => {
      const start = performance.now();
      await call;
      return performance.now() - start;
    };
    const [sdkMs, ourMs] = await Promise.all([
      timed(sdk({ maxNetworkRetries: 1 }).transfers.retrieve('tr_ok')),
      timed(ours({ maxNetworkRetries: 1 }).transfers.retrieve('tr_ok')),
    ]);
    // Assess
    expect(sdkMs).toBeGreaterThanOrEqual(490);
    expect(ourMs).toBeGreaterThanOrEqual(490);
    expect(ourMs).toBeLessThan(1_500);
  });
});

// --- Broken and stalled connections ------------------------------------------------------------------------------

const connectionFailure = (outcome: { resolved?: unknown; rejected?: unknown }) => {
  const error = rejection(outcome) as { type?: string; message?: string; requestId?: string };
  return { type: error.type, message: error.message, requestId: error.requestId };
};

describe('connection failures: as the SDK fails', () => {
  it('a socket closed before any answer is retried once even with no retries, then a StripeConnectionError', async () => {
    // Prepare
    script({ destroy: 'before-headers' });
    // Act
    const outcome = await both((c) => c.transfers.create({ amount: 5, currency: 'usd', destination: 'acct_x' }));
    // Assess
    expect(connectionFailure(outcome.ours)).toEqual(connectionFailure(outcome.sdk));
    expect(connectionFailure(outcome.ours)).toMatchObject({ type: 'StripeConnectionError' });
    expect(sdkServer.requests).toHaveLength(2);
    expect(ourServer.requests).toHaveLength(2);
  });

  it('a socket closed before any answer, with 2 retries: 3 requests, then the same StripeConnectionError', async () => {
    // Prepare
    script({ destroy: 'before-headers' });
    // Act
    const outcome = await both((c) => c.transfers.retrieve('tr_x'), {
      sdk: sdkRetryingFast({ maxNetworkRetries: 2 }),
      ours: ours({ maxNetworkRetries: 2 }),
    });
    // Assess
    expect(connectionFailure(outcome.ours)).toEqual(connectionFailure(outcome.sdk));
    expect(connectionFailure(outcome.ours).message).toContain('Request was retried 2 times');
    expect(sdkServer.requests).toHaveLength(3);
    expect(ourServer.requests).toHaveLength(3);
  });

  it('a socket closed after the headers of a 200 is a StripeConnectionError, not retried (Stripe may have acted)', async () => {
    // Prepare
    script({ destroy: 'after-headers' }, { status: 200, body: '{"id":"tr_ok"}' });
    // Act
    const outcome = await both((c) => c.transfers.create({ amount: 5, currency: 'usd', destination: 'acct_x' }), {
      sdk: sdkRetryingFast({ maxNetworkRetries: 2 }),
      ours: ours({ maxNetworkRetries: 2 }),
    });
    // Assess
    expect(connectionFailure(outcome.ours)).toEqual(connectionFailure(outcome.sdk));
    expect(connectionFailure(outcome.ours)).toMatchObject({ type: 'StripeConnectionError' });
    expect(sdkServer.requests).toHaveLength(1);
    expect(ourServer.requests).toHaveLength(1);
  });

  it('no answer within the timeout: a StripeConnectionError that says the timeout', async () => {
    // Prepare
    script({ hang: 'before-headers' });
    // Act
    const outcome = await both((c) => c.transfers.retrieve('tr_x'), {
      sdk: sdk({ timeoutMilliseconds: 200 }),
      ours: ours({ timeoutMilliseconds: 200 }),
    });
    // Assess
    expect(connectionFailure(outcome.ours)).toEqual(connectionFailure(outcome.sdk));
    expect(connectionFailure(outcome.ours)).toEqual({
      type: 'StripeConnectionError',
      message: 'Request aborted due to timeout being reached (200ms)',
    });
  });

  it('headers, then a body that stalls past the timeout: the same timeout error, not retried', async () => {
    // Prepare
    script({ hang: 'after-headers' }, { status: 200, body: '{"id":"tr_ok"}' });
    // Act
    const outcome = await both((c) => c.transfers.retrieve('tr_x'), {
      sdk: sdkRetryingFast({ maxNetworkRetries: 2, timeoutMilliseconds: 200 }),
      ours: ours({ maxNetworkRetries: 2, timeoutMilliseconds: 200 }),
    });
    // Assess
    expect(connectionFailure(outcome.ours)).toEqual(connectionFailure(outcome.sdk));
    expect(connectionFailure(outcome.ours).message).toBe('Request aborted due to timeout being reached (200ms)');
    expect(sdkServer.requests).toHaveLength(1);
    expect(ourServer.requests).toHaveLength(1);
  });
});
