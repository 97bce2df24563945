import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_BODY_BYTES as MAX_BODY_BYTES } from '#contracts/api-routes.js';
import type { ProcessEventMessage } from '../../domain/model.js';
import { ROUTED_EVENT_TYPES } from '../../domain/webhook/receive-event.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { apiGatewayEvent } from '../support/webhook-requests.js';

/**
 * 10,000 generated requests to the real webhook (in-process, real adapters on DynamoDB Local and the SQS server):
 * forged, tampered, truncated, oversized, mis-encoded and mis-addressed requests, and properly signed events with
 * hostile contents. Bad input gets a 4xx and leaves nothing behind; nothing gets a 5xx; a signed event, however
 * hostile its contents, is recorded once and later FAILS in the worker with a reason.
 */
const REQUESTS = 10_000;
const SECRET = `whsec_${randomUUID().replaceAll('-', '')}`;
const WRONG_SECRET = `whsec_${randomUUID().replaceAll('-', '')}`;
const DISTRICT_ID = 'district-fuzz';

/** What a request should do: be refused and leave nothing, or be recorded (and queued when routed). */
type Expectation =
  | { accept: false }
  /** `sample`: the worker check's category for a signed invoice.paid ('sound', or what is hostile about it). */
  | { accept: true; stripeEventId: string; routed: boolean; sample?: string };

interface FuzzCase {
  label: string;
  request: APIGatewayProxyEvent;
  expect: Expectation;
}

/** A case from the request's index (ids must be unique) and the current time. */
type CaseBuilder = (index: number, nowSeconds: number) => FuzzCase[];

const sign = (payload: string, nowSeconds: number, secret = SECRET, timestamp = nowSeconds) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

const post = (body: string | null, headers: Record<string, string>, init: { base64?: boolean; method?: string } = {}) =>
  apiGatewayEvent({ body, headers, isBase64Encoded: init.base64 ?? false, method: init.method ?? 'POST' });

const eventId = (index: number) => `evt_fuzz_${index}_${randomUUID().slice(0, 8)}`;

function eventBody(id: string, type: string, object: Record<string, unknown>): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    data: { object },
  });
}

const invoice = (index: number, overrides: Record<string, unknown> = {}) => ({
  id: `in_fuzz_${index}`,
  object: 'invoice',
  amount_paid: 10_000,
  currency: 'usd',
  customer: 'cus_fuzz',
  metadata: { districtId: DISTRICT_ID },
  ...overrides,
});

// --- properly signed events -------------------------------------------------------------------------------------

const unicodeText = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });

/** amount_paid values that must FAIL the event (nothing is coerced). */
const hostileAmounts = fc.oneof(
  fc.record({ kind: fc.constant('negative amount'), value: fc.integer({ min: -1_000_000_000, max: -1 }) }),
  fc.record({
    kind: fc.constant('non-integer amount'),
    value: fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }),
  }),
  fc.record({ kind: fc.constant('string amount'), value: fc.oneof(fc.integer({ min: 0 }).map(String), unicodeText) }),
  fc.record({ kind: fc.constant('unsafe amount'), value: fc.constantFrom(2 ** 53, 2 ** 60, 1e21, 1e308) }),
  fc.record({ kind: fc.constant('null amount'), value: fc.constant(null) }),
  fc.record({ kind: fc.constant('object amount'), value: fc.constantFrom({ value: 1 }, [1000], true) }),
);

const signedInvoicePaid: fc.Arbitrary<CaseBuilder> = fc
  .record({
    amount: fc.integer({ min: 0, max: 1_000_000_000 }),
    metadata: fc.dictionary(unicodeText, unicodeText, { maxKeys: 4 }),
  })
  .map(({ amount, metadata }) => (index, now) => {
    const id = eventId(index);
    const body = eventBody(
      id,
      'invoice.paid',
      invoice(index, { amount_paid: amount, metadata: { ...metadata, districtId: DISTRICT_ID } }),
    );
    return [
      {
        label: 'signed invoice.paid',
        request: post(body, { 'Stripe-Signature': sign(body, now) }),
        expect: { accept: true, stripeEventId: id, routed: true, sample: 'sound' },
      },
    ];
  });

