import { describe, expect, it } from 'vitest';
import { parseReconcileDay, yesterdayUtc } from '../../domain/reconcile/reconcile-day.js';
import {
  type LedgerRow,
  type PaidInvoice,
  type StripeTransfer,
  threeWayMatch,
} from '../../domain/reconcile/three-way-match.js';

const DAY = { gte: 1_796_083_200, lt: 1_796_169_600 }; // 2026-12-01 UTC
const DURING_DAY = DAY.gte + 3_600;

const invoice = (id: string, overrides: Partial<PaidInvoice> = {}): PaidInvoice => ({
  id,
  amount_paid: 10_000,
  currency: 'usd',
  customer: 'cus_shahdol',
  metadata: {},
  ...overrides,
});

const row = (revenueShareId: string, invoiceId: string, overrides: Partial<LedgerRow> = {}): LedgerRow => ({
  revenueShareId,
  districtId: 'shahdol',
  invoiceId,
  amountCents: 10_000,
  currency: 'usd',
  shareCents: 1_500,
  payoutStatus: 'PAID',
  destinationAccountId: 'acct_shahdol',
  stripeTransferId: `tr_${revenueShareId}`,
  ...overrides,
});

const transfer = (revenueShareId: string, overrides: Partial<StripeTransfer> = {}): StripeTransfer => ({
  id: `tr_${revenueShareId}`,
  amount: 1_500,
  currency: 'usd',
  destination: 'acct_shahdol',
  reversed: false,
  amount_reversed: 0,
  created: DURING_DAY,
  metadata: { revenueShareId, invoiceId: 'in_ignored_by_match' },
  ...overrides,
});

/** One paid invoice, its PAID row and its matching transfer; plus a zero-share invoice with its NO_PAYOUT row. */
const cleanDay = () => ({
  invoices: [invoice('in_1'), invoice('in_zero', { amount_paid: 0 })],
  ledgerRows: [
    row('rs_1', 'in_1'),
    row('rs_zero', 'in_zero', {
      amountCents: 0,
      shareCents: 0,
      payoutStatus: 'NO_PAYOUT',
      stripeTransferId: undefined,
    }),
  ],
  transfers: [transfer('rs_1')],
  day: DAY,
});

