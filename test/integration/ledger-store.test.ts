import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import type { District, RevenueShare } from '../../domain/model.js';
import { localDynamoDbClient } from '../../local/aws-clients.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('DynamoDB ledger and district stores on DynamoDB Local', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('ledger');
    district = await harness.addDistrict({ stripeAccountId: 'acct_ledger_test' });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const table = () => harness.resources.tables.revenueShares;

  it('creates a row once and returns the existing row to a second create', async () => {
    // Prepare
    const row = await harness.pendingRow(district);

    // Act
    const again = await harness.ledger.create({ ...row, amountCents: 1, version: 7 });

    // Assess
    expect(again).toEqual({ created: false, existing: row });
  });

  it('answers a redelivered create from the row its failed put returned, reading nothing more', async () => {
    // Prepare: a ledger whose client counts the commands it sends
    const row = await harness.pendingRow(district);
    const dynamodb = localDynamoDbClient(inject('dynamodbEndpoint'));
    const commands: string[] = [];
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    const ledger = new DynamoDbLedgerStore(DynamoDBDocumentClient.from(dynamodb), table());

    // Act
    const again = await ledger.create({ ...row, amountCents: 1, version: 7 });

    // Assess
    expect(again).toEqual({ created: false, existing: row });
    expect(commands).toEqual(['PutItemCommand']);
  });

  it('writes a new row as one item: no guard item beside it (a refund finds the row through Stripe)', async () => {
    // Prepare: a row paid by one charge
    const row = await harness.pendingRow(district);
    const chargeId = String(row.sourceCharges?.[0]?.chargeId);

    // Act
    const { Items = [] } = await harness.documents.send(
      new ScanCommand({
        TableName: table(),
        FilterExpression: 'revenueShareId = :row',
        ExpressionAttributeValues: { ':row': row.revenueShareId },
        ConsistentRead: true,
      }),
    );

    // Assess
    expect(chargeId).toMatch(/^ch_/);
    expect(Items.map((item) => item.pk)).toEqual([row.revenueShareId]);
  });

  it('updates only from the version read, and reports the current row otherwise', async () => {
    // Prepare
    const row = await harness.pendingRow(district);
    const changes = { lastError: 'first', updatedAt: new Date().toISOString() };
    await harness.ledger.update({ revenueShareId: row.revenueShareId, expectedVersion: row.version, changes });

    // Act
    const stale = await harness.ledger.update({
      revenueShareId: row.revenueShareId,
      expectedVersion: row.version,
      changes: { ...changes, lastError: 'second' },
    });

    // Assess
    expect(stale).toEqual({ updated: false, current: expect.objectContaining({ version: 2, lastError: 'first' }) });
  });

  it('keeps a transfer id on one row only: the guard item refuses a second owner', async () => {
    // Prepare
    const first = await harness.pendingRow(district);
    const second = await harness.pendingRow(district);
    const record = (row: typeof first) =>
      harness.ledger.recordTransfer({
        revenueShareId: row.revenueShareId,
        expectedVersion: row.version,
        stripeTransferId: 'tr_shared_by_mistake',
        partIndex: 0,
        now: new Date(),
      });
    await record(first);

    // Act
    const outcome = await record(second);

    // Assess
    expect(outcome).toEqual({
      recorded: false,
      reason: 'transfer_id_taken',
      ownerRevenueShareId: first.revenueShareId,
    });
    expect((await harness.ledger.get(second.revenueShareId))?.stripeTransferId).toBeUndefined();
    expect((await harness.ledger.findByTransferId('tr_shared_by_mistake'))?.revenueShareId).toBe(first.revenueShareId);
  });

  it('records a transfer whose guard a crash before the row update left, and finds it by id only once recorded', async () => {
    // Prepare: the guard of an attempt that died before updating its row
    const row = await harness.pendingRow(district);
    await harness.documents.send(
      new PutCommand({
        TableName: table(),
        Item: { pk: 'transfer#tr_guard_left', revenueShareId: row.revenueShareId, stripeTransferId: 'tr_guard_left' },
      }),
    );
    const beforeRecord = await harness.ledger.findByTransferId('tr_guard_left');

    // Act: the retry
    const outcome = await harness.ledger.recordTransfer({
      revenueShareId: row.revenueShareId,
      expectedVersion: row.version,
      stripeTransferId: 'tr_guard_left',
      partIndex: 0,
      now: new Date(),
    });

    // Assess
    expect(beforeRecord).toBeUndefined();
    expect(outcome).toMatchObject({ recorded: true, row: { stripeTransferId: 'tr_guard_left', version: 2 } });
    expect((await harness.ledger.findByTransferId('tr_guard_left'))?.revenueShareId).toBe(row.revenueShareId);
  });

  it('refuses to record a second transfer on a row that has one', async () => {
    // Prepare
    const row = await harness.pendingRow(district);
    const recorded = await harness.ledger.recordTransfer({
      revenueShareId: row.revenueShareId,
      expectedVersion: row.version,
      stripeTransferId: 'tr_first_of_row',
      partIndex: 0,
      now: new Date(),
    });

    // Act
    const outcome = await harness.ledger.recordTransfer({
      revenueShareId: row.revenueShareId,
      expectedVersion: recorded.recorded ? recorded.row.version : 0,
      stripeTransferId: 'tr_second_of_row',
      partIndex: 0,
      now: new Date(),
    });

    // Assess
    expect(outcome).toMatchObject({
      recorded: false,
      reason: 'row_changed',
      current: { stripeTransferId: 'tr_first_of_row' },
    });
    expect(await harness.ledger.findByTransferId('tr_second_of_row')).toBeUndefined();
  });

  it('lists rows by district and by status, newest first, without guard items', async () => {
    // Prepare
    const other = await harness.addDistrict({ stripeAccountId: 'acct_list_test' });
    const older = await harness.pendingRow(other, { createdAt: '2026-01-01T00:00:00.000Z' });
    const newer = await harness.pendingRow(other, { createdAt: '2026-02-01T00:00:00.000Z', payoutStatus: 'PAID' });
    await harness.ledger.recordTransfer({
      revenueShareId: older.revenueShareId,
      expectedVersion: 1,
      stripeTransferId: 'tr_listed',
      partIndex: 0,
      now: new Date(),
    });

    // Act
    const byDistrict = await harness.ledger.list({ districtId: other.districtId });
    const paidOfDistrict = await harness.ledger.list({ districtId: other.districtId, payoutStatus: 'PAID' });
    const paid = await harness.ledger.list({ payoutStatus: 'PAID' });
    const all = await harness.ledger.list({});

    // Assess
    expect(byDistrict.map((r) => r.revenueShareId)).toEqual([newer.revenueShareId, older.revenueShareId]);
    expect(paidOfDistrict.map((r) => r.revenueShareId)).toEqual([newer.revenueShareId]);
    expect(paid.map((r) => r.revenueShareId)).toContain(newer.revenueShareId);
    expect(all.every((r) => r.revenueShareId.startsWith('rs_'))).toBe(true);
    expect(all.map((r) => r.revenueShareId)).toEqual(
      expect.arrayContaining([older.revenueShareId, newer.revenueShareId]),
    );
  });

  it('finds a row funded by a charge without a payment intent through its pointer, which no listing shows', async () => {
    // Prepare: a row waiting for review (in the attention index too), funded by such a charge
    const other = await harness.addDistrict({ stripeAccountId: 'acct_pointer_test' });
    const chargeId = `ch_nopi_${Date.now()}`;
    const row = await harness.pendingRow(other, {
      payoutStatus: 'NEEDS_REVIEW',
      sourceCharges: [{ chargeId, amountCents: 10_000, withoutPaymentIntent: true }],
    });
    // A crash between a pointer and its row leaves a pointer to no row.
    await harness.documents.send(
      new PutCommand({
        TableName: table(),
        Item: { pk: 'charge#ch_orphan', chargeId: 'ch_orphan', revenueShareIds: new Set(['rs_never_written']) },
      }),
    );

    // Act
    const found = await harness.ledger.findByChargeId(chargeId);
    const listings = [
      await harness.ledger.list({ districtId: other.districtId }),
      await harness.ledger.list({ payoutStatus: 'NEEDS_REVIEW', limit: 1_000 }),
      await harness.ledger.list({ limit: 10_000 }),
    ];

    // Assess
    expect(found).toEqual([row]);
    expect(await harness.ledger.findByChargeId('ch_orphan')).toEqual([]);
    expect(await harness.ledger.findByChargeId('ch_no_pointer')).toEqual([]);
    expect(await harness.ledger.get(`charge#${chargeId}`)).toBeUndefined();
    expect(listings[0]?.map((r) => r.revenueShareId)).toEqual([row.revenueShareId]);
    for (const listed of listings) expect(listed.every((r) => r.revenueShareId.startsWith('rs_'))).toBe(true);
    expect(listings[1]?.map((r) => r.revenueShareId)).toContain(row.revenueShareId);
  });

  it('lists a status of a district newest first, exactly `limit` rows, reading on past pages of other statuses', async () => {
    // Prepare: one PENDING row, then 101 newer PAID rows and one newer PENDING row (over a page of index keys)
    const other = await harness.addDistrict({ stripeAccountId: 'acct_filter_test' });
    const template = await harness.pendingRow(other, { createdAt: '2025-01-01T00:00:00.000Z' });
    const at = (minute: number) => new Date(Date.parse('2025-01-02T00:00:00.000Z') + minute * 60_000).toISOString();
    const put = (id: string, createdAt: string, payoutStatus: RevenueShare['payoutStatus']) =>
      harness.documents.send(
        new PutCommand({
          TableName: table(),
          Item: { ...template, pk: id, revenueShareId: id, createdAt, payoutStatus, sourceCharges: [] },
        }),
      );
    await Promise.all(Array.from({ length: 101 }, (_, i) => put(`rs_filter_paid_${i}`, at(i), 'PAID')));
    await put('rs_filter_newest_pending', at(200), 'PENDING');

    // Act
    const newest = await harness.ledger.list({ districtId: other.districtId, payoutStatus: 'PENDING', limit: 1 });
    const both = await harness.ledger.list({ districtId: other.districtId, payoutStatus: 'PENDING', limit: 5 });
    const paid = await harness.ledger.list({ districtId: other.districtId, payoutStatus: 'PAID', limit: 3 });

    // Assess
    expect(newest.map((r) => r.revenueShareId)).toEqual(['rs_filter_newest_pending']);
    expect(both.map((r) => r.revenueShareId)).toEqual(['rs_filter_newest_pending', template.revenueShareId]);
    expect(paid.map((r) => r.revenueShareId)).toEqual(['rs_filter_paid_100', 'rs_filter_paid_99', 'rs_filter_paid_98']);
  });

  it('finds districts by configured customer id', async () => {
    // Prepare
    const withCustomers = await harness.addDistrict({ stripeCustomerIds: ['cus_a_1', 'cus_a_2'] });

    // Act
    const found = await harness.districts.findByCustomerId('cus_a_2');
    const none = await harness.districts.findByCustomerId('cus_a');

    // Assess
    expect(found).toEqual([withCustomers]);
    expect(none).toEqual([]);
  });
});