const signedHostileInvoicePaid: fc.Arbitrary<CaseBuilder> = fc
  .oneof(
    hostileAmounts.map(({ kind, value }) => ({ kind, overrides: { amount_paid: value } as Record<string, unknown> })),
    fc.constant({ kind: 'missing amount', overrides: { amount_paid: undefined } }),
    unicodeText.map((text) => ({
      kind: 'unicode district',
      overrides: { metadata: { districtId: `${DISTRICT_ID}-${text}` } },
    })),
    fc
      .oneof(
        unicodeText.filter((text) => !/^[A-Za-z]{3}$/.test(text)),
        fc.constantFrom('US', 'usdd', 'ü$€', ''),
      )
      .map((currency) => ({ kind: 'bad currency', overrides: { currency } })),
  )
  .map(({ kind, overrides }) => (index, now) => {
    const id = eventId(index);
    const body = eventBody(id, 'invoice.paid', invoice(index, overrides));
    return [
      {
        label: `signed invoice.paid, ${kind}`,
        request: post(body, { 'Stripe-Signature': sign(body, now) }),
        expect: { accept: true, stripeEventId: id, routed: true, sample: kind },
      },
    ];
  });

const signedOtherTypes: fc.Arbitrary<CaseBuilder> = fc
  .oneof(
    fc.constantFrom('customer.created', 'charge.refunded', 'invoice.created', 'transfer.reversed', 'payout.paid'),
    fc.stringMatching(/^[a-z0-9_.]{1,60}$/),
  )
  .map((type) => (index, now) => {
    const id = eventId(index);
    const body = eventBody(id, type, { id: `obj_${index}`, object: 'thing', amount: -5, note: 'ŝŧŗåñğë ✓ 🙂' });
    return [
      {
        label: `signed ${ROUTED_EVENT_TYPES.has(type) ? 'routed' : 'unhandled'} type`,
        request: post(body, { 'Stripe-Signature': sign(body, now) }),
        expect: { accept: true, stripeEventId: id, routed: ROUTED_EVENT_TYPES.has(type) },
      },
    ];
  });

/** API Gateway hands binary media types over base64-encoded: the signature is over the decoded bytes. */
const signedBase64: fc.Arbitrary<CaseBuilder> = fc.constant((index, now) => {
  const id = eventId(index);
  const body = eventBody(
    id,
    'invoice.paid',
    invoice(index, { metadata: { districtId: DISTRICT_ID, note: 'ünïcødé 🙂' } }),
  );
  return [
    {
      label: 'signed, base64-encoded',
      request: post(Buffer.from(body).toString('base64'), { 'Stripe-Signature': sign(body, now) }, { base64: true }),
      expect: { accept: true, stripeEventId: id, routed: true },
    },
  ];
});

/** Stripe's scheme allows several signatures (rotation) and unknown schemes: one matching v1 suffices. */
const signedOddHeader: fc.Arbitrary<CaseBuilder> = fc
  .constantFrom('extra v1', 'v0 scheme', 'unknown element')
  .map((variant) => (index, now) => {
    const id = eventId(index);
    const body = eventBody(id, 'invoice.paid', invoice(index));
    const header = sign(body, now);
    const odd = {
      'extra v1': `${header},v1=${'0'.repeat(64)}`,
      'v0 scheme': `${header},v0=${'f'.repeat(64)}`,
      'unknown element': `${header},x=ÿ`,
    }[variant];
    return [
      {
        label: `signed, odd header (${variant})`,
        request: post(body, { 'stripe-signature': odd }),
        expect: { accept: true, stripeEventId: id, routed: true },
      },
    ];
  });

/** The same event delivered 2-3 times: recorded once, the others answered duplicate. */
const redelivered: fc.Arbitrary<CaseBuilder> = fc.integer({ min: 2, max: 3 }).map((copies) => (index, now) => {
  const id = eventId(index);
  const body = eventBody(id, 'invoice.paid', invoice(index));
  return Array.from({ length: copies }, () => ({
    label: 'signed, redelivered',
    request: post(body, { 'Stripe-Signature': sign(body, now) }),
    expect: { accept: true as const, stripeEventId: id, routed: true },
  }));
});

/** A large but acceptable event (stored compressed). */
const signedLarge: fc.Arbitrary<CaseBuilder> = fc.integer({ min: 40_000, max: 200_000 }).map((size) => (index, now) => {
  const id = eventId(index);
  const body = eventBody(id, 'invoice.paid', invoice(index, { description: 'ß'.repeat(size / 2) }));
  return [
    {
      label: 'signed, large body',
      request: post(body, { 'Stripe-Signature': sign(body, now) }),
      expect: { accept: true, stripeEventId: id, routed: true },
    },
  ];
});

// --- requests that must be refused ----------------------------------------------------------------------------