describe('threeWayMatch', () => {
  it('finds nothing on a clean day, where a zero share needs no transfer', () => {
    // Prepare
    const input = cleanDay();

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('ignores rows of other days and transfers this pipeline did not make', () => {
    // Prepare
    const input = cleanDay();
    input.ledgerRows.push(
      row('rs_other_day', 'in_other_day', { payoutStatus: 'PENDING', stripeTransferId: undefined }),
    );
    input.transfers.push(transfer('unused', { id: 'tr_manual', metadata: {} }));

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('accepts a transfer made after the day for one of its invoices', () => {
    // Prepare
    const input = cleanDay();
    input.transfers = [transfer('rs_1', { created: DAY.lt + 600 })];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('reports a paid invoice with no ledger row as MISSING_LEDGER_ROW', () => {
    // Prepare
    const input = cleanDay();
    input.invoices.push(invoice('in_lost', { amount_paid: 4_200, customer: 'cus_unknown' }));

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      {
        kind: 'MISSING_LEDGER_ROW',
        invoiceId: 'in_lost',
        detail: expect.stringContaining('amount_paid 4200 usd, customer cus_unknown'),
      },
    ]);
  });

  it('reports a share without a transfer as MISSING_TRANSFER', () => {
    // Prepare
    const input = cleanDay();
    input.invoices.push(invoice('in_2'));
    input.ledgerRows.push(row('rs_2', 'in_2', { payoutStatus: 'TRANSFER_FAILED', stripeTransferId: undefined }));

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      {
        kind: 'MISSING_TRANSFER',
        invoiceId: 'in_2',
        revenueShareId: 'rs_2',
        detail: 'share 1500 usd (TRANSFER_FAILED) has no transfer at Stripe',
      },
    ]);
  });

  it('reports a recorded transfer id that Stripe does not have as MISSING_TRANSFER', () => {
    // Prepare
    const input = cleanDay();
    input.transfers = [];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      expect.objectContaining({ kind: 'MISSING_TRANSFER', revenueShareId: 'rs_1', stripeTransferId: 'tr_rs_1' }),
    ]);
  });

  it('reports a row whose amount is not the invoice amount_paid as AMOUNT_DIFFERS', () => {
    // Prepare
    const input = cleanDay();
    input.invoices[0] = invoice('in_1', { amount_paid: 10_001 });

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      {
        kind: 'AMOUNT_DIFFERS',
        invoiceId: 'in_1',
        revenueShareId: 'rs_1',
        detail: 'ledger amountCents 10000, invoice amount_paid 10001',
      },
    ]);
  });

  it('reports a transfer whose amount is not the share as AMOUNT_DIFFERS', () => {
    // Prepare
    const input = cleanDay();
    input.transfers = [transfer('rs_1', { amount: 1_501 })];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      {
        kind: 'AMOUNT_DIFFERS',
        invoiceId: 'in_1',
        revenueShareId: 'rs_1',
        stripeTransferId: 'tr_rs_1',
        detail: 'transfer amount 1501, ledger shareCents 1500',
      },
    ]);
  });

  it('reports a transfer for a zero share (NO_PAYOUT, none recorded) as UNRECORDED_TRANSFER', () => {
    // Prepare
    const input = cleanDay();
    input.transfers.push(transfer('rs_zero', { amount: 1 }));

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches.map((m) => [m.kind, m.revenueShareId])).toEqual([['UNRECORDED_TRANSFER', 'rs_zero']]);
  });

  it('reports currencies that differ between invoice and row, and between row and transfer', () => {
    // Prepare
    const input = cleanDay();
    input.invoices[0] = invoice('in_1', { currency: 'eur' });
    input.transfers = [transfer('rs_1', { currency: 'cad' })];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      expect.objectContaining({ kind: 'CURRENCY_DIFFERS', detail: 'ledger currency usd, invoice currency eur' }),
      expect.objectContaining({
        kind: 'CURRENCY_DIFFERS',
        stripeTransferId: 'tr_rs_1',
        detail: 'transfer currency cad, ledger currency usd',
      }),
    ]);
  });

  it('reports a transfer to another account as DESTINATION_DIFFERS', () => {
    // Prepare
    const input = cleanDay();
    input.transfers = [transfer('rs_1', { destination: 'acct_someone_else' })];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      expect.objectContaining({
        kind: 'DESTINATION_DIFFERS',
        stripeTransferId: 'tr_rs_1',
        detail: 'transfer destination acct_someone_else, ledger destination acct_shahdol',
      }),
    ]);
  });

  it('reports a fully or partly reversed transfer as REVERSED', () => {
    // Prepare
    const input = cleanDay();
    input.invoices.push(invoice('in_2'));
    input.ledgerRows.push(row('rs_2', 'in_2', { payoutStatus: 'REVERSED' }));
    input.transfers = [
      transfer('rs_1', { amount_reversed: 500 }),
      transfer('rs_2', { reversed: true, amount_reversed: 1_500 }),
    ];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      expect.objectContaining({
        kind: 'REVERSED',
        revenueShareId: 'rs_1',
        detail: expect.stringContaining('500 of 1500'),
      }),
      expect.objectContaining({
        kind: 'REVERSED',
        revenueShareId: 'rs_2',
        detail: expect.stringContaining('REVERSED'),
      }),
    ]);
  });

  it('reports a transfer naming a row that does not exist as ORPHAN_TRANSFER, only for transfers of the day', () => {
    // Prepare
    const input = cleanDay();
    input.transfers.push(transfer('rs_ghost'), transfer('rs_ghost_tomorrow', { created: DAY.lt + 60 }));

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      {
        kind: 'ORPHAN_TRANSFER',
        revenueShareId: 'rs_ghost',
        stripeTransferId: 'tr_rs_ghost',
        detail: 'transfer of 1500 usd to acct_shahdol names a ledger row that does not exist',
      },
    ]);
  });

  it('reports a second transfer for one row as DUPLICATE_TRANSFER', () => {
    // Prepare
    const input = cleanDay();
    input.transfers.push(transfer('rs_1', { id: 'tr_second', created: DURING_DAY + 5 }));

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([
      {
        kind: 'DUPLICATE_TRANSFER',
        invoiceId: 'in_1',
        revenueShareId: 'rs_1',
        stripeTransferId: 'tr_second',
        detail: 'transfer of 1500 usd names this row, but the ledger records tr_rs_1',
      },
    ]);
  });

  it('checks a transfer the row records even when the transfer carries no metadata', () => {
    // Prepare
    const input = cleanDay();
    input.transfers = [transfer('rs_1', { metadata: null, destination: 'acct_wrong' })];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches.map((m) => m.kind)).toEqual(['DESTINATION_DIFFERS']);
  });
});

