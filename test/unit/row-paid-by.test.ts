import { describe, expect, it } from 'vitest';
import type { ChargeSnapshot } from '../../domain/clawback/charge-state.js';
import { rowPaidBy } from '../../domain/clawback/row-paid-by.js';
import type { RevenueShare } from '../../domain/model.js';
import { PermanentEventError } from '../../domain/revenue-share/permanent-event-error.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';

const rowOf = (invoiceId: string, chargeIds: string[]): RevenueShare =>
  ({
    revenueShareId: deriveRevenueShareId(invoiceId),
    invoiceId,
    sourceCharges: chargeIds.map((chargeId) => ({ chargeId, amountCents: 1_000 })),
  }) as RevenueShare;

/** Payment intent -> the invoices it paid. */
const lookup = (paidWith: Record<string, string[]>, rows: RevenueShare[]) => ({
  provider: { invoicesPaidWith: async (paymentIntentId: string) => paidWith[paymentIntentId] ?? [] },
  ledger: { get: async (id: string) => rows.find((row) => row.revenueShareId === id) },
});

/** The charge `ch_N`, made by payment intent `pi_N` unless `intent` says otherwise (null: none). */
const charge = (chargeId: string, intent: string | null = chargeId.replace('ch_', 'pi_')): ChargeSnapshot => ({
  chargeId,
  amountCents: 10_000,
  refundedCents: 0,
  disputes: [],
  ...(intent === null ? {} : { paymentIntentId: intent }),
});

describe('rowPaidBy: the ledger row a charge paid, found through Stripe', () => {
  it('finds the row of the invoice the charge paid, when its source charges name the charge', async () => {
    const row = rowOf('in_1', ['ch_1']);
    expect(await rowPaidBy(charge('ch_1'), lookup({ pi_1: ['in_1', 'in_1'] }, [row, rowOf('in_2', ['ch_2'])]))).toBe(
      row,
    );
  });

  it('finds nothing for a charge that paid no invoice, or an invoice whose row it did not fund (yet)', async () => {
    const deps = lookup({ pi_1: ['in_1'], pi_9: ['in_2'] }, [rowOf('in_1', ['ch_1']), rowOf('in_2', ['ch_2'])]);
    expect(await rowPaidBy(charge('ch_0'), deps)).toBeUndefined();
    expect(await rowPaidBy(charge('ch_9'), deps)).toBeUndefined();
    expect(await rowPaidBy(charge('ch_1', null), deps)).toBeUndefined();
    expect(await rowPaidBy(charge('ch_1'), lookup({ pi_1: ['in_1'] }, []))).toBeUndefined();
  });

  it('finds the row of a charge without a payment intent through its pointer, when its source charges name it', async () => {
    const row = rowOf('in_1', ['ch_1']);
    const pointers: Record<string, RevenueShare[]> = { ch_1: [row], ch_2: [rowOf('in_2', ['ch_3'])] };
    const deps = {
      provider: { invoicesPaidWith: async () => ['in_1', 'in_2'] },
      ledger: { get: async () => undefined, findByChargeId: async (chargeId: string) => pointers[chargeId] ?? [] },
    };
    expect(await rowPaidBy(charge('ch_1', null), deps)).toBe(row);
    // A pointer to a row funded by other charges, or no pointer: no row (Stripe is not asked).
    expect(await rowPaidBy(charge('ch_2', null), deps)).toBeUndefined();
    expect(await rowPaidBy(charge('ch_4', null), deps)).toBeUndefined();
  });

  it('refuses to guess between two rows a charge paid: a permanent failure naming both', async () => {
    const deps = lookup({ pi_1: ['in_1', 'in_2'] }, [rowOf('in_1', ['ch_1']), rowOf('in_2', ['ch_1'])]);
    const found = rowPaidBy(charge('ch_1'), deps);
    await expect(found).rejects.toBeInstanceOf(PermanentEventError);
    await expect(found).rejects.toThrow(/charge ch_1 paid more than one ledger row: .*in_1.*in_2/);
  });
});