const reject = (label: string, request: APIGatewayProxyEvent): FuzzCase[] => [
  { label, request, expect: { accept: false } },
];

const forged: fc.Arbitrary<CaseBuilder> = fc
  .constantFrom(
    'wrong secret',
    'no header',
    'empty header',
    'too old',
    'from the future',
    'two timestamps',
    'spaces after commas',
    'no v1',
    'non-numeric t',
  )
  .map((variant) => (index, now) => {
    const body = eventBody(eventId(index), 'invoice.paid', invoice(index));
    const valid = sign(body, now);
    const signature = valid.split(',v1=')[1] ?? '';
    const headers: Record<string, string> = {
      'wrong secret': { 'Stripe-Signature': sign(body, now, WRONG_SECRET) },
      'no header': {},
      'empty header': { 'Stripe-Signature': '' },
      'too old': { 'Stripe-Signature': sign(body, now, SECRET, now - 301) },
      // Far enough ahead to stay outside the tolerance however long the run takes.
      'from the future': { 'Stripe-Signature': sign(body, now, SECRET, now + 3_600) },
      'two timestamps': { 'Stripe-Signature': `t=${now},${valid}` },
      // Stripe's parser does not trim elements: ' v1=...' is not a v1 signature.
      'spaces after commas': { 'Stripe-Signature': valid.replaceAll(',', ', ') },
      'no v1': { 'Stripe-Signature': `t=${now}` },
      'non-numeric t': { 'Stripe-Signature': `t=${now}abc,v1=${signature}` },
    }[variant] as Record<string, string>;
    return reject(`forged: ${variant}`, post(body, headers));
  });

const randomHeaders: fc.Arbitrary<CaseBuilder> = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.stringMatching(/^t=\d{1,12},v1=[0-9a-f]{0,80}$/))
  .map(
    (header) => (index) =>
      reject(
        'random Stripe-Signature',
        post(eventBody(eventId(index), 'invoice.paid', invoice(index)), { 'Stripe-Signature': header }),
      ),
  );

/** Signed over one body, delivered with another. */
const tampered: fc.Arbitrary<CaseBuilder> = fc
  .record({
    cut: fc.double({ min: 0, max: 0.999, noNaN: true }),
    variant: fc.constantFrom('truncated', 'appended', 'amount changed', 'unicode normalized', 'null body'),
  })
  .map(({ cut, variant }) => (index, now) => {
    const body = eventBody(
      eventId(index),
      'invoice.paid',
      invoice(index, { metadata: { districtId: DISTRICT_ID, name: 'Café' } }),
    );
    const sent = {
      truncated: body.slice(0, Math.floor(body.length * cut)),
      appended: `${body} `,
      'amount changed': body.replace('"amount_paid":10000', '"amount_paid":99999999'),
      'unicode normalized': body.replace('Café', 'Cafe\u0301'),
      'null body': null,
    }[variant];
    return reject(`tampered: ${variant}`, post(sent, { 'Stripe-Signature': sign(body, now) }));
  });

/** Validly signed, but not a Stripe event envelope. */
const signedNotAnEvent: fc.Arbitrary<CaseBuilder> = fc
  .oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.constantFrom(
      '',
      '{',
      '\uFEFF{"id":"evt_1","object":"event","type":"invoice.paid"}',
      '{"id":"evt_1","object":"invoice","type":"invoice.paid"}',
      '{"id":"evt_ü","object":"event","type":"invoice.paid"}',
      `{"id":"evt_${'a'.repeat(251)}","object":"event","type":"invoice.paid"}`,
      '{"id":12,"object":"event","type":"invoice.paid"}',
      '{"id":"evt_1","object":"event","type":"INVOICE.PAID"}',
      '{"id":"evt_1","object":"event","type":"invoice paid"}',
      '{"id":"evt_1","object":"event"}',
      '[{"id":"evt_1","object":"event","type":"invoice.paid"}]',
      'null',
    ),
  )
  .map(
    (body) => (_index, now) =>
      reject('signed, not a Stripe event', post(body, { 'Stripe-Signature': sign(body, now) })),
  );

const wrongMethod: fc.Arbitrary<CaseBuilder> = fc
  .constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD')
  .map((method) => (index, now) => {
    const body = eventBody(eventId(index), 'invoice.paid', invoice(index));
    return reject(`method ${method}`, post(body, { 'Stripe-Signature': sign(body, now) }, { method }));
  });

