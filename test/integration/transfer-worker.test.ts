import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import type { District, MarkPaidMessage, RevenueShare, TransferMessage } from '../../domain/model.js';
import { localDynamoDbClient } from '../../local/aws-clients.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('transfer worker on DynamoDB Local, the SQS server and the Stripe emulator', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('transfer');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    harness.emulator.setBalance(10_000_000_00);
    district = await harness.addDistrict({ shareBps: 1_500 });
    await Promise.all([harness.drain('markPaid'), harness.alerts()]);
  });

  const transferMessage = (row: RevenueShare): TransferMessage => ({
    revenueShareId: row.revenueShareId,
    transferAttempt: row.transferAttempt,
  });

  const runTransfer = (row: RevenueShare, handler = harness.transferHandler()) =>
    harness.invoke(handler, harness.sqsEvent([{ body: transferMessage(row), groupId: row.revenueShareId }]));

  it('pays shareCents to the district, records the transfer with its guard item and queues the verification', async () => {
    // Prepare
    const row = await harness.pendingRow(district);

    // Act
    const response = await runTransfer(row);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [transfer, ...others] = harness.transfersTo(district.stripeAccountId);
    expect(others).toEqual([]);
    expect(transfer).toMatchObject({
      amount: 1_500,
      currency: 'usd',
      destination: district.stripeAccountId,
      transfer_group: row.revenueShareId,
      metadata: {
        revenueShareId: row.revenueShareId,
        invoiceId: row.invoiceId,
        districtId: district.districtId,
        transferAttempt: '1',
      },
    });
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({
      stripeTransferId: transfer?.id,
      payoutStatus: 'PENDING',
      version: 2,
    });
    expect(await harness.guardItems()).toContainEqual(
      expect.objectContaining({ pk: `transfer#${transfer?.id}`, revenueShareId: row.revenueShareId }),
    );
    expect(await harness.drain<MarkPaidMessage>('markPaid')).toEqual([{ revenueShareId: row.revenueShareId }]);
  });

  it('queues the verification again for a row changed since, even within the deduplication window; not for a redelivery', async () => {
    // Prepare: transferred, its verification queued and taken off the queue
    const row = await harness.pendingRow(district);
    await runTransfer(row);
    expect(await harness.drain<MarkPaidMessage>('markPaid')).toHaveLength(1);

    // Act: a redelivery of the same state, then one after the row changed (as a clawback's write changes it)
    await runTransfer(row);
    const afterRedelivery = await harness.drain<MarkPaidMessage>('markPaid');
    const current = (await harness.ledger.get(row.revenueShareId)) as RevenueShare;
    await harness.ledger.update({
      revenueShareId: row.revenueShareId,
      expectedVersion: current.version,
      changes: { lastError: 'changed by another writer', updatedAt: new Date().toISOString() },
    });
    await runTransfer(row);

    // Assess
    expect(afterRedelivery).toEqual([]);
    expect(await harness.drain<MarkPaidMessage>('markPaid')).toEqual([{ revenueShareId: row.revenueShareId }]);
  });

  it('uses an idempotency key derived from the row and its attempt', async () => {
    // Prepare
    const row = await harness.pendingRow(district);

    // Act
    await runTransfer(row);

    // Assess
    const created = harness.emulator
      .events()
      .find(
        (e) =>
          e.type === 'transfer.created' &&
          (e.data.object as { transfer_group?: string }).transfer_group === row.revenueShareId,
      );
    expect(created?.request).toMatchObject({ idempotency_key: `transfer:${row.revenueShareId}:1` });
  });

  it('records the same transfer when the worker died after transfers.create and before recording it', async () => {
    // Prepare: a DynamoDB client whose first update recording a transfer on the row fails (its transfer guard is
    // already written), as if the worker died right there
    const dynamodb = localDynamoDbClient(inject('dynamodbEndpoint'));
    let recordsToFail = 1;
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        const records =
          context.commandName === 'UpdateItemCommand' && input.UpdateExpression?.includes('stripeTransferId');
        if (records && recordsToFail-- > 0) {
          throw Object.assign(new Error('the worker died before recording the transfer'), { name: 'WorkerDied' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'dieOnFirstTransferRecord' },
    );
    const ledger = new DynamoDbLedgerStore(
      DynamoDBDocumentClient.from(dynamodb),
      harness.resources.tables.revenueShares,
    );
    const handler = harness.transferHandler({ ledger });
    const row = await harness.pendingRow(district);
    await harness.queue<TransferMessage>('transfer').send(transferMessage(row), {
      groupId: row.revenueShareId,
      deduplicationId: `${row.revenueShareId}#1`,
    });

    // Act
    const run = await harness.runQueue('transfer', handler);

    // Assess
    expect(recordsToFail).toBe(-1);
    expect(run.invocations).toBe(2);
    expect(run.failedMessageIds).toHaveLength(1);
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers).toHaveLength(1);
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({ stripeTransferId: transfers[0]?.id });
  });

  it('finds the transfer a young row already made when a refund has since made its part smaller (no key replay)', async () => {
    // Prepare: attempt 1 made the full transfer and died before recording it; then a refund came first and made the
    // part smaller. The same key with the smaller amount would be refused, so the worker must list and adopt it.
    const planned = await harness.pendingRow(district);
    const [part] = planned.transferParts ?? [];
    if (!part) throw new Error('the test row has no transfer part');
    const earlier = await harness.stripe.transfers.create(
      {
        amount: part.amountCents,
        currency: 'usd',
        destination: district.stripeAccountId,
        transfer_group: planned.revenueShareId,
        ...(part.sourceChargeId ? { source_transaction: part.sourceChargeId } : {}),
        metadata: { revenueShareId: planned.revenueShareId, transferAttempt: '1', transferPart: '0' },
      },
      { idempotencyKey: `transfer:${planned.revenueShareId}:1` },
    );
    const row = await harness.ledger.get(planned.revenueShareId);
    if (!row) throw new Error('row vanished');
    const smaller = { ...part, amountCents: part.amountCents - 100, plannedCents: part.amountCents };
    const updated = await harness.ledger.update({
      revenueShareId: row.revenueShareId,
      expectedVersion: row.version,
      changes: { transferParts: [smaller], updatedAt: new Date().toISOString() },
    });
    if (!updated.updated) throw new Error('could not shrink the part');

    // Act
    const response = await runTransfer(updated.row);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(harness.transfersTo(district.stripeAccountId).map((t) => t.id)).toEqual([earlier.id]);
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({ stripeTransferId: earlier.id });
  });

  it('finds a transfer made under a pruned idempotency key by its transfer group instead of paying again', async () => {
    // Prepare: attempt 1 created a transfer and died over a day ago; the key is gone at Stripe (simulated: it was
    // made under another key), so only the transfer group and metadata tie it to the row
    const row = await harness.pendingRow(district, { createdAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
    const earlier = await harness.stripe.transfers.create(
      {
        amount: row.shareCents,
        currency: 'usd',
        destination: district.stripeAccountId,
        transfer_group: row.revenueShareId,
        metadata: { revenueShareId: row.revenueShareId, transferAttempt: '1' },
      },
      { idempotencyKey: 'a-key-stripe-has-pruned' },
    );

    // Act
    const response = await runTransfer(row);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(harness.transfersTo(district.stripeAccountId).map((t) => t.id)).toEqual([earlier.id]);
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({ stripeTransferId: earlier.id });
  });

  it('does not pay again for a new attempt when an earlier attempt paid but was never recorded', async () => {
    // Prepare: attempt 1 paid and was lost; the platform team started attempt 2
    const row = await harness.pendingRow(district, { transferAttempt: 2 });
    await harness.stripe.transfers.create(
      {
        amount: row.shareCents,
        currency: 'usd',
        destination: district.stripeAccountId,
        transfer_group: row.revenueShareId,
        metadata: { revenueShareId: row.revenueShareId, transferAttempt: '1' },
      },
      { idempotencyKey: `transfer:${row.revenueShareId}:1` },
    );

    // Act
    await runTransfer(row);

    // Assess
    expect(harness.transfersTo(district.stripeAccountId)).toHaveLength(1);
  });

  it('makes no second transfer for a redelivered message once the transfer is recorded', async () => {
    // Prepare
    const row = await harness.pendingRow(district);
    await runTransfer(row);

    // Act
    const response = await runTransfer(row);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(harness.transfersTo(district.stripeAccountId)).toHaveLength(1);
    expect((await harness.ledger.get(row.revenueShareId))?.version).toBe(2);
  });

  it('queues the verification on redelivery when the first delivery died before queueing it', async () => {
    // Prepare: the mark-paid queue is unreachable during the first delivery
    const row = await harness.pendingRow(district);
    const markPaidQueue = harness.queue<MarkPaidMessage>('markPaid');
    let sendsToFail = 1;
    const flakyQueue = {
      send: (message: MarkPaidMessage, options: Parameters<typeof markPaidQueue.send>[1]) =>
        sendsToFail-- > 0 ? Promise.reject(new Error('SQS unreachable')) : markPaidQueue.send(message, options),
    };
    const handler = harness.transferHandler({ markPaidQueue: flakyQueue });

    // Act
    const first = await runTransfer(row, handler);
    const second = await runTransfer(row, handler);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect(harness.transfersTo(district.stripeAccountId)).toHaveLength(1);
    expect(await harness.drain('markPaid')).toEqual([{ revenueShareId: row.revenueShareId }]);
  });

  it('drops a stale attempt', async () => {
    // Prepare
    const row = await harness.pendingRow(district, { transferAttempt: 2 });

    // Act
    await harness.invoke(
      harness.transferHandler(),
      harness.sqsEvent([
        { body: { revenueShareId: row.revenueShareId, transferAttempt: 1 }, groupId: row.revenueShareId },
      ]),
    );

    // Assess
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
    expect(await harness.ledger.get(row.revenueShareId)).toEqual(row);
  });

  it('marks TRANSFER_FAILED with the Stripe code and message and alerts when the balance is insufficient', async () => {
    // Prepare: a share a person approved paying from the platform balance (no charge funds it), and no balance
    harness.emulator.setBalance(0);
    const row = await harness.pendingRow(district, { transferParts: [{ index: 0, amountCents: 1_500 }] });
    const addMetric = vi.spyOn(harness.observability.metrics, 'addMetric');

    // Act
    const response = await runTransfer(row);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const failed = await harness.ledger.get(row.revenueShareId);
    expect(failed?.payoutStatus).toBe('TRANSFER_FAILED');
    expect(failed?.lastError).toMatch(/^balance_insufficient: You have insufficient available funds/);
    expect(failed?.stripeTransferId).toBeUndefined();
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
    expect(await harness.alerts()).toEqual([
      expect.objectContaining({
        kind: 'TRANSFER_FAILED',
        revenueShareId: row.revenueShareId,
        districtId: district.districtId,
        message: expect.stringContaining('balance_insufficient'),
      }),
    ]);
    expect(addMetric).toHaveBeenCalledWith('TransfersFailed', 'Count', 1);
    expect(await harness.drain('markPaid')).toEqual([]);
    addMetric.mockRestore();
  });

  it('pays a failed row once the platform team starts a new attempt', async () => {
    // Prepare: attempt 1 (from the platform balance) failed for lack of funds; funds arrive; attempt 2 is started
    harness.emulator.setBalance(0);
    const row = await harness.pendingRow(district, { transferParts: [{ index: 0, amountCents: 1_500 }] });
    await runTransfer(row);
    harness.emulator.setBalance(10_000_000_00);
    const failed = await harness.ledger.get(row.revenueShareId);
    const retried = await harness.ledger.update({
      revenueShareId: row.revenueShareId,
      expectedVersion: failed?.version ?? 0,
      expectedStatus: 'TRANSFER_FAILED',
      changes: { payoutStatus: 'PENDING', transferAttempt: 2, updatedAt: new Date().toISOString() },
    });
    if (!retried.updated) throw new Error('retry update lost');

    // Act
    await runTransfer(retried.row);

    // Assess
    const [transfer, ...others] = harness.transfersTo(district.stripeAccountId);
    expect(others).toEqual([]);
    expect(transfer?.metadata).toMatchObject({ transferAttempt: '2' });
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PENDING',
      stripeTransferId: transfer?.id,
    });
    expect((await harness.ledger.get(row.revenueShareId))?.lastError).toBeUndefined();
  });

  it('retries after a 500 from Stripe and then pays exactly once', async () => {
    // Prepare
    const row = await harness.pendingRow(district);
    const handler = harness.transferHandler({ payments: () => harness.payments });
    harness.emulator.failNext(1, 500);

    // Act
    const first = await runTransfer(row, handler);
    const second = await runTransfer(row, handler);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect(harness.transfersTo(district.stripeAccountId)).toHaveLength(1);
    expect((await harness.ledger.get(row.revenueShareId))?.stripeTransferId).toMatch(/^tr_/);
  });

  it('retries a 500 on transfers.create itself with the same idempotency key', async () => {
    // Prepare: the list call succeeds, the create call gets a 500
    const row = await harness.pendingRow(district);
    let calls = 0;
    const payments = harness.payments;
    const failingCreate = Object.assign(Object.create(payments), {
      createTransfer: (...args: Parameters<typeof payments.createTransfer>) => {
        if (calls++ === 0) harness.emulator.failNext(1, 503);
        return payments.createTransfer(...args);
      },
    });
    const handler = harness.transferHandler({ payments: () => failingCreate });

    // Act
    const first = await runTransfer(row, handler);
    const second = await runTransfer(row, handler);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect(harness.transfersTo(district.stripeAccountId)).toHaveLength(1);
  });

  it('refuses to pay when the district now pays another account', async () => {
    // Prepare
    const row = await harness.pendingRow(district);
    await harness.districts.put({ ...district, stripeAccountId: 'acct_someone_else' });

    // Act
    await runTransfer(row);

    // Assess
    expect(harness.emulator.transfers().filter((t) => t.transfer_group === row.revenueShareId)).toEqual([]);
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'TRANSFER_FAILED',
      lastError: `district_changed: district ${district.districtId} is now acct_someone_else; row pays ${district.stripeAccountId}`,
    });
    expect(await harness.alerts()).toEqual([expect.objectContaining({ kind: 'TRANSFER_FAILED' })]);
  });
});
