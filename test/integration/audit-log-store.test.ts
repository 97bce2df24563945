/** Reading audit rows back: a stored item that is not a valid audit row is an error, never a guessed RECEIVED claim. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptAuditRowError } from '../../adapters/dynamodb/audit-log.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('audit rows read from DynamoDB Local', () => {
  let harness: PayoutHarness;
  const now = new Date().toISOString();
  const validRow = (id: string) => ({
    stripeEventId: id,
    eventType: 'invoice.paid',
    status: 'FAILED',
    openStatus: 'FAILED',
    errorMessage: 'boom',
    attempts: 1,
    createdAt: now,
    updatedAt: now,
  });

  beforeAll(async () => {
    harness = await PayoutHarness.start('audit-rows');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const put = (item: Record<string, unknown>) =>
    harness.documents.send(new PutCommand({ TableName: harness.resources.tables.webhookAuditLog, Item: item }));

  it('reads a valid row back as it was written', async () => {
    // Prepare
    await put(validRow('evt_valid_row'));
    // Act
    const row = await harness.auditLog.get('evt_valid_row');
    // Assess
    expect(row).toMatchObject({ stripeEventId: 'evt_valid_row', status: 'FAILED', attempts: 1 });
  });

  it.each([
    ['no status', { status: undefined }, 'status'],
    ['an unknown status', { status: 'DONE' }, 'status'],
    ['no event type', { eventType: undefined }, 'eventType'],
    ['no attempts', { attempts: undefined }, 'attempts'],
    ['no createdAt', { createdAt: undefined }, 'createdAt'],
  ])('refuses a row with %s instead of guessing', async (_, change, field) => {
    // Prepare
    const id = `evt_corrupt_${field}_${Math.random().toString(36).slice(2, 8)}`;
    await put({ ...validRow(id), ...change });
    // Act
    const read = harness.auditLog.get(id);
    // Assess
    await expect(read).rejects.toThrow(CorruptAuditRowError);
    await expect(read).rejects.toThrow(`Audit row ${id} has no valid ${field}`);
  });

  it('fails a FAILED listing that holds a corrupt row, so re-sync never acts on a guess', async () => {
    // Prepare
    await put({ ...validRow('evt_listed_corrupt'), attempts: 'one' });
    // Act
    const listing = harness.auditLog.listByStatus('FAILED', new Date(Date.now() - 60_000));
    // Assess
    await expect(listing).rejects.toThrow(CorruptAuditRowError);
  });
});