describe('a transfer the ledger does not record', () => {
  const part = (index: number, amountCents: number, stripeTransferId?: string) => ({
    index,
    amountCents,
    ...(stripeTransferId ? { stripeTransferId } : {}),
  });
  /** The day's second invoice, its row recording no transfer, and a live transfer naming the row. */
  const dayWithUnrecorded = (payoutStatus: LedgerRow['payoutStatus']) => {
    const input = cleanDay();
    input.invoices.push(invoice('in_2'));
    input.ledgerRows.push(
      row('rs_2', 'in_2', { payoutStatus, stripeTransferId: undefined, transferParts: [part(0, 1_500)] }),
    );
    input.transfers.push(transfer('rs_2', { id: 'tr_made', created: DURING_DAY + 60 }));
    return input;
  };

  it.each(['TRANSFER_FAILED', 'CLOSED', 'NEEDS_REVIEW', 'REVERSED'] as const)(
    'reports a live transfer naming a %s row that records none as UNRECORDED_TRANSFER',
    (payoutStatus) => {
      // Prepare: e.g. a worker died after its create, and the row was then marked failed, closed or refunded away
      const input = dayWithUnrecorded(payoutStatus);

      // Act
      const mismatches = threeWayMatch(input).filter((m) => m.kind !== 'AWAITING_REVIEW');

      // Assess
      expect(mismatches).toEqual([
        {
          kind: 'UNRECORDED_TRANSFER',
          invoiceId: 'in_2',
          revenueShareId: 'rs_2',
          stripeTransferId: 'tr_made',
          detail: `transfer of 1500 usd to acct_shahdol names this row, but the ledger records no transfer for it (${payoutStatus})`,
        },
      ]);
    },
  );

  it('takes the oldest transfer naming a PENDING row as the one its worker made and has not recorded yet', () => {
    // Prepare
    const input = dayWithUnrecorded('PENDING');

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('judges a split row part by part as a one-part row: PENDING waits for its record, any other status does not', () => {
    // Prepare: part 0 recorded; part 1's transfer made (named by its metadata) but not recorded
    const split = (payoutStatus: LedgerRow['payoutStatus']) => {
      const input = cleanDay();
      input.invoices.push(invoice('in_2'));
      input.ledgerRows.push(
        row('rs_2', 'in_2', {
          payoutStatus,
          stripeTransferId: 'tr_part0',
          transferParts: [part(0, 1_000, 'tr_part0'), part(1, 500)],
        }),
      );
      const partOf = (index: number) => ({ revenueShareId: 'rs_2', transferPart: String(index) });
      input.transfers.push(
        transfer('rs_2', { id: 'tr_part0', amount: 1_000, metadata: partOf(0) }),
        transfer('rs_2', { id: 'tr_part1', amount: 500, created: DURING_DAY + 60, metadata: partOf(1) }),
      );
      return input;
    };
    const secondOfPart0 = split('PENDING');
    secondOfPart0.transfers.push(
      transfer('rs_2', {
        id: 'tr_part0_again',
        amount: 1_000,
        created: DURING_DAY + 90,
        metadata: { revenueShareId: 'rs_2', transferPart: '0' },
      }),
    );

    // Act
    const pending = threeWayMatch(split('PENDING'));
    const failed = threeWayMatch(split('TRANSFER_FAILED'));
    const duplicate = threeWayMatch(secondOfPart0);

    // Assess
    expect(pending).toEqual([]);
    expect(failed).toEqual([
      {
        kind: 'UNRECORDED_TRANSFER',
        invoiceId: 'in_2',
        revenueShareId: 'rs_2',
        stripeTransferId: 'tr_part1',
        detail:
          'transfer of 500 usd to acct_shahdol names this row (part 1), but the ledger records no transfer for it (TRANSFER_FAILED)',
      },
    ]);
    expect(duplicate.map((m) => [m.kind, m.stripeTransferId])).toEqual([['DUPLICATE_TRANSFER', 'tr_part0_again']]);
  });
});

describe('net paid of a clawed-back row', () => {
  const reversal = (amountCents: number) => ({
    kind: 'REVERSAL' as const,
    amountCents,
    partIndex: 0,
    at: '2026-12-01T02:00:00.000Z',
    transferId: 'tr_rs_1',
    stripeId: `trr_${amountCents}`,
  });
  const repayment = (amountCents: number) => ({
    kind: 'REPAYMENT' as const,
    amountCents,
    partIndex: 0,
    at: '2026-12-01T03:00:00.000Z',
    stripeId: 'tr_repaid',
  });

  it('accepts reversals and re-payments the ledger records, and reports a net that differs as NET_PAID_MISMATCH', () => {
    // Prepare: 600 reversed, then 600 re-paid with a new transfer naming the row
    const agreeing = cleanDay();
    agreeing.ledgerRows[0] = row('rs_1', 'in_1', { moneyHistory: [reversal(600), repayment(600)] });
    agreeing.transfers = [
      transfer('rs_1', { amount_reversed: 600 }),
      transfer('rs_1', { id: 'tr_repaid', amount: 600, created: DURING_DAY + 60 }),
    ];
    const differing = structuredClone(agreeing);
    differing.transfers[0] = transfer('rs_1', { amount_reversed: 900 }); // 300 more reversed at Stripe

    // Act
    const clean = threeWayMatch(agreeing);
    const found = threeWayMatch(differing);

    // Assess
    expect(clean).toEqual([]);
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'NET_PAID_MISMATCH',
        revenueShareId: 'rs_1',
        detail: expect.stringContaining('net paid at Stripe 1200 usd'),
      }),
    ]);
    expect(found[0]?.detail).toContain('ledger net 1500');
  });

  it("checks the net of a row the day's money events name, whatever its invoice's day, once", () => {
    // Prepare: rs_old (an earlier day's invoice) records 600 reversed, Stripe reversed nothing; in the last day,
    // the day's own rs_1 records 600 reversed that Stripe did not make either
    const old = row('rs_old', 'in_old', { moneyHistory: [{ ...reversal(600), transferId: 'tr_rs_old' }] });
    const day = () => {
      const input = cleanDay();
      input.ledgerRows.push(old);
      input.transfers.push(transfer('rs_old', { created: DAY.gte - 5 * 86_400 }));
      return input;
    };
    const bothDiffer = day();
    const today = row('rs_1', 'in_1', { moneyHistory: [reversal(600)] });
    bothDiffer.ledgerRows[0] = today;

    // Act
    const unnamed = threeWayMatch(day());
    const named = threeWayMatch({ ...day(), netChecked: [old] });
    const namedTwice = threeWayMatch({ ...bothDiffer, netChecked: [old, today, old] });

    // Assess
    expect(unnamed).toEqual([]);
    expect(named.map((m) => [m.kind, m.revenueShareId])).toEqual([['NET_PAID_MISMATCH', 'rs_old']]);
    expect(namedTwice.map((m) => [m.kind, m.revenueShareId])).toEqual([
      ['NET_PAID_MISMATCH', 'rs_1'],
      ['NET_PAID_MISMATCH', 'rs_old'],
    ]);
  });

  it('leaves the net unchecked when a recorded transfer is not in the listing', () => {
    // Prepare
    const input = cleanDay();
    input.ledgerRows[0] = row('rs_1', 'in_1', { moneyHistory: [reversal(600), repayment(600)] });
    input.transfers = [transfer('rs_1', { amount_reversed: 600 })];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches.map((m) => m.kind)).not.toContain('NET_PAID_MISMATCH');
  });

  it("reports a recorded transfer Stripe does not have as MISSING_TRANSFER: a re-payment's, and a row's checked for its net only", () => {
    // Prepare: the day's rs_1 records a re-payment Stripe does not have; rs_old (named by the day's money events
    // only) records a transfer Stripe does not have; rs_unread's transfer was left unread past the bound
    const old = row('rs_old', 'in_old', { moneyHistory: [{ ...reversal(600), transferId: 'tr_rs_old' }] });
    const unread = row('rs_unread', 'in_unread', { moneyHistory: [{ ...reversal(600), transferId: 'tr_rs_unread' }] });
    const input = cleanDay();
    input.ledgerRows[0] = row('rs_1', 'in_1', { moneyHistory: [reversal(600), repayment(600)] });
    input.ledgerRows.push(old, unread);
    input.transfers = [transfer('rs_1', { amount_reversed: 600 })];

    // Act
    const mismatches = threeWayMatch({ ...input, netChecked: [old, unread], unread: new Set(['tr_rs_unread']) });

    // Assess: before, nothing (the net was left unchecked, and no other check reads these ids)
    expect(mismatches).toEqual([
      {
        kind: 'MISSING_TRANSFER',
        invoiceId: 'in_1',
        revenueShareId: 'rs_1',
        stripeTransferId: 'tr_repaid',
        detail:
          'ledger records re-payment tr_repaid (PAID), Stripe has no such transfer; the net paid is left unchecked',
      },
      {
        kind: 'MISSING_TRANSFER',
        invoiceId: 'in_old',
        revenueShareId: 'rs_old',
        stripeTransferId: 'tr_rs_old',
        detail: 'ledger records transfer tr_rs_old (PAID), Stripe has no such transfer; the net paid is left unchecked',
      },
    ]);
  });

  it("reports a clawed-back row's own missing transfer once when the day checks it in full", () => {
    // Prepare
    const input = cleanDay();
    input.ledgerRows[0] = row('rs_1', 'in_1', { moneyHistory: [reversal(600)] });
    input.transfers = [];

    // Act
    const mismatches = threeWayMatch({ ...input, netChecked: [input.ledgerRows[0] as LedgerRow] });

    // Assess
    expect(mismatches.map((m) => [m.kind, m.stripeTransferId])).toEqual([['MISSING_TRANSFER', 'tr_rs_1']]);
  });
});

