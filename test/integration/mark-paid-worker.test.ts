import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import { PayoutHarness } from '../support/payout-harness.js';

/** A pm_card_visa charge's funds (and the transfers it funds) are pending this long at the emulator. */
const PENDING_FUNDS_SECONDS = 3 * 86_400;

describe('mark-paid worker on DynamoDB Local and the Stripe emulator', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('mark-paid');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.alerts();
  });

  const markPaid = (row: RevenueShare, handler = harness.markPaidHandler()) =>
    harness.invoke(
      handler,
      harness.sqsEvent([{ body: { revenueShareId: row.revenueShareId }, groupId: row.revenueShareId }]),
    );

  /** A PENDING row whose recorded transfer is made at the emulator with `transfer` changing what is sent. */
  async function rowWithTransfer(transfer: Record<string, unknown> = {}): Promise<RevenueShare> {
    const row = await harness.pendingRow(district);
    const created = await harness.stripe.transfers.create({
      amount: row.shareCents,
      currency: row.currency,
      destination: row.destinationAccountId,
      transfer_group: row.revenueShareId,
      metadata: { revenueShareId: row.revenueShareId },
      source_transaction: row.transferParts?.[0]?.sourceChargeId,
      ...transfer,
    });
    const recorded = await harness.ledger.recordTransfer({
      revenueShareId: row.revenueShareId,
      expectedVersion: row.version,
      stripeTransferId: created.id,
      partIndex: 0,
      now: new Date(),
    });
    if (!recorded.recorded) throw new Error('could not record the test transfer');
    return recorded.row;
  }

  it('marks a verified payout PAID, once, with paidAt', async () => {
    // Prepare
    const row = await rowWithTransfer();

    // Act
    const response = await markPaid(row);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const paid = await harness.ledger.get(row.revenueShareId);
    expect(paid).toMatchObject({ payoutStatus: 'PAID', version: row.version + 1 });
    expect(Date.parse(paid?.paidAt ?? '')).toBeGreaterThan(0);
  });

  it('makes one change when two mark-paid runs race', async () => {
    // Prepare
    const row = await rowWithTransfer();
    const handler = harness.markPaidHandler();
    const addMetric = vi.spyOn(harness.observability.metrics, 'addMetric');

    // Act
    const responses = await Promise.all([markPaid(row, handler), markPaid(row, handler)]);

    // Assess
    expect(responses.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect(addMetric.mock.calls.filter(([name]) => name === 'PayoutsPaid')).toHaveLength(1);
    addMetric.mockRestore();
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PAID',
      version: row.version + 1,
    });
  });

  it('leaves a PAID row alone when asked again', async () => {
    // Prepare
    const row = await rowWithTransfer();
    await markPaid(row);
    const paid = await harness.ledger.get(row.revenueShareId);

    // Act
    await markPaid(row);

    // Assess
    expect(await harness.ledger.get(row.revenueShareId)).toEqual(paid);
  });

  describe('a transfer that does not match the ledger: no status change, the reason recorded, an alert', () => {
    it.each([
      ['amount', async () => rowWithTransfer({ amount: 1_499 }), 'amount 1499 differs from shareCents 1500'],
      [
        'destination',
        async () => rowWithTransfer({ destination: (await harness.addDistrict()).stripeAccountId }),
        'destination acct_',
      ],
      [
        'currency',
        async () => {
          // A usd charge cannot fund a eur transfer: this one comes from the platform's eur balance.
          harness.emulator.setBalance(1_000_000, 'eur');
          return rowWithTransfer({ currency: 'eur', source_transaction: undefined });
        },
        'currency eur differs from usd',
      ],
      [
        'amount, with a reversal the row does not record',
        async () => {
          const row = await rowWithTransfer({ amount: 1_499 });
          harness.emulator.advanceClock(PENDING_FUNDS_SECONDS);
          await harness.stripe.transfers.createReversal(String(row.stripeTransferId), { amount: 1 });
          return row;
        },
        'amount 1499 differs from shareCents 1500; amount_reversed is 1',
      ],
    ])('%s', async (_label, prepare, reason) => {
      // Prepare
      const row = await prepare();

      // Act
      const response = await markPaid(row);

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      const after = await harness.ledger.get(row.revenueShareId);
      expect(after?.payoutStatus).toBe('PENDING');
      expect(after?.paidAt).toBeUndefined();
      expect(after?.lastError).toContain('transfer verification failed: ');
      expect(after?.lastError).toContain(reason);
      expect(await harness.alerts()).toEqual([
        expect.objectContaining({
          kind: 'TRANSFER_MISMATCH',
          severity: 'critical',
          revenueShareId: row.revenueShareId,
          message: expect.stringContaining(reason),
        }),
      ]);
    });
  });

  describe('a transfer Stripe shows reversed beyond what the row records, nothing else differing: not judged yet', () => {
    // Its transfer.reversed is not processed yet (pending-rows-converge: it is verified once that records it).
    it.each([
      ['full', {}],
      ['partial', { amount: 1 }],
    ])(
      '%s reversal: the message comes back, no status change, no reason recorded, no alert',
      async (_label, amount) => {
        // Prepare
        const row = await rowWithTransfer();
        harness.emulator.advanceClock(PENDING_FUNDS_SECONDS); // the district's funds become available
        await harness.stripe.transfers.createReversal(String(row.stripeTransferId), amount);

        // Act
        const response = await markPaid(row);

        // Assess
        expect(response.batchItemFailures).toHaveLength(1);
        const after = await harness.ledger.get(row.revenueShareId);
        expect(after).toMatchObject({ payoutStatus: 'PENDING', version: row.version });
        expect(after?.lastError).toBeUndefined();
        expect(await harness.alerts()).toEqual([]);
      },
    );
  });

  it('refuses a row without stripeTransferId and records why', async () => {
    // Prepare
    const row = await harness.pendingRow(district);

    // Act
    const response = await markPaid(row);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PENDING',
      lastError: `mark-paid refused: ledger row ${row.revenueShareId} has no stripeTransferId: there is no transfer to verify`,
    });
  });

  it('retries when Stripe cannot be reached, then marks PAID', async () => {
    // Prepare
    const row = await rowWithTransfer();
    const handler = harness.markPaidHandler({ payments: () => harness.payments });
    harness.emulator.failNext(1, 503);

    // Act
    const first = await markPaid(row, handler);
    const second = await markPaid(row, handler);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect((await harness.ledger.get(row.revenueShareId))?.payoutStatus).toBe('PAID');
  });
});