const oversized: fc.Arbitrary<CaseBuilder> = fc
  .record({ extra: fc.integer({ min: 1, max: 64 * 1024 }), signed: fc.boolean(), base64: fc.boolean() })
  .map(({ extra, signed, base64 }) => (index, now) => {
    const body = eventBody(
      eventId(index),
      'invoice.paid',
      invoice(index, { description: 'x'.repeat(MAX_BODY_BYTES + extra) }),
    );
    const headers: Record<string, string> = signed ? { 'Stripe-Signature': sign(body, now) } : {};
    return reject('oversized body', post(base64 ? Buffer.from(body).toString('base64') : body, headers, { base64 }));
  });

const base64Tricks: fc.Arbitrary<CaseBuilder> = fc
  .constantFrom('invalid base64', 'base64 of another body', 'raw body flagged base64', 'base64 of the base64')
  .map((variant) => (index, now) => {
    const body = eventBody(eventId(index), 'invoice.paid', invoice(index));
    const other = eventBody(eventId(index), 'invoice.paid', invoice(index, { amount_paid: 1 }));
    const sent = {
      'invalid base64': `%%${Buffer.from(body).toString('base64')}!!*`,
      'base64 of another body': Buffer.from(other).toString('base64'),
      'raw body flagged base64': body,
      'base64 of the base64': Buffer.from(Buffer.from(body).toString('base64')).toString('base64'),
    }[variant];
    return reject(`base64: ${variant}`, post(sent, { 'Stripe-Signature': sign(body, now) }, { base64: true }));
  });

/** Two Stripe-Signature headers (API Gateway: `headers` keeps the last, `multiValueHeaders` all), none valid. */
const duplicateHeaders: fc.Arbitrary<CaseBuilder> = fc.constant((index, now) => {
  const body = eventBody(eventId(index), 'invoice.paid', invoice(index));
  const forgedHeaders = [sign(body, now, WRONG_SECRET), `t=${now},v1=${'1'.repeat(64)}`];
  const request = post(body, { 'Stripe-Signature': forgedHeaders[1] as string });
  request.multiValueHeaders = { ...request.multiValueHeaders, 'Stripe-Signature': forgedHeaders };
  return reject('two forged Stripe-Signature headers', request);
});

const cases = fc.oneof(
  { arbitrary: signedInvoicePaid, weight: 12 },
  { arbitrary: signedHostileInvoicePaid, weight: 10 },
  { arbitrary: signedOtherTypes, weight: 4 },
  { arbitrary: signedBase64, weight: 2 },
  { arbitrary: signedOddHeader, weight: 2 },
  { arbitrary: redelivered, weight: 2 },
  { arbitrary: signedLarge, weight: 1 },
  { arbitrary: forged, weight: 14 },
  { arbitrary: randomHeaders, weight: 8 },
  { arbitrary: tampered, weight: 12 },
  { arbitrary: signedNotAnEvent, weight: 10 },
  { arbitrary: wrongMethod, weight: 5 },
  { arbitrary: oversized, weight: 1 },
  { arbitrary: base64Tricks, weight: 6 },
  { arbitrary: duplicateHeaders, weight: 2 },
);

