import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDbAuditLog } from '../../adapters/dynamodb/audit-log.js';
import type { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import type { PayoutStatus, RevenueShare } from '../../domain/model.js';
import { MAX_PLATFORM_BODY_BYTES } from '../../functions/platform-api/http.js';
import { TRANSFER_ATTEMPT_IN_FLIGHT_SECONDS } from '../../functions/platform-api/routes.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { TestResources } from '../support/local-stack.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { type PlatformRequestInit, platformRequest } from '../support/platform-requests.js';

interface ReceivedMessage {
  body: Record<string, unknown>;
  groupId?: string;
  deduplicationId?: string;
}

describe('platform-api against DynamoDB Local and the SQS server', () => {
  let harness: PayoutHarness;
  let resources: TestResources;
  let documents: DynamoDBDocumentClient;
  let ledger: DynamoDbLedgerStore;
  let districts: DynamoDbDistrictStore;
  let auditLog: DynamoDbAuditLog;
  let handler: ReturnType<PayoutHarness['platformApiHandler']>;

  beforeAll(async () => {
    harness = await PayoutHarness.start('platform');
    ({ resources, documents, ledger, districts, auditLog } = harness);
    handler = handlerWith();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const handlerWith = (overrides: Parameters<PayoutHarness['platformApiHandler']>[0] = {}) =>
    harness.platformApiHandler(overrides);

  beforeEach(async () => {
    await Promise.all([drain(resources.queues.queues.transfer), drain(resources.queues.queues.markPaid)]);
  });

  const call = async (method: string, resource: string, init: PlatformRequestInit = {}) => {
    const response: APIGatewayProxyResult = await handler(
      platformRequest(method, resource, init),
      lambdaContext('platform-api', 20),
    );
    return {
      status: response.statusCode,
      body: JSON.parse(response.body) as Record<string, unknown> & { items?: unknown[] },
    };
  };
  const invokeRaw = (event: APIGatewayProxyEvent) => handler(event, lambdaContext('platform-api', 20));

  async function receiveAll(queueUrl: string): Promise<ReceivedMessage[]> {
    const received: ReceivedMessage[] = [];
    for (;;) {
      const { Messages = [] } = await resources.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 30,
          MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        }),
      );
      if (Messages.length === 0) return received;
      for (const message of Messages) {
        received.push({
          body: JSON.parse(message.Body ?? '{}') as Record<string, unknown>,
          groupId: message.Attributes?.MessageGroupId,
          deduplicationId: message.Attributes?.MessageDeduplicationId,
        });
        await resources.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
  }
  const drain = (queueUrl: string) => receiveAll(queueUrl);

  async function ledgerRow(
    overrides: Partial<RevenueShare> & { payoutStatus: PayoutStatus },
    transferId?: string,
  ): Promise<RevenueShare> {
    const now = new Date().toISOString();
    const chargeId = `ch_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    const row: RevenueShare = {
      revenueShareId: `rs_${randomUUID().replaceAll('-', '')}`,
      districtId: 'district-a',
      invoiceId: `in_${randomUUID().slice(0, 12)}`,
      stripeEventId: `evt_${randomUUID().slice(0, 12)}`,
      amountCents: 10_000,
      currency: 'usd',
      shareBps: 1500,
      shareCents: 1500,
      destinationAccountId: 'acct_districtA',
      version: 1,
      transferAttempt: 1,
      collectedCents: 10_000,
      sourceCharges: [{ chargeId, amountCents: 10_000 }],
      transferParts: [{ index: 0, amountCents: 1500, sourceChargeId: chargeId }],
      createdAt: now,
      updatedAt: now,
      ...overrides,
    };
    const created = await ledger.create(row);
    if (!created.created) throw new Error('test row already exists');
    if (!transferId) return row;
    const recorded = await ledger.recordTransfer({
      revenueShareId: row.revenueShareId,
      expectedVersion: row.version,
      stripeTransferId: transferId,
      partIndex: 0,
      now: new Date(),
    });
    if (!recorded.recorded) throw new Error('test transfer not recorded');
    if (overrides.payoutStatus === 'PENDING') return recorded.row;
    const moved = await ledger.update({
      revenueShareId: row.revenueShareId,
      expectedVersion: recorded.row.version,
      changes: { payoutStatus: overrides.payoutStatus, updatedAt: new Date().toISOString() },
    });
    if (!moved.updated) throw new Error('test row status not set');
    return moved.row;
  }

  const validDistrict = {
    stripeAccountId: 'acct_1Shahdol',
    shareBps: 1500,
    currency: 'usd',
    autoTransfer: true,
    stripeCustomerIds: ['cus_shahdol1'],
  };

  describe('PUT /platform/districts/{districtId} and GET /platform/districts', () => {
    it('stores a district, returns it, lists it, and keeps createdAt when it is updated', async () => {
      // Prepare
      const districtId = `shahdol-${randomUUID().slice(0, 6)}`;
      const customerId = `cus_${randomUUID().replaceAll('-', '')}`;

      // Act
      const created = await call('PUT', '/platform/districts/{districtId}', {
        params: { districtId },
        body: { ...validDistrict, stripeCustomerIds: [customerId] },
      });
      const updated = await call('PUT', '/platform/districts/{districtId}', {
        params: { districtId },
        body: { ...validDistrict, shareBps: 2000, autoTransfer: false, stripeCustomerIds: [customerId] },
      });
      const listed = await call('GET', '/platform/districts');

      // Assess
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ districtId, ...validDistrict, stripeCustomerIds: [customerId] });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ districtId, shareBps: 2000, autoTransfer: false });
      expect(updated.body.createdAt).toBe(created.body.createdAt);
      // No disputePolicy given: the documented default
      expect(created.body.disputePolicy).toBe('REVERSE_ON_DISPUTE');
      expect(await districts.get(districtId)).toEqual(updated.body);
      expect(listed.status).toBe(200);
      // The listing adds what the district owes (nothing here).
      expect(listed.body.items).toContainEqual({ ...updated.body, owedCents: 0 });
    });

    it.each([
      ['stripeAccountId', { stripeAccountId: 'acc_123' }],
      ['stripeAccountId', { stripeAccountId: undefined }],
      ['shareBps', { shareBps: '1500' }],
      ['shareBps', { shareBps: 15.5 }],
      ['shareBps', { shareBps: 10_001 }],
      ['shareBps', { shareBps: -1 }],
      ['currency', { currency: 'USD' }],
      ['currency', { currency: 'us' }],
      ['autoTransfer', { autoTransfer: 'true' }],
      ['stripeCustomerIds', { stripeCustomerIds: 'cus_1' }],
      ['stripeCustomerIds[0]', { stripeCustomerIds: ['customer_1'] }],
      ['stripeCustomerIds[1]', { stripeCustomerIds: ['cus_1', 'cus_1'] }],
      ['sharebps', { sharebps: 1500 }],
      ['disputePolicy', { disputePolicy: 'reverse_on_loss' }],
      ['disputePolicy', { disputePolicy: 'NEVER' }],
    ])('refuses an invalid %s with 400 naming it', async (field, change) => {
      // Prepare
      const districtId = `bad-${randomUUID().slice(0, 6)}`;

      // Act
      const response = await call('PUT', '/platform/districts/{districtId}', {
        params: { districtId },
        body: { ...validDistrict, ...change },
      });

      // Assess
      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
      expect(String(response.body.error)).toContain(field.replace(/\[\d+\]$/, ''));
      expect(await districts.get(districtId)).toBeUndefined();
    });

    it('refuses an invalid district id, a body that is not JSON and a body that is not an object', async () => {
      // Act
      const badId = await call('PUT', '/platform/districts/{districtId}', {
        params: { districtId: 'Shahdol District' },
        body: validDistrict,
      });
      const notJson = await call('PUT', '/platform/districts/{districtId}', {
        params: { districtId: 'x1' },
        body: '{',
      });
      const notObject = await call('PUT', '/platform/districts/{districtId}', {
        params: { districtId: 'x1' },
        body: [],
      });

      // Assess
      expect(badId).toMatchObject({ status: 400, body: { field: 'districtId' } });
      expect(notJson).toMatchObject({ status: 400, body: { field: 'body', error: 'body is not valid JSON' } });
      expect(notObject).toMatchObject({ status: 400, body: { field: 'body' } });
      expect(await districts.get('x1')).toBeUndefined();
    });

    it('refuses with 409 a customer id that already belongs to another district, naming it', async () => {
      // Prepare
      const customerId = `cus_${randomUUID().replaceAll('-', '')}`;
      const owner = `owner-${randomUUID().slice(0, 6)}`;
      const other = `other-${randomUUID().slice(0, 6)}`;
      await call('PUT', '/platform/districts/{districtId}', {
        params: { districtId: owner },
        body: { ...validDistrict, stripeCustomerIds: [customerId] },
      });

      // Act
      const response = await call('PUT', '/platform/districts/{districtId}', {
        params: { districtId: other },
        body: { ...validDistrict, stripeCustomerIds: [customerId] },
      });

      // Assess
      expect(response.status).toBe(409);
      expect(String(response.body.error)).toContain(customerId);
      expect(String(response.body.error)).toContain(owner);
      expect(await districts.get(other)).toBeUndefined();
    });
  });

  describe('POST /platform/payout/retry', () => {
    it('starts attempt 2 of a TRANSFER_FAILED row and queues its TransferMessage', async () => {
      // Prepare
      const row = await ledgerRow({ payoutStatus: 'TRANSFER_FAILED', lastError: 'balance_insufficient: no funds' });

      // Act
      const response = await call('POST', '/platform/payout/retry', { body: { revenueShareId: row.revenueShareId } });

      // Assess
      expect(response).toEqual({ status: 202, body: { revenueShareId: row.revenueShareId, transferAttempt: 2 } });
      expect(await ledger.get(row.revenueShareId)).toMatchObject({
        payoutStatus: 'PENDING',
        transferAttempt: 2,
        version: row.version + 1,
      });
      expect(await receiveAll(resources.queues.queues.transfer)).toEqual([
        {
          body: { revenueShareId: row.revenueShareId, transferAttempt: 2 },
          groupId: row.revenueShareId,
          deduplicationId: `${row.revenueShareId}#2`,
        },
      ]);
    });

    it('starts attempt 1 of a PENDING row that was never transferred (no automatic transfer)', async () => {
      // Prepare
      const row = await ledgerRow({ payoutStatus: 'PENDING', transferAttempt: 0 });

      // Act
      const response = await call('POST', '/platform/payout/retry', { body: { revenueShareId: row.revenueShareId } });

      // Assess
      expect(response).toEqual({ status: 202, body: { revenueShareId: row.revenueShareId, transferAttempt: 1 } });
      expect((await receiveAll(resources.queues.queues.transfer)).map((m) => m.body)).toEqual([
        { revenueShareId: row.revenueShareId, transferAttempt: 1 },
      ]);
    });

    it('refuses (409) a PENDING row whose attempt was queued moments ago, and retries one queued long ago', async () => {
      // Prepare: attempt 1 queued now (may still run), and attempt 1 queued before the in-flight window
      const running = await ledgerRow({ payoutStatus: 'PENDING', transferAttempt: 1 });
      const longAgo = new Date(Date.now() - (TRANSFER_ATTEMPT_IN_FLIGHT_SECONDS + 60) * 1000).toISOString();
      const stuck = await ledgerRow({ payoutStatus: 'PENDING', transferAttempt: 1, updatedAt: longAgo });

      // Act
      const refused = await call('POST', '/platform/payout/retry', {
        body: { revenueShareId: running.revenueShareId },
      });
      const retried = await call('POST', '/platform/payout/retry', { body: { revenueShareId: stuck.revenueShareId } });

      // Assess
      expect(refused.status).toBe(409);
      expect(refused.body.error).toContain('may still be running');
      expect(await ledger.get(running.revenueShareId)).toEqual(running);
      expect(retried).toEqual({ status: 202, body: { revenueShareId: stuck.revenueShareId, transferAttempt: 2 } });
      expect((await receiveAll(resources.queues.queues.transfer)).map((m) => m.body)).toEqual([
        { revenueShareId: stuck.revenueShareId, transferAttempt: 2 },
      ]);
    });

    it('answers 503 and leaves the row retryable (with the attempt it took) when the transfer queue refuses the message', async () => {
      // Prepare: the transfer queue URL names a queue the SQS server does not have
      const row = await ledgerRow({ payoutStatus: 'TRANSFER_FAILED', lastError: 'balance_insufficient: no funds' });
      const broken = handlerWith({
        transferQueue: new SqsMessageQueue(resources.sqs, `${resources.queues.queues.transfer}-missing.fifo`),
      });

      // Act
      const refused = await broken(
        platformRequest('POST', '/platform/payout/retry', { body: { revenueShareId: row.revenueShareId } }),
        lambdaContext('platform-api', 20),
      );
      const retried = await call('POST', '/platform/payout/retry', { body: { revenueShareId: row.revenueShareId } });

      // Assess
      expect(refused.statusCode).toBe(503);
      expect(JSON.parse(refused.body)).toEqual({ error: expect.stringContaining('nothing changed; retry') });
      // The refused attempt's number is not used again: its message may have reached the queue after all
      expect(retried).toEqual({ status: 202, body: { revenueShareId: row.revenueShareId, transferAttempt: 3 } });
      expect((await receiveAll(resources.queues.queues.transfer)).map((m) => m.body)).toEqual([
        { revenueShareId: row.revenueShareId, transferAttempt: 3 },
      ]);
    });

    it.each([
      ['PAID', 'tr_paid'],
      ['REVERSED', 'tr_reversed'],
      ['PENDING', 'tr_transferred'],
      ['NO_PAYOUT', undefined],
    ] as const)('refuses a %s row (transfer %s) with 409 and changes nothing', async (status, transferId) => {
      // Prepare
      const row = await ledgerRow(
        { payoutStatus: status, ...(status === 'NO_PAYOUT' ? { shareCents: 0, shareBps: 0 } : {}) },
        transferId && `${transferId}_${randomUUID().slice(0, 8)}`,
      );

      // Act
      const response = await call('POST', '/platform/payout/retry', { body: { revenueShareId: row.revenueShareId } });

      // Assess
      expect(response.status).toBe(409);
      expect(response.body.error).toEqual(expect.any(String));
      expect(await ledger.get(row.revenueShareId)).toEqual(row);
      expect(await receiveAll(resources.queues.queues.transfer)).toEqual([]);
    });

    it('answers 404 for an unknown row', async () => {
      const response = await call('POST', '/platform/payout/retry', { body: { revenueShareId: 'rs_unknown' } });
      expect(response.status).toBe(404);
      expect(response.body.error).toContain('rs_unknown');
    });

    it.each([
      ['not JSON', 'revenueShareId=rs_1', 'body'],
      ['no body', undefined, 'body'],
      ['missing id', {}, 'revenueShareId'],
      ['empty id', { revenueShareId: '' }, 'revenueShareId'],
      ['id of the wrong type', { revenueShareId: 42 }, 'revenueShareId'],
      ['id with a slash', { revenueShareId: 'rs_1/../x' }, 'revenueShareId'],
    ])('answers 400 naming the field for %s', async (_case, body, field) => {
      const response = await call('POST', '/platform/payout/retry', { body });
      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
      expect(String(response.body.error)).toContain(field);
    });

    it.each([
      ['TRANSFER_FAILED', 1],
      ['PENDING', 0],
    ] as const)(
      'lets exactly one of ten concurrent retries of a %s row start a new attempt',
      async (payoutStatus, attempt) => {
        // Prepare
        const row = await ledgerRow({ payoutStatus, transferAttempt: attempt });

        // Act
        const responses = await Promise.all(
          Array.from({ length: 10 }, () =>
            call('POST', '/platform/payout/retry', { body: { revenueShareId: row.revenueShareId } }),
          ),
        );

        // Assess
        const statuses = responses.map((response) => response.status).sort();
        expect(statuses).toEqual([202, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
        expect(await ledger.get(row.revenueShareId)).toMatchObject({
          transferAttempt: attempt + 1,
          version: row.version + 1,
        });
        expect((await receiveAll(resources.queues.queues.transfer)).map((m) => m.body)).toEqual([
          { revenueShareId: row.revenueShareId, transferAttempt: attempt + 1 },
        ]);
      },
    );
  });

  describe('POST /platform/payout/mark-paid', () => {
    it('queues the verification of a transferred PENDING row', async () => {
      // Prepare
      const transferId = `tr_${randomUUID().slice(0, 12)}`;
      const row = await ledgerRow({ payoutStatus: 'PENDING' }, transferId);

      // Act
      const response = await call('POST', '/platform/payout/mark-paid', {
        body: { revenueShareId: row.revenueShareId },
      });

      // Assess
      expect(response).toEqual({
        status: 202,
        body: { revenueShareId: row.revenueShareId, stripeTransferId: transferId },
      });
      expect(await receiveAll(resources.queues.queues.markPaid)).toEqual([
        {
          body: { revenueShareId: row.revenueShareId },
          groupId: row.revenueShareId,
          deduplicationId: `${row.revenueShareId}#v${row.version}`,
        },
      ]);
      expect(await ledger.get(row.revenueShareId)).toEqual(row);
    });

    it('refuses with 400 a row without stripeTransferId (the seed rule), and queues nothing', async () => {
      const row = await ledgerRow({ payoutStatus: 'PENDING' });
      const response = await call('POST', '/platform/payout/mark-paid', {
        body: { revenueShareId: row.revenueShareId },
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toContain('stripeTransferId');
      expect(await receiveAll(resources.queues.queues.markPaid)).toEqual([]);
    });

    it('refuses a PAID row with 409 and an unknown row with 404', async () => {
      const paid = await ledgerRow({ payoutStatus: 'PAID' }, `tr_${randomUUID().slice(0, 12)}`);
      const conflict = await call('POST', '/platform/payout/mark-paid', {
        body: { revenueShareId: paid.revenueShareId },
      });
      const missing = await call('POST', '/platform/payout/mark-paid', { body: { revenueShareId: 'rs_nothing_here' } });
      const invalid = await call('POST', '/platform/payout/mark-paid', { body: { revenueShareId: ['rs_1'] } });
      expect(conflict.status).toBe(409);
      expect(missing.status).toBe(404);
      expect(invalid).toMatchObject({ status: 400, body: { field: 'revenueShareId' } });
      expect(await receiveAll(resources.queues.queues.markPaid)).toEqual([]);
    });
  });

  describe('GET /platform/revenue-shares', () => {
    it('lists the rows of a district, filtered by status, showing every field and no storage attribute', async () => {
      // Prepare
      const districtId = `list-${randomUUID().slice(0, 6)}`;
      const failed = await ledgerRow({ districtId, payoutStatus: 'TRANSFER_FAILED', lastError: 'card_declined: no' });
      const pending = await ledgerRow({ districtId, payoutStatus: 'PENDING' });
      await ledgerRow({ payoutStatus: 'TRANSFER_FAILED' });

      // Act
      const all = await call('GET', '/platform/revenue-shares', { query: { districtId } });
      const onlyFailed = await call('GET', '/platform/revenue-shares', {
        query: { districtId, status: 'TRANSFER_FAILED' },
      });
      const one = await call('GET', '/platform/revenue-shares/{revenueShareId}', {
        params: { revenueShareId: failed.revenueShareId },
      });

      // Assess
      expect(all.status).toBe(200);
      expect(all.body.items?.map((item) => (item as RevenueShare).revenueShareId).sort()).toEqual(
        [failed.revenueShareId, pending.revenueShareId].sort(),
      );
      expect(onlyFailed.body.items).toEqual([failed]);
      expect(one).toEqual({ status: 200, body: failed });
      const stored = await documents.send(
        new GetCommand({ TableName: resources.tables.revenueShares, Key: { pk: failed.revenueShareId } }),
      );
      expect(stored.Item?.pk).toBe(failed.revenueShareId);
      expect(one.body).not.toHaveProperty('pk');
    });

    it('answers 400 for an unknown status, 404 for an unknown row', async () => {
      const badStatus = await call('GET', '/platform/revenue-shares', { query: { status: 'paid' } });
      const unknown = await call('GET', '/platform/revenue-shares/{revenueShareId}', {
        params: { revenueShareId: 'rs_absent' },
      });
      expect(badStatus).toMatchObject({ status: 400, body: { field: 'status' } });
      expect(String(badStatus.body.error)).toContain('TRANSFER_FAILED');
      expect(unknown.status).toBe(404);
    });
  });

  describe('GET /platform/webhook-events', () => {
    it('lists FAILED events since a time, without their raw Stripe payload', async () => {
      // Prepare
      const old = `evt_old${randomUUID().replaceAll('-', '')}`;
      const recent = `evt_new${randomUUID().replaceAll('-', '')}`;
      const processed = `evt_ok${randomUUID().replaceAll('-', '')}`;
      await failedEvent(old, new Date('2020-01-01T00:00:00Z'), 'no district for invoice in_old');
      await failedEvent(recent, new Date(), 'no district for invoice in_new');
      await auditLog.claim({
        stripeEventId: processed,
        eventType: 'invoice.paid',
        rawEvent: '{}',
        now: new Date(),
        leaseSeconds: 60,
      });
      await auditLog.markProcessed(processed, new Date());

      // Act
      const sinceYesterday = await call('GET', '/platform/webhook-events', {
        query: { status: 'FAILED', since: new Date(Date.now() - 86_400_000).toISOString() },
      });
      const sinceLongAgo = await call('GET', '/platform/webhook-events', {
        query: { status: 'FAILED', since: '2019-12-31' },
      });
      const defaultSince = await call('GET', '/platform/webhook-events', { query: { status: 'FAILED' } });

      // Assess
      const ids = (response: { body: { items?: unknown[] } }) =>
        (response.body.items ?? []).map((item) => (item as { stripeEventId: string }).stripeEventId);
      expect(sinceYesterday.status).toBe(200);
      expect(ids(sinceYesterday)).toContain(recent);
      expect(ids(sinceYesterday)).not.toContain(old);
      expect(ids(sinceYesterday)).not.toContain(processed);
      expect(ids(sinceLongAgo)).toEqual(expect.arrayContaining([old, recent]));
      expect(ids(defaultSince)).toContain(recent);
      expect(ids(defaultSince)).not.toContain(old);
      const item = sinceYesterday.body.items?.find(
        (entry) => (entry as { stripeEventId: string }).stripeEventId === recent,
      );
      expect(item).toMatchObject({
        stripeEventId: recent,
        eventType: 'invoice.paid',
        status: 'FAILED',
        errorMessage: 'no district for invoice in_new',
        attempts: 1,
      });
      expect(item).not.toHaveProperty('rawEvent');
      expect((await auditLog.get(recent))?.rawEvent).toContain(recent);
    });

    it('shows a RECEIVED event’s lease, so a client can tell a stuck one', async () => {
      // Prepare: a claim a minute old with a 30 s lease
      const claimedAt = new Date(Date.now() - 60_000);
      const claimedOnly = `evt_claim${randomUUID().replaceAll('-', '')}`;
      await auditLog.claim({
        stripeEventId: claimedOnly,
        eventType: 'invoice.paid',
        rawEvent: '{}',
        now: claimedAt,
        leaseSeconds: 30,
      });

      // Act
      const response = await call('GET', '/platform/webhook-events', {
        query: { status: 'RECEIVED', since: new Date(claimedAt.getTime() - 1_000).toISOString() },
      });

      // Assess
      expect(response.status).toBe(200);
      const byId = (id: string) =>
        response.body.items?.find((item) => (item as { stripeEventId: string }).stripeEventId === id);
      const leaseExpiresAt = new Date(claimedAt.getTime() + 30_000).toISOString();
      expect(byId(claimedOnly)).toMatchObject({ status: 'RECEIVED', leaseExpiresAt, attempts: 1 });
    });

    it.each([
      [{}, 'status'],
      [{ status: 'failed' }, 'status'],
      [{ status: 'FAILED', since: 'yesterday' }, 'since'],
      [{ status: 'FAILED', since: '2025-02-30' }, 'since'],
      [{ status: 'FAILED', since: '2025-01-01T10:00:00' }, 'since'],
      [{ status: 'FAILED', limit: '0' }, 'limit'],
      [{ status: ['FAILED', 'PROCESSED'] }, 'status'],
    ])('answers 400 for %j, naming %s', async (query, field) => {
      const response = await call('GET', '/platform/webhook-events', { query });
      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
      expect(String(response.body.error)).toContain(field);
    });

    it.each(['PROCESSED', 'IGNORED'])(
      'answers 400 for status %s, saying the audit log lists only open events',
      async (status) => {
        const response = await call('GET', '/platform/webhook-events', { query: { status } });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ field: 'status' });
        expect(String(response.body.error)).toBe(
          `status must be one of RECEIVED, FAILED: ${status} events are not listed (the audit log indexes only the events still open)`,
        );
      },
    );

    async function failedEvent(stripeEventId: string, at: Date, reason: string): Promise<void> {
      const rawEvent = JSON.stringify({ id: stripeEventId, object: 'event', type: 'invoice.paid' });
      await auditLog.claim({ stripeEventId, eventType: 'invoice.paid', rawEvent, now: at, leaseSeconds: 60 });
      await auditLog.markFailed(stripeEventId, reason, at);
    }
  });

  describe('the edge', () => {
    it('answers 404 for a route it does not serve', async () => {
      const response = await call('DELETE', '/platform/districts/{districtId}', { params: { districtId: 'x' } });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: expect.any(String) });
    });

    it('answers 413 for a body over 64 KB, before parsing it', async () => {
      const body = JSON.stringify({ revenueShareId: 'rs_1', padding: 'x'.repeat(MAX_PLATFORM_BODY_BYTES) });
      const response = await call('POST', '/platform/payout/retry', { body });
      expect(response.status).toBe(413);
      expect(response.body).toEqual({ error: expect.stringContaining('larger than') });
    });

    it('decodes a base64-encoded body', async () => {
      const row = await ledgerRow({ payoutStatus: 'TRANSFER_FAILED' });
      const body = Buffer.from(JSON.stringify({ revenueShareId: row.revenueShareId })).toString('base64');
      const response = await invokeRaw(
        platformRequest('POST', '/platform/payout/retry', { body, isBase64Encoded: true }),
      );
      expect(response.statusCode).toBe(202);
    });

    it('answers 500 with a JSON error and no stack trace when storage fails', async () => {
      // Prepare: a handler whose ledger table does not exist
      const broken = handlerWith({ ledger: new DynamoDbLedgerStore(documents, 'no-such-table') });

      // Act
      const response = await broken(
        platformRequest('GET', '/platform/revenue-shares/{revenueShareId}', { params: { revenueShareId: 'rs_1' } }),
        lambdaContext('platform-api', 20),
      );

      // Assess
      expect(response.statusCode).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ error: 'Internal server error' });
    });
  });
});
