import { describe, expect, it } from 'vitest';
import type { ReconcileStripeSource } from '../../domain/reconcile/sources.js';
import { type LedgerRow, type StripeTransfer, threeWayMatch } from '../../domain/reconcile/three-way-match.js';
import { MAX_TRANSFERS_READ_BY_ID, readUnlistedTransfers } from '../../domain/reconcile/unlisted-transfers.js';

const DAY = { gte: 1_796_083_200, lt: 1_796_169_600 }; // 2026-12-01 UTC

const transfer = (id: string, overrides: Partial<StripeTransfer> = {}): StripeTransfer => ({
  id,
  amount: 500,
  currency: 'usd',
  destination: 'acct_shahdol',
  reversed: false,
  amount_reversed: 0,
  created: DAY.gte + 3_600,
  metadata: { revenueShareId: 'rs_split' },
  ...overrides,
});

/** A row split in two parts; part 0 transferred on an earlier day (tr_part0), part 1 (tr_part1) on this one. */
const splitRow = (): LedgerRow => ({
  revenueShareId: 'rs_split',
  districtId: 'shahdol',
  invoiceId: 'in_earlier',
  amountCents: 10_000,
  currency: 'usd',
  shareCents: 1_000,
  payoutStatus: 'PAID',
  destinationAccountId: 'acct_shahdol',
  stripeTransferId: 'tr_part0',
  transferParts: [
    { index: 0, amountCents: 500, stripeTransferId: 'tr_part0' },
    { index: 1, amountCents: 500, stripeTransferId: 'tr_part1' },
  ],
});

const retrieving = (have: readonly StripeTransfer[]) => {
  const asked: string[][] = [];
  const stripe: Pick<ReconcileStripeSource, 'retrieveTransfers'> = {
    retrieveTransfers: async (ids) => {
      asked.push([...ids]);
      return have.filter((t) => ids.includes(t.id));
    },
  };
  return { stripe, asked };
};

describe("a checked row's transfers outside the day's listing", () => {
  it('are read by id, once each, only those the listing does not hold', async () => {
    // Prepare
    const listed = [transfer('tr_part1', { metadata: { revenueShareId: 'rs_split', transferPart: '1' } })];
    const { stripe, asked } = retrieving([transfer('tr_part0', { created: DAY.gte - 86_400 })]);

    // Act
    const unlisted = await readUnlistedTransfers(stripe, listed, [splitRow(), splitRow()]);

    // Assess
    expect(asked).toEqual([['tr_part0']]);
    expect(unlisted).toEqual({ found: [expect.objectContaining({ id: 'tr_part0' })], unread: [], readById: 1 });
  });

  it('asks nothing when the listing holds them all, and nothing of a source that cannot read by id', async () => {
    // Prepare
    const listed = [transfer('tr_part0'), transfer('tr_part1')];
    const { stripe, asked } = retrieving([]);

    // Act
    const all = await readUnlistedTransfers(stripe, listed, [splitRow()]);
    const cannot = await readUnlistedTransfers({}, [], [splitRow()]);

    // Assess
    expect(asked).toEqual([]);
    expect(all).toEqual({ found: [], unread: [], readById: 0 });
    expect(cannot).toEqual({ found: [], unread: [], readById: 0 });
  });

  it('reads at most the bound; the rest are unread, and the match neither calls them missing nor compares them', async () => {
    // Prepare: one row more than the bound, each with a transfer made on an earlier day
    const rows = Array.from({ length: MAX_TRANSFERS_READ_BY_ID + 1 }, (_, i): LedgerRow => {
      const { transferParts: _parts, ...row } = splitRow();
      return { ...row, revenueShareId: `rs_${i}`, invoiceId: `in_${i}`, stripeTransferId: `tr_${i}` };
    });
    const earlier = (row: LedgerRow) =>
      transfer(row.stripeTransferId ?? '', {
        amount: 1_000,
        created: DAY.gte - 86_400,
        metadata: { revenueShareId: row.revenueShareId },
      });
    const { stripe, asked } = retrieving(rows.map(earlier));

    // Act
    const unlisted = await readUnlistedTransfers(stripe, [], rows);
    const mismatches = threeWayMatch({
      invoices: rows.map((row) => ({
        id: row.invoiceId,
        amount_paid: 10_000,
        currency: 'usd',
        customer: 'cus_shahdol',
        metadata: {},
      })),
      ledgerRows: rows,
      transfers: unlisted.found,
      day: DAY,
      unread: new Set(unlisted.unread),
    });

    // Assess
    expect(asked.flat()).toHaveLength(MAX_TRANSFERS_READ_BY_ID);
    expect(unlisted.readById).toBe(MAX_TRANSFERS_READ_BY_ID);
    expect(unlisted.unread).toEqual([`tr_${MAX_TRANSFERS_READ_BY_ID}`]);
    expect(mismatches).toEqual([]);
  });
});