describe('threeWayMatch on rows whose transfer was made smaller before it was made', () => {
  const held = (amountCents: number, index = 0, plannedCents = 1_500) => ({
    index,
    amountCents,
    plannedCents,
    sourceChargeId: `ch_${index}`,
  });

  it('expects no transfer of a one-part row refunded away before its transfer', () => {
    // Prepare: the charge was refunded in full before the transfer: the part is held back to 0, the row REVERSED
    const input = cleanDay();
    input.ledgerRows[0] = row('rs_1', 'in_1', {
      payoutStatus: 'REVERSED',
      stripeTransferId: undefined,
      transferParts: [held(0)],
    });
    input.transfers = [];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess: before, MISSING_TRANSFER ("share 1500 usd (REVERSED) has no transfer at Stripe"), a false page
    expect(mismatches).toEqual([]);
  });

  it('compares a one-part row with the smaller transfer it made, not with its share', () => {
    // Prepare: 40% of the charge refunded before the transfer: 900 of the 1500 share was sent
    const input = cleanDay();
    input.ledgerRows[0] = row('rs_1', 'in_1', { transferParts: [{ ...held(900), stripeTransferId: 'tr_rs_1' }] });
    input.transfers = [transfer('rs_1', { amount: 900 })];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess: before, AMOUNT_DIFFERS ("transfer amount 900, ledger shareCents 1500")
    expect(mismatches).toEqual([]);
  });

  it('still reports a one-part transfer that differs from the part it was made for', () => {
    // Prepare
    const input = cleanDay();
    input.ledgerRows[0] = row('rs_1', 'in_1', { transferParts: [{ ...held(900), stripeTransferId: 'tr_rs_1' }] });
    input.transfers = [transfer('rs_1', { amount: 1_500 })];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches.map((m) => [m.kind, m.detail])).toEqual([
      ['AMOUNT_DIFFERS', 'transfer amount 1500, ledger part 900 of shareCents 1500'],
    ]);
  });

  it('expects no transfer for the part of a split row held back to 0', () => {
    // Prepare: two charges; the second refunded in full before the transfers; the first part paid
    const input = cleanDay();
    input.ledgerRows[0] = row('rs_1', 'in_1', {
      payoutStatus: 'PARTIALLY_REVERSED',
      shareCents: 1_500,
      transferParts: [
        { index: 0, amountCents: 900, sourceChargeId: 'ch_0', stripeTransferId: 'tr_rs_1' },
        held(0, 1, 600),
      ],
    });
    input.transfers = [transfer('rs_1', { amount: 900, metadata: { revenueShareId: 'rs_1', transferPart: '0' } })];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess: before, MISSING_TRANSFER for part 1 ("part 1 (0 usd) ... has no transfer")
    expect(mismatches).toEqual([]);
  });

  it("accepts a split row's unrecorded transfer made for its part's plan before a refund, as a one-part row's", () => {
    // Prepare: PENDING; part 0 recorded; part 1's transfer of its planned 600 was made, then a refund held the part
    // back to 200 before the worker recorded it (it records what it sent, then claws the rest back)
    const split = (sent: number) => {
      const input = cleanDay();
      input.ledgerRows[0] = row('rs_1', 'in_1', {
        payoutStatus: 'PENDING',
        transferParts: [
          { index: 0, amountCents: 900, sourceChargeId: 'ch_0', stripeTransferId: 'tr_rs_1' },
          held(200, 1, 600),
        ],
      });
      input.transfers = [
        transfer('rs_1', { amount: 900, metadata: { revenueShareId: 'rs_1', transferPart: '0' } }),
        transfer('rs_1', {
          id: 'tr_part1',
          amount: sent,
          created: DURING_DAY + 60,
          metadata: { revenueShareId: 'rs_1', transferPart: '1' },
        }),
      ];
      return input;
    };

    // Act
    const forPlan = threeWayMatch(split(600));
    const forPart = threeWayMatch(split(200));
    const neither = threeWayMatch(split(400));

    // Assess: before, AMOUNT_DIFFERS for the 600 ("transfer amount 600, ledger part 200 of shareCents 1500")
    expect(forPlan).toEqual([]);
    expect(forPart).toEqual([]);
    expect(neither.map((m) => [m.kind, m.detail])).toEqual([
      ['AMOUNT_DIFFERS', 'transfer amount 400, ledger part 200 of shareCents 1500'],
    ]);
  });
});

