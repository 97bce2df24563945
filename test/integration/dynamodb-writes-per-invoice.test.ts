/**
 * DynamoDB bills every write, and every index entry a write adds, moves or deletes. A paid invoice on the happy path
 * (webhook claim, PROCESSED, ledger row, transfer guard, transfer recorded, PAID) stays within 10 write units, as
 * DynamoDB Local reports them: the status indexes are sparse, so a row that is done is in neither of them, and a
 * PENDING -> PAID change writes no index at all. Rows that wait for a person are still listed by status.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../bench/request-counter.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { HARNESS_WEBHOOK_SECRET, PayoutHarness } from '../support/payout-harness.js';
import { signedWebhookEvent } from '../support/webhook-requests.js';

/** The budget for one paid invoice, end to end. */
const WRITE_UNITS_PER_PAID_INVOICE = 10;

describe('DynamoDB write units per paid invoice', () => {
  let harness: PayoutHarness;
  const counter = new RequestCounter();

  beforeAll(async () => {
    harness = await PayoutHarness.start('write-units');
    counter.attach(harness.resources.dynamodb, 'dynamodb');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    harness.emulator.setBalance(10_000_000);
    await Promise.all([harness.drain('revenueShare'), harness.drain('transfer'), harness.drain('markPaid')]);
    counter.label = 'setup';
  });

  const writeUnits = (label: string) =>
    Object.values(counter.tallies(label)).reduce((sum, tally) => sum + tally.writeUnits, 0);

  it(`pays an invoice from its webhook delivery to PAID with at most ${WRITE_UNITS_PER_PAID_INVOICE} write units`, async () => {
    // Prepare
    const district = await harness.addDistrict();
    const invoice = harness.emulator.buildInvoice(
      { amount_paid: 10_000, currency: 'usd', metadata: { districtId: district.districtId } },
      { payments: [{ paymentMethod: 'pm_card_bypassPending' }] },
    );
    const event = harness.emulator.createEvent('invoice.paid', invoice);
    counter.label = 'paid-invoice';
    // Act
    const response = await harness.webhookHandler()(
      signedWebhookEvent(JSON.stringify(event), { secret: HARNESS_WEBHOOK_SECRET }),
      lambdaContext('stripe-webhook', 10),
    );
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    // Assess
    counter.label = 'setup';
    expect(response.statusCode).toBe(200);
    expect((await harness.auditLog.get(event.id))?.status).toBe('PROCESSED');
    const [row] = (await harness.ledgerItems()).filter((item) => item.invoiceId === invoice.id);
    expect(row?.payoutStatus).toBe('PAID');
    expect(writeUnits('paid-invoice')).toBeLessThanOrEqual(WRITE_UNITS_PER_PAID_INVOICE);
  });

  it('lists the rows that wait for a person by status, and no longer once they move on', async () => {
    // Prepare: a row that failed its transfer and one that waits for review
    const district = await harness.addDistrict();
    const failed = await harness.pendingRow(district, { payoutStatus: 'TRANSFER_FAILED' });
    const review = await harness.pendingRow(district, { payoutStatus: 'NEEDS_REVIEW' });
    const listed = async (payoutStatus: 'TRANSFER_FAILED' | 'NEEDS_REVIEW') =>
      (await harness.ledger.list({ payoutStatus, limit: 1_000 })).map((r) => r.revenueShareId);
    expect(await listed('TRANSFER_FAILED')).toContain(failed.revenueShareId);
    expect(await listed('NEEDS_REVIEW')).toContain(review.revenueShareId);
    // Act: the failed one is retried (PENDING again)
    const retried = await harness.ledger.update({
      revenueShareId: failed.revenueShareId,
      expectedVersion: failed.version,
      expectedStatus: 'TRANSFER_FAILED',
      changes: { payoutStatus: 'PENDING', updatedAt: new Date().toISOString() },
    });
    // Assess: it left the listing of its old status and is still listed as PENDING (read by a Scan)
    expect(retried.updated).toBe(true);
    expect(await listed('TRANSFER_FAILED')).not.toContain(failed.revenueShareId);
    expect(await listed('NEEDS_REVIEW')).toContain(review.revenueShareId);
    expect(
      (await harness.ledger.list({ payoutStatus: 'PENDING', limit: 1_000 })).map((r) => r.revenueShareId),
    ).toContain(failed.revenueShareId);
  });
});
