import { GetItemCommand, PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_BODY_BYTES } from '#contracts/api-routes.js';
import { SQS_MAX_MESSAGE_BYTES, sqsMessageBody } from '#contracts/sqs-message-body.js';
import type { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import { itemSizeBytes } from '../../bench/item-size.js';
import type { ProcessEventMessage } from '../../domain/model.js';
import type { MessageQueue } from '../../domain/ports.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { StripeEmulator, StripeEventLike } from '../../local/stripe-emulator/index.js';
import type { TestResources } from '../support/local-stack.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { apiGatewayEvent, signedWebhookEvent } from '../support/webhook-requests.js';

const CURRENT_SECRET = 'whsec_current_0123456789abcdef';
const NEXT_SECRET = 'whsec_next_fedcba9876543210';
const LEASE_SECONDS = 60;

describe('stripe-webhook against DynamoDB Local and the SQS server', () => {
  let harness: PayoutHarness;
  let resources: TestResources;
  let emulator: StripeEmulator;
  let auditLog: DynamoDbAuditLog;
  let sends: number;
  /** The audit-log calls the handler made, in order. */
  let auditCalls: string[];
  let handler: ReturnType<PayoutHarness['webhookHandler']>;

  beforeAll(async () => {
    harness = await PayoutHarness.start('webhook');
    ({ resources, emulator, auditLog } = harness);
    const queue = harness.queue<ProcessEventMessage>('revenueShare');
    const countingQueue: MessageQueue<ProcessEventMessage> = {
      send: async (message, options) => {
        sends++;
        await queue.send(message, options);
      },
    };
    const recordingAuditLog = new Proxy(auditLog, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          auditCalls.push(String(name));
          return value.apply(target, args);
        };
      },
    });
    handler = harness.webhookHandler({
      webhookSecrets: { kind: 'static', values: [CURRENT_SECRET, NEXT_SECRET] },
      processEventQueue: countingQueue,
      auditLog: recordingAuditLog,
      leaseSeconds: LEASE_SECONDS,
    });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    sends = 0;
    auditCalls = [];
    await drainProcessEventQueue();
  });

  const invoke = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
    handler(event, lambdaContext('stripe-webhook', 10));

  const invoicePaid = (): { event: StripeEventLike; payload: string } => {
    const invoice = emulator.buildInvoice({ amount_paid: 12_345, metadata: { districtId: 'district-shahdol' } });
    const event = emulator.createEvent('invoice.paid', invoice);
    return { event, payload: JSON.stringify(event, null, 2) };
  };

  const deliver = (payload: string, options: Partial<Parameters<typeof signedWebhookEvent>[1]> = {}) =>
    invoke(signedWebhookEvent(payload, { secret: CURRENT_SECRET, ...options }));

  async function drainProcessEventQueue(): Promise<ProcessEventMessage[]> {
    const received: ProcessEventMessage[] = [];
    for (;;) {
      const { Messages = [] } = await resources.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: resources.queues.queues.revenueShare,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
        }),
      );
      if (Messages.length === 0) return received;
      received.push(...Messages.map((message) => JSON.parse(message.Body ?? '{}') as ProcessEventMessage));
      await resources.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: resources.queues.queues.revenueShare,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  }

  async function rowCount(): Promise<number> {
    const { Count } = await resources.dynamodb.send(
      new ScanCommand({ TableName: resources.tables.webhookAuditLog, Select: 'COUNT', ConsistentRead: true }),
    );
    return Count ?? 0;
  }

  const rawRow = async (stripeEventId: string) =>
    (
      await resources.dynamodb.send(
        new GetItemCommand({
          TableName: resources.tables.webhookAuditLog,
          Key: { stripeEventId: { S: stripeEventId } },
          ConsistentRead: true,
        }),
      )
    ).Item;

  const body = (response: APIGatewayProxyResult): unknown => JSON.parse(response.body);

  describe('exactly once', () => {
    it('records 50 concurrent deliveries of one event as one row and one queue message', async () => {
      // Prepare
      const { event, payload } = invoicePaid();
      const request = signedWebhookEvent(payload, { secret: CURRENT_SECRET });
      // Act
      const responses = await Promise.all(Array.from({ length: 50 }, () => invoke(request)));
      // Assess
      expect(responses.map((response) => response.statusCode)).toEqual(Array(50).fill(200));
      const bodies = responses.map(body);
      expect(bodies.filter((b) => JSON.stringify(b) === '{"duplicate":true}')).toHaveLength(49);
      expect(bodies.filter((b) => JSON.stringify(b) === '{"received":true}')).toHaveLength(1);
      const row = await auditLog.get(event.id);
      expect(row).toMatchObject({
        stripeEventId: event.id,
        eventType: 'invoice.paid',
        status: 'RECEIVED',
        attempts: 1,
      });
      expect(row?.rawEvent).toBeUndefined();
      expect(sends).toBe(1);
      expect(await drainProcessEventQueue()).toEqual([
        { stripeEventId: event.id, eventType: 'invoice.paid', rawEvent: payload },
      ]);
    });

    it('re-claims a FAILED row on redelivery, incrementing attempts and enqueuing again', async () => {
      // Prepare
      const { event, payload } = invoicePaid();
      await deliver(payload);
      await drainProcessEventQueue();
      await auditLog.markFailed(event.id, 'District not found', new Date());
      // Act
      const response = await deliver(payload);
      // Assess
      expect(body(response)).toEqual({ received: true });
      expect(await auditLog.get(event.id)).toMatchObject({ status: 'RECEIVED', attempts: 2 });
      expect(await drainProcessEventQueue()).toEqual([
        { stripeEventId: event.id, eventType: 'invoice.paid', rawEvent: payload },
      ]);
    });

    it('does not re-claim a PROCESSED row', async () => {
      // Prepare
      const { event, payload } = invoicePaid();
      await deliver(payload);
      await drainProcessEventQueue();
      await auditLog.markProcessed(event.id, new Date(), { districtId: 'district-shahdol' });
      sends = 0;
      // Act
      const response = await deliver(payload);
      // Assess
      expect(body(response)).toEqual({ duplicate: true });
      expect(await auditLog.get(event.id)).toMatchObject({ status: 'PROCESSED', attempts: 1 });
      expect(sends).toBe(0);
      expect(await drainProcessEventQueue()).toEqual([]);
    });

    it('takes over an expired RECEIVED lease that was never enqueued (a crashed delivery)', async () => {
      // Prepare: a delivery claimed the event two minutes ago and died before enqueuing it
      const { event, payload } = invoicePaid();
      const crashed = await auditLog.claim({
        stripeEventId: event.id,
        eventType: event.type,
        rawEvent: payload,
        now: new Date(Date.now() - 120_000),
        leaseSeconds: LEASE_SECONDS,
      });
      // Act
      const response = await deliver(payload);
      // Assess
      expect(crashed).toEqual({ claimed: true, attempts: 1 });
      expect(body(response)).toEqual({ received: true });
      expect(await auditLog.get(event.id)).toMatchObject({ status: 'RECEIVED', attempts: 2 });
      expect(await drainProcessEventQueue()).toEqual([
        { stripeEventId: event.id, eventType: 'invoice.paid', rawEvent: payload },
      ]);
    });

    it('leaves an unexpired RECEIVED lease to the delivery holding it', async () => {
      // Prepare: another delivery claimed the event a moment ago and is still working on it
      const { event, payload } = invoicePaid();
      await auditLog.claim({
        stripeEventId: event.id,
        eventType: event.type,
        rawEvent: payload,
        now: new Date(),
        leaseSeconds: LEASE_SECONDS,
      });
      // Act
      const response = await deliver(payload);
      // Assess
      expect(body(response)).toEqual({ duplicate: true });
      expect(await auditLog.get(event.id)).toMatchObject({ status: 'RECEIVED', attempts: 1 });
      expect(sends).toBe(0);
    });

    it('answers a delivery with one claim and one send: no audit write after the send', async () => {
      // Prepare: a new event
      const { event, payload } = invoicePaid();
      // Act
      const response = await deliver(payload);
      // Assess
      expect(body(response)).toEqual({ received: true });
      expect(auditCalls).toEqual(['claim']);
      expect(await auditLog.get(event.id)).toMatchObject({ status: 'RECEIVED', attempts: 1 });
      expect(sends).toBe(1);
    });

    it('re-claims an expired lease even when its event is already on the queue, under a new deduplication id', async () => {
      // Prepare: a delivery two minutes ago claimed and enqueued the event; its message is still queued
      const { event, payload } = invoicePaid();
      await deliver(payload);
      await resources.dynamodb.send(
        new UpdateItemCommand({
          TableName: resources.tables.webhookAuditLog,
          Key: { stripeEventId: { S: event.id } },
          UpdateExpression: 'SET leaseExpiresAt = :past',
          ExpressionAttributeValues: { ':past': { S: new Date(Date.now() - 60_000).toISOString() } },
        }),
      );
      sends = 0;
      // Act: Stripe delivers it again (its own duplicate)
      const response = await deliver(payload);
      // Assess: taken over and sent again; the worker skips whichever message comes second (its row PROCESSED)
      expect(body(response)).toEqual({ received: true });
      expect(await auditLog.get(event.id)).toMatchObject({ status: 'RECEIVED', attempts: 2 });
      expect(sends).toBe(1);
      expect(await drainProcessEventQueue()).toEqual([
        { stripeEventId: event.id, eventType: 'invoice.paid', rawEvent: payload },
        { stripeEventId: event.id, eventType: 'invoice.paid', rawEvent: payload },
      ]);
    });

    it.each([
      ['the worker processed it', 'PROCESSED' as const],
      ['another delivery re-claimed it after the lease', 'RECEIVED' as const],
    ])(
      'a send reported failed while %s leaves the row alone: no FAILED, no alert, 200 duplicate',
      async (_, status) => {
        // Prepare: SQS takes the message, but the SDK reports a timeout; meanwhile the row moves on
        const { event, payload } = invoicePaid();
        const queue = harness.queue<ProcessEventMessage>('revenueShare');
        const timingOut = harness.webhookHandler({
          webhookSecrets: { kind: 'static', values: [CURRENT_SECRET] },
          leaseSeconds: LEASE_SECONDS,
          processEventQueue: {
            send: async (message, options) => {
              await queue.send(message, options);
              if (status === 'PROCESSED') await auditLog.markProcessed(event.id, new Date());
              else {
                const later = new Date(Date.now() + 120_000);
                await auditLog.claim({ stripeEventId: event.id, eventType: event.type, now: later, leaseSeconds: 60 });
              }
              throw Object.assign(new Error('Socket timed out'), { name: 'TimeoutError' });
            },
          },
        });
        await harness.alerts();
        // Act
        const response = await timingOut(
          signedWebhookEvent(payload, { secret: CURRENT_SECRET }),
          lambdaContext('w', 10),
        );
        // Assess: whoever moved the row on answers for it
        expect(response.statusCode).toBe(200);
        expect(body(response)).toEqual({ duplicate: true });
        expect(await auditLog.get(event.id)).toMatchObject({
          status,
          attempts: status === 'PROCESSED' ? 1 : 2,
        });
        expect((await auditLog.get(event.id))?.errorMessage).toBeUndefined();
        expect(await harness.alerts()).toEqual([]);
        expect(await drainProcessEventQueue()).toHaveLength(1);
      },
    );
  });

  describe('Stripe-Signature', () => {
    const now = () => Math.floor(Date.now() / 1000);

    it('accepts a valid signature', async () => {
      const { event, payload } = invoicePaid();
      const response = await deliver(payload);
      expect(response.statusCode).toBe(200);
      expect(await auditLog.get(event.id)).toBeDefined();
    });

    it.each([
      ['a tampered body', (payload: string) => ({ body: payload.replace('12345', '99999'), secret: CURRENT_SECRET })],
      ['an unknown secret', (payload: string) => ({ body: payload, secret: 'whsec_someone_else' })],
      ['a timestamp older than 300 s', (payload: string) => ({ body: payload, timestamp: now() - 301 })],
      ['a timestamp more than 300 s in the future', (payload: string) => ({ body: payload, timestamp: now() + 301 })],
    ])('rejects %s with 400 and writes no row', async (_name, variant) => {
      // Prepare
      const { event, payload } = invoicePaid();
      const { body: sentBody, secret, timestamp } = { secret: CURRENT_SECRET, timestamp: now(), ...variant(payload) };
      const signed = signedWebhookEvent(payload, { secret, timestamp });
      const request = { ...signed, body: sentBody };
      // Act
      const response = await invoke(request);
      // Assess
      expect(response.statusCode).toBe(400);
      expect(body(response)).toEqual({ error: expect.stringMatching(/Stripe-Signature/) });
      expect(await auditLog.get(event.id)).toBeUndefined();
      expect(sends).toBe(0);
    });

    it('rejects a request without the header with 400 and writes no row', async () => {
      const { event, payload } = invoicePaid();
      const response = await invoke(apiGatewayEvent({ body: payload }));
      expect(response.statusCode).toBe(400);
      expect(body(response)).toEqual({ error: 'Missing Stripe-Signature header' });
      expect(await auditLog.get(event.id)).toBeUndefined();
    });

    it('accepts the second secret during a rotation', async () => {
      const { event, payload } = invoicePaid();
      const response = await deliver(payload, { secret: NEXT_SECRET });
      expect(body(response)).toEqual({ received: true });
      expect(await auditLog.get(event.id)).toMatchObject({ status: 'RECEIVED' });
    });

    it('verifies a base64-encoded body from API Gateway over the decoded bytes', async () => {
      const { event, payload } = invoicePaid();
      const response = await deliver(payload, { base64: true });
      expect(body(response)).toEqual({ received: true });
      expect(await auditLog.get(event.id)).toMatchObject({ status: 'RECEIVED' });
      expect((await drainProcessEventQueue()).map((message) => message.rawEvent)).toEqual([payload]);
    });

    it.each(['stripe-signature', 'STRIPE-SIGNATURE', 'Stripe-Signature'])(
      'finds the header spelled %s',
      async (name) => {
        const { event, payload } = invoicePaid();
        const response = await deliver(payload, { headerName: name });
        expect(response.statusCode).toBe(200);
        expect(await auditLog.get(event.id)).toBeDefined();
      },
    );
  });

  describe('rejected requests', () => {
    it('answers 413 for a body over 256 KB and writes no row', async () => {
      // Prepare: a validly signed event, padded past the limit
      const { event } = invoicePaid();
      const payload = JSON.stringify({ ...event, padding: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
      const before = await rowCount();
      // Act
      const response = await deliver(payload);
      // Assess
      expect(response.statusCode).toBe(413);
      expect(body(response)).toEqual({ error: expect.any(String) });
      expect(await rowCount()).toBe(before);
    });

    it('answers 405 for a method other than POST', async () => {
      const before = await rowCount();
      const response = await invoke(apiGatewayEvent({ method: 'GET' }));
      expect(response.statusCode).toBe(405);
      expect(response.headers?.Allow).toBe('POST');
      expect(body(response)).toEqual({ error: expect.any(String) });
      expect(await rowCount()).toBe(before);
    });

    it.each([
      ['not JSON', 'this is not json', 'Body is not JSON'],
      ['JSON but not an event', JSON.stringify({ id: 'ch_123', object: 'charge' }), 'Body is not a Stripe event'],
      ['an event without a type', JSON.stringify({ id: 'evt_123', object: 'event' }), 'Stripe event has no valid type'],
    ])('answers 400 for a signed body that is %s', async (_name, payload, error) => {
      const before = await rowCount();
      const response = await deliver(payload);
      expect(response.statusCode).toBe(400);
      expect(response.headers?.['Content-Type']).toBe('application/json');
      expect(body(response)).toEqual({ error });
      expect(await rowCount()).toBe(before);
    });
  });

  describe('routing and storage', () => {
    it('records an unhandled event type as IGNORED with a TTL, and enqueues nothing', async () => {
      // Prepare
      const customer = { id: 'cus_QXg1o8vcGmoR32', object: 'customer', email: null };
      const event = emulator.createEvent('customer.created', customer);
      const startedAt = Math.floor(Date.now() / 1000);
      // Act
      const response = await deliver(JSON.stringify(event));
      // Assess
      expect(body(response)).toEqual({ received: true, ignored: true });
      const row = await rawRow(event.id);
      expect(row?.status?.S).toBe('IGNORED');
      const expiresAt = Number(row?.expiresAt?.N);
      expect(expiresAt).toBeGreaterThanOrEqual(startedAt + 90 * 86_400);
      expect(expiresAt).toBeLessThan(startedAt + 91 * 86_400);
      expect(sends).toBe(0);
    });

    it('routes transfer.reversed to the revenue-share queue', async () => {
      const transfer = { id: 'tr_1Pgc7BB7WZ01zgkWVJfE40RX', object: 'transfer', amount: 1000, reversed: true };
      const event = emulator.createEvent('transfer.reversed', transfer);
      const payload = JSON.stringify(event);
      const response = await deliver(payload);
      expect(body(response)).toEqual({ received: true });
      expect(await drainProcessEventQueue()).toEqual([
        { stripeEventId: event.id, eventType: 'transfer.reversed', rawEvent: payload },
      ]);
    });

    it('never puts a TTL on a money event', async () => {
      const { event, payload } = invoicePaid();
      await deliver(payload);
      await auditLog.markFailed(event.id, 'boom', new Date());
      expect((await rawRow(event.id))?.expiresAt).toBeUndefined();
    });

    it('carries an event of the usual size in its queue message byte for byte, and keeps no copy on the claim', async () => {
      // Prepare: a ~6 KB event, with characters outside ASCII
      const invoice = emulator.buildInvoice({
        description: 'Cuota escolar — 2º trimestre, Shahdol 🏫',
        metadata: { districtId: 'district-shahdol' },
      });
      const event = emulator.createEvent('invoice.paid', invoice);
      const payload = JSON.stringify(event, null, 2);
      expect(Buffer.byteLength(payload)).toBeGreaterThan(4 * 1024);
      // Act
      const response = await deliver(payload);
      // Assess: the claim is a small item (one write unit), the message holds the very same string
      expect(response.statusCode).toBe(200);
      const row = await rawRow(event.id);
      expect(row?.rawEventGzip).toBeUndefined();
      expect(row?.rawEvent).toBeUndefined();
      expect(itemSizeBytes(row ?? {})).toBeLessThan(1024);
      expect(await drainProcessEventQueue()).toEqual([
        { stripeEventId: event.id, eventType: 'invoice.paid', rawEvent: payload },
      ]);
    });

    it('keeps the raw event, compressed, on a row that FAILED, for re-sync after Stripe forgets it', async () => {
      // Prepare: a webhook whose enqueue fails
      const { event, payload } = invoicePaid();
      const failing = harness.webhookHandler({
        webhookSecrets: { kind: 'static', values: [CURRENT_SECRET] },
        processEventQueue: {
          send: async () => {
            throw new Error('SQS is unavailable');
          },
        },
      });
      // Act
      const response = await failing(signedWebhookEvent(payload, { secret: CURRENT_SECRET }), lambdaContext('w', 10));
      // Assess
      expect(response.statusCode).toBe(503);
      const row = await rawRow(event.id);
      expect(row?.rawEventGzip?.B).toBeInstanceOf(Uint8Array);
      expect(row?.rawEventGzip?.B?.length).toBeLessThan(Buffer.byteLength(payload) / 2);
      expect(await auditLog.get(event.id)).toMatchObject({ status: 'FAILED', rawEvent: payload });
    });

    it('reads the plain raw event of a row written in the old form; its re-claim keeps it and carries the event in the message', async () => {
      // Prepare: a FAILED row in the old form, its raw event a plain string attribute
      const { event, payload } = invoicePaid();
      const at = new Date(Date.now() - 60_000).toISOString();
      await resources.dynamodb.send(
        new PutItemCommand({
          TableName: resources.tables.webhookAuditLog,
          Item: {
            stripeEventId: { S: event.id },
            eventType: { S: 'invoice.paid' },
            status: { S: 'FAILED' },
            errorMessage: { S: 'no district' },
            attempts: { N: '1' },
            createdAt: { S: at },
            updatedAt: { S: at },
            rawEvent: { S: payload },
          },
        }),
      );
      const before = await auditLog.get(event.id);
      // Act: Stripe retries the event
      const response = await deliver(payload);
      // Assess: read back identical before; the re-claim kept the copy as it was, and dropped the old error
      expect(before?.rawEvent).toBe(payload);
      expect(body(response)).toEqual({ received: true });
      const row = await rawRow(event.id);
      expect(row?.rawEvent?.S).toBe(payload);
      expect(row?.rawEventGzip).toBeUndefined();
      expect(row?.errorMessage).toBeUndefined();
      expect(await auditLog.get(event.id)).toMatchObject({
        status: 'RECEIVED',
        attempts: 2,
        createdAt: at,
        rawEvent: payload,
      });
      expect((await drainProcessEventQueue()).map((message) => message.rawEvent)).toEqual([payload]);
    });

    it('keeps an event too large for a queue message on the claim, compressed, and the message names it only', async () => {
      // Prepare: an invoice with enough lines to make a ~235 KB event, over 256 KiB as a message body
      const invoice = emulator.buildInvoice({ metadata: { districtId: 'district-shahdol' } });
      const lines = invoice.lines as { data: Record<string, unknown>[] };
      const line = lines.data[0] ?? {};
      lines.data = Array.from({ length: 116 }, (_, index) => ({
        ...line,
        id: `il_${index}`,
        description: 'é'.repeat(400),
      }));
      const event = emulator.createEvent('invoice.paid', invoice);
      const payload = JSON.stringify(event, null, 2);
      const bodyWithEvent = sqsMessageBody({ stripeEventId: event.id, eventType: event.type, rawEvent: payload });
      expect(Buffer.byteLength(bodyWithEvent)).toBeGreaterThan(SQS_MAX_MESSAGE_BYTES);
      expect(Buffer.byteLength(payload)).toBeLessThan(MAX_WEBHOOK_BODY_BYTES);
      // Act
      const response = await deliver(payload);
      // Assess: stored compressed and read back byte for byte; the worker reads it from the row
      expect(response.statusCode).toBe(200);
      const row = await rawRow(event.id);
      expect(row?.rawEventGzip?.B).toBeInstanceOf(Uint8Array);
      expect(row?.rawEventGzip?.B?.length).toBeLessThan(Buffer.byteLength(payload) / 4);
      expect(row?.rawEvent).toBeUndefined();
      expect((await auditLog.get(event.id))?.rawEvent).toBe(payload);
      expect(await drainProcessEventQueue()).toEqual([{ stripeEventId: event.id, eventType: 'invoice.paid' }]);
    });

    it('keeps an emoji-heavy event on the claim when its escaped message would be too large, though its bytes are not', async () => {
      // Prepare: a ~130 KB event, nearly all emoji, each 4 bytes sent but 12 once escaped for SQS (\ud83c\udfeb)
      const invoice = emulator.buildInvoice({ metadata: { districtId: 'district-shahdol' } });
      const lines = invoice.lines as { data: Record<string, unknown>[] };
      const line = lines.data[0] ?? {};
      lines.data = Array.from({ length: 60 }, (_, index) => ({
        ...line,
        id: `il_${index}`,
        description: '🏫📚'.repeat(200),
      }));
      const event = emulator.createEvent('invoice.paid', invoice);
      const payload = JSON.stringify(event);
      const bodyWithEvent = sqsMessageBody({ stripeEventId: event.id, eventType: event.type, rawEvent: payload });
      expect(Buffer.byteLength(payload)).toBeLessThan(192 * 1024); // the size the old rule, on raw bytes, let through
      expect(Buffer.byteLength(bodyWithEvent)).toBeGreaterThan(SQS_MAX_MESSAGE_BYTES);
      // Act
      const response = await deliver(payload);
      // Assess: the message names the event only, the claim keeps it, and the worker reads it there byte for byte
      expect(response.statusCode).toBe(200);
      const messages = await drainProcessEventQueue();
      expect(messages).toEqual([{ stripeEventId: event.id, eventType: 'invoice.paid' }]);
      expect(Buffer.byteLength(sqsMessageBody(messages[0]))).toBeLessThan(SQS_MAX_MESSAGE_BYTES);
      expect((await rawRow(event.id))?.rawEventGzip?.B).toBeInstanceOf(Uint8Array);
      expect((await auditLog.get(event.id))?.rawEvent).toBe(payload);
    });

    it('lists FAILED events since an instant, oldest first, across pages', async () => {
      // Prepare: five FAILED events claimed "tomorrow" so no other test's row is in the window
      const tomorrow = Date.now() + 86_400_000;
      const ids = Array.from({ length: 5 }, (_, index) => `evt_list_${tomorrow}_${index}`);
      for (const [index, id] of ids.entries()) {
        const at = new Date(tomorrow + index * 1000);
        await auditLog.claim({
          stripeEventId: id,
          eventType: 'invoice.paid',
          rawEvent: '{}',
          now: at,
          leaseSeconds: 60,
        });
        await auditLog.markFailed(id, `failure ${index}`, at);
      }
      // Act
      const all = await auditLog.listByStatus('FAILED', new Date(tomorrow), 100);
      const firstThree = await auditLog.listByStatus('FAILED', new Date(tomorrow), 3);
      // Assess
      expect(all.map((record) => record.stripeEventId)).toEqual(ids);
      expect(all[4]).toMatchObject({ status: 'FAILED', errorMessage: 'failure 4' });
      expect(firstThree.map((record) => record.stripeEventId)).toEqual(ids.slice(0, 3));
    });

    it('lists each open row with every field it holds but its raw event, and no row that is done', async () => {
      // Prepare: rows "tomorrow" holding every optional field a status can have
      const tomorrow = Date.now() + 86_400_000;
      const at = new Date(tomorrow);
      const id = (name: string) => `evt_fields_${tomorrow}_${name}`;
      const claim = (stripeEventId: string, eventType = 'invoice.paid') =>
        auditLog.claim({ stripeEventId, eventType, rawEvent: `{"id":"${stripeEventId}"}`, now: at, leaseSeconds: 60 });
      await claim(id('claimed'));
      await claim(id('processed'));
      await auditLog.markProcessed(id('processed'), at, {
        districtId: 'district-shahdol',
        invoiceId: 'in_fields',
        metadata: { revenueShareId: 'rs_fields' },
      });
      await claim(id('failed'));
      await auditLog.markFailed(id('failed'), 'no district', at, { districtId: 'district-none', invoiceId: 'in_x' });
      await claim(id('ignored'), 'customer.created');
      await auditLog.markIgnored(id('ignored'), at);
      // Act
      const listed = (
        await Promise.all((['RECEIVED', 'FAILED'] as const).map((status) => auditLog.listByStatus(status, at)))
      ).flat();
      // Assess: each open row is listed as read by key, less its raw event; the done ones left the index
      for (const name of ['claimed', 'failed']) {
        const { rawEvent, ...stored } = (await auditLog.get(id(name))) ?? { rawEvent: undefined };
        expect(rawEvent).toBe(`{"id":"${id(name)}"}`);
        expect(listed.find((record) => record.stripeEventId === id(name))).toStrictEqual(stored);
      }
      for (const name of ['processed', 'ignored']) {
        expect((await auditLog.get(id(name)))?.status).toBe(name.toUpperCase());
        expect(listed.some((record) => record.stripeEventId === id(name))).toBe(false);
      }
      expect(listed.filter((record) => record.stripeEventId.startsWith(`evt_fields_${tomorrow}_`))).toHaveLength(2);
    });
  });
});