describe(`webhook fuzz: ${REQUESTS.toLocaleString('en')} generated requests on the real webhook`, () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('webhook-fuzz');
    await harness.addDistrict({ districtId: DISTRICT_ID, shareBps: 1_500, currency: 'usd' });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  async function auditItemCount(): Promise<number> {
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await harness.documents.send(
        new ScanCommand({
          TableName: harness.resources.tables.webhookAuditLog,
          Select: 'COUNT',
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      count += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  }

  it('answers bad input 4xx and never 5xx, records only verified events, and fails hostile ones in the worker', async () => {
    // Prepare
    const seed = Number(process.env.FUZZ_SEED) || Math.floor(Math.random() * 2 ** 31);
    const now = Math.floor(Date.now() / 1000);
    const generated: FuzzCase[] = [];
    for (const build of fc.sample(cases, { numRuns: REQUESTS, seed })) {
      if (generated.length >= REQUESTS) break;
      generated.push(...build(generated.length, now));
    }
    const requests = generated.slice(0, REQUESTS);
    const webhook = harness.webhookHandler({ webhookSecrets: { kind: 'static', values: [SECRET] } });

    // Act: 16 in flight at a time
    const answers: APIGatewayProxyResult[] = new Array(requests.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < requests.length) {
          const index = next++;
          answers[index] = await webhook((requests[index] as FuzzCase).request, lambdaContext('stripe-webhook', 10));
        }
      }),
    );

    // Assess: every answer by what the request was
    const wrong: string[] = [];
    requests.forEach((fuzzCase, i) => {
      const answer = answers[i] as APIGatewayProxyResult;
      const body = JSON.parse(answer.body) as Record<string, unknown>;
      const ok = fuzzCase.expect.accept
        ? answer.statusCode === 200
        : answer.statusCode >= 400 &&
          answer.statusCode < 500 &&
          typeof body.error === 'string' &&
          !String(body.error).includes('    at ');
      if (!ok) wrong.push(`${fuzzCase.label}: ${answer.statusCode} ${answer.body.slice(0, 200)}`);
    });
    expect(wrong, `seed ${seed} (FUZZ_SEED=${seed} repeats it)`).toEqual([]);
    expect(answers.filter((answer) => answer.statusCode >= 500)).toEqual([]);

    // Assess: rows and messages only for the verified events, once each
    const accepted = new Map<string, { routed: boolean; sample?: string }>();
    for (const { expect: e } of requests) {
      if (e.accept) accepted.set(e.stripeEventId, { routed: e.routed, ...(e.sample ? { sample: e.sample } : {}) });
    }
    const routed = [...accepted.values()].filter((e) => e.routed).length;
    const byStatus = new Map<number, number>();
    for (const answer of answers) byStatus.set(answer.statusCode, (byStatus.get(answer.statusCode) ?? 0) + 1);
    console.info(
      `[fuzz] seed ${seed}: ${JSON.stringify(Object.fromEntries(byStatus))}; ${accepted.size} events recorded, ${routed} queued`,
    );
    expect(requests.length).toBe(REQUESTS);
    expect(requests.filter((r) => !r.expect.accept).length).toBeGreaterThan(REQUESTS / 3);
    expect(await auditItemCount()).toBe(accepted.size);
    expect(await harness.depth('revenueShare')).toBe(routed);
    expect(await harness.alerts()).toEqual([]);

    // Assess: a sample of hostile signed invoices FAILS in the revenue-share worker, with the reason; sound ones pass
    const sample = new Map<string, string>();
    const kinds = new Map<string, number>();
    for (const [id, e] of accepted) {
      const kind = e.sample;
      if (!kind || (kinds.get(kind) ?? 0) >= 3) continue;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      sample.set(id, kind);
    }
    // The messages the webhook queued (each carries its verified event), handed to the worker as SQS would
    const queued = new Map(
      (await harness.drain<ProcessEventMessage>('revenueShare')).map((message) => [message.stripeEventId, message]),
    );
    const ids = [...sample.keys()];
    for (let i = 0; i < ids.length; i += 10) {
      const batch = ids.slice(i, i + 10).map((id) => ({ body: queued.get(id), groupId: id }));
      const response = await harness.invoke(harness.revenueShareHandler(), harness.sqsEvent(batch), 'revenue-share');
      expect(response.batchItemFailures).toEqual([]);
    }
    const reasons: Record<string, RegExp> = {
      'negative amount': /amount_paid must be a non-negative safe integer/,
      'non-integer amount': /amount_paid must be a non-negative safe integer/,
      'string amount': /amount_paid must be a non-negative safe integer, got ".*" \(string\)/s,
      'unsafe amount': /amount_paid must be a non-negative safe integer/,
      'null amount': /amount_paid must be a non-negative safe integer, got null/,
      'object amount': /amount_paid must be a non-negative safe integer/,
      'missing amount': /amount_paid must be a non-negative safe integer, got undefined/,
      'unicode district': /^district ".*" named by invoice\.metadata\.districtId is not configured$/s,
      'bad currency': /invoice currency must be a 3-letter ISO code/,
    };
    for (const [id, kind] of sample) {
      const row = await harness.auditLog.get(id);
      if (kind === 'sound') expect(row, kind).toMatchObject({ status: 'PROCESSED', districtId: DISTRICT_ID });
      else {
        expect(row?.status, `${kind}: ${row?.errorMessage}`).toBe('FAILED');
        expect(row?.errorMessage, kind).toMatch(reasons[kind] as RegExp);
        // Kept on the FAILED row for re-sync after Stripe's retention: the message that carried it is gone
        expect(row?.rawEvent, kind).toBe(queued.get(id)?.rawEvent);
      }
    }
    expect([...kinds.keys()].sort()).toEqual(expect.arrayContaining(['sound', 'negative amount', 'string amount']));
  }, 120_000);
});