describe("threeWayMatch on a row's plan against its share", () => {
  const part = (index: number, amountCents: number, extra: Record<string, unknown> = {}) => ({
    index,
    amountCents,
    sourceChargeId: `ch_${index}`,
    stripeTransferId: `tr_rs_1_${index}`,
    ...extra,
  });
  const partTransfer = (index: number, amount: number) =>
    transfer('rs_1', {
      id: `tr_rs_1_${index}`,
      amount,
      created: DURING_DAY + index,
      metadata: { revenueShareId: 'rs_1', transferPart: String(index) },
    });

  it('reports parts whose planned amounts do not add up to the share as AMOUNT_DIFFERS', () => {
    // Prepare: a one-part row whose part and transfer agree (900), but its share is 1500 and nothing held back
    const input = cleanDay();
    input.ledgerRows[0] = row('rs_1', 'in_1', { stripeTransferId: 'tr_rs_1_0', transferParts: [part(0, 900)] });
    input.transfers = [partTransfer(0, 900)];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess: before, nothing (the transfer is compared with its part only)
    expect(mismatches).toEqual([
      {
        kind: 'AMOUNT_DIFFERS',
        invoiceId: 'in_1',
        revenueShareId: 'rs_1',
        detail: 'transfer parts plan 900 usd, ledger shareCents 1500',
      },
    ]);
  });

  it('reports a part that sends more than it planned as AMOUNT_DIFFERS', () => {
    // Prepare: the parts' plan adds up (1000 + 500), but part 1 sends 700 of its planned 500
    const input = cleanDay();
    input.ledgerRows[0] = row('rs_1', 'in_1', {
      stripeTransferId: 'tr_rs_1_0',
      transferParts: [part(0, 1_000), part(1, 700, { plannedCents: 500 })],
    });
    input.transfers = [partTransfer(0, 1_000), partTransfer(1, 700)];

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches.map((m) => [m.kind, m.detail])).toEqual([
      ['AMOUNT_DIFFERS', 'part 1 sends 700 usd, more than its planned 500'],
    ]);
  });

  it('finds nothing on healthy plans: held back, netted, paid from the platform balance, none (legacy, NO_PAYOUT)', () => {
    // Prepare: cleanDay's rs_1 (no parts, a legacy row) and rs_zero (NO_PAYOUT); a split row whose second part a
    // refund held back to 200 of its 600; a one-part row netted to 400 of its 1500 (a debt settled); an approved row
    // whose out-of-band part is paid from the platform balance; a one-part row refunded away before its transfer
    const input = cleanDay();
    const rows: LedgerRow[] = [
      row('rs_held', 'in_held', {
        stripeTransferId: 'tr_held_0',
        transferParts: [
          { index: 0, amountCents: 900, sourceChargeId: 'ch_a', stripeTransferId: 'tr_held_0' },
          { index: 1, amountCents: 200, plannedCents: 600, sourceChargeId: 'ch_b', stripeTransferId: 'tr_held_1' },
        ],
      }),
      row('rs_netted', 'in_netted', {
        transferParts: [
          { index: 0, amountCents: 400, plannedCents: 1_500, sourceChargeId: 'ch_n', stripeTransferId: 'tr_rs_netted' },
        ],
      }),
      row('rs_approved', 'in_approved', {
        stripeTransferId: 'tr_approved_0',
        transferParts: [
          { index: 0, amountCents: 1_000, sourceChargeId: 'ch_c', stripeTransferId: 'tr_approved_0' },
          { index: 1, amountCents: 500, stripeTransferId: 'tr_approved_1' },
        ],
      }),
      row('rs_away', 'in_away', {
        payoutStatus: 'REVERSED',
        stripeTransferId: undefined,
        transferParts: [{ index: 0, amountCents: 0, plannedCents: 1_500, sourceChargeId: 'ch_d' }],
      }),
    ];
    input.invoices.push(...rows.map((r) => invoice(r.invoiceId)));
    input.ledgerRows.push(...rows);
    const made = (rowId: string, id: string, amount: number, partIndex: number) =>
      transfer(rowId, { id, amount, metadata: { revenueShareId: rowId, transferPart: String(partIndex) } });
    input.transfers.push(
      made('rs_held', 'tr_held_0', 900, 0),
      made('rs_held', 'tr_held_1', 200, 1),
      made('rs_netted', 'tr_rs_netted', 400, 0),
      made('rs_approved', 'tr_approved_0', 1_000, 0),
      made('rs_approved', 'tr_approved_1', 500, 1),
    );

    // Act
    const mismatches = threeWayMatch(input);

    // Assess
    expect(mismatches).toEqual([]);
  });
});

describe('reconcile day', () => {
  it('is a whole UTC day in unix seconds', () => {
    expect(parseReconcileDay('2026-12-01')).toEqual({ date: '2026-12-01', ...DAY });
  });

  it('refuses text that is not a calendar date', () => {
    expect([parseReconcileDay('2026-02-30'), parseReconcileDay('2026-1-1'), parseReconcileDay('yesterday')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('defaults to yesterday in UTC, across a month end', () => {
    expect(yesterdayUtc(new Date('2026-12-02T00:30:00+02:00'))).toEqual({
      date: '2026-11-30',
      gte: DAY.gte - 86_400,
      lt: DAY.gte,
    });
  });
});
