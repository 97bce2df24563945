/**
 * Money rule 9 end to end on the real local services and the Stripe emulator: refunds and disputes claw the
 * district's share back from its transfer, cumulatively and exactly once; a refund before the transfer makes it
 * smaller; a failed refund or a won dispute pays it again; a reversal Stripe refuses is owed by the district.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';

describe('money that comes back', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('clawback');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500 });
    await harness.drainAll();
  });

  const deliver = (event: StripeEventLike, delivery = 0) => harness.deliverToRevenueShare(event, delivery);

  /** The emulator's events of `type` about `objectOf` since `after` (events already seen). */
  const eventsSince = (after: number, type: string) =>
    harness.emulator
      .events()
      .slice(after)
      .filter((e) => e.type === type);

  const paidRow = (amountCents: number, paymentMethod = 'pm_card_bypassPending'): Promise<RevenueShare> =>
    harness.paidRow(district, amountCents, [{ paymentMethod }]);

  const chargeOf = (row: RevenueShare): string => row.sourceCharges?.[0]?.chargeId ?? '';

  async function refund(row: RevenueShare, amount?: number): Promise<StripeEventLike> {
    const seen = harness.emulator.events().length;
    await harness.stripe.refunds.create({ charge: chargeOf(row), ...(amount ? { amount } : {}) });
    const [event] = eventsSince(seen, 'charge.refunded');
    if (!event) throw new Error('no charge.refunded');
    return event;
  }

  const runMoneyEvents = () => harness.runQueue('revenueShare', harness.revenueShareHandler());
  const reversalsOf = (transferId: string) =>
    harness.emulator.transfers().find((t) => t.id === transferId)?.amount_reversed;

  it('reverses exactly the rule over partial refunds, the rest, duplicates, reordering and replays', async () => {
    // Prepare: 100.00 paid, a share of 15.00, PAID
    const row = await paidRow(10_000);
    expect(row.payoutStatus).toBe('PAID');
    const transferId = row.stripeTransferId ?? '';

    // Act: 33.33 refunded
    const first = await refund(row, 3_333);
    await deliver(first);
    await runMoneyEvents();

    // Assess: kept floor(6667 × 15%) = 1000, so 500 reversed
    let now = await harness.ledger.get(row.revenueShareId);
    expect(reversalsOf(transferId)).toBe(500);
    expect(now).toMatchObject({
      payoutStatus: 'PARTIALLY_REVERSED',
      reversedCents: 500,
      netPaidCents: 1_000,
      owedCents: 0,
    });
    expect(now?.moneyHistory).toEqual([
      expect.objectContaining({
        kind: 'REVERSAL',
        amountCents: 500,
        transferId,
        causeEventId: first.id,
        chargeId: chargeOf(row),
      }),
    ]);

    // Act: a second partial refund (20.00), then the first event again (a duplicate) and replayed from re-sync
    const second = await refund(row, 2_000);
    await deliver(second);
    await deliver(first, 1);
    await runMoneyEvents();
    now = await harness.ledger.get(row.revenueShareId);
    // kept floor(4667 × 15%) = 700 -> 800 reversed in all
    expect(reversalsOf(transferId)).toBe(800);
    expect(now).toMatchObject({ reversedCents: 800, netPaidCents: 700 });

    // Act: the rest refunded; its event delivered twice and the second one's out of order after it
    const rest = await refund(row);
    await deliver(rest);
    await deliver(second, 1);
    await runMoneyEvents();

    // Assess: everything reversed, once
    now = await harness.ledger.get(row.revenueShareId);
    expect(reversalsOf(transferId)).toBe(1_500);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, netPaidCents: 0 });
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([
      ['REVERSAL', 500],
      ['REVERSAL', 300],
      ['REVERSAL', 700],
    ]);
    const audit = await harness.auditLog.get(rest.id);
    expect(audit?.status).toBe('PROCESSED');

    // Act: Stripe's transfer.reversed events of these reversals arrive too
    await harness.alerts();
    for (const event of harness.emulator.events().filter((e) => e.type === 'transfer.reversed')) await deliver(event);
    await runMoneyEvents();

    // Assess: they are the clawback's own: nothing changes, no alert
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({ reversedCents: 1_500, version: now?.version });
    expect(await harness.alerts()).toEqual([]);
  });

  it('records a partial reversal made outside the stack for its amount, not as a whole-row REVERSED', async () => {
    // Prepare
    const row = await paidRow(10_000);
    const seen = harness.emulator.events().length;
    await harness.stripe.transfers.createReversal(row.stripeTransferId ?? '', { amount: 400 });

    // Act
    for (const event of eventsSince(seen, 'transfer.reversed')) await deliver(event);
    await runMoneyEvents();

    // Assess
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 400, netPaidCents: 1_100 });
    expect((await harness.alerts()).map((a) => a.kind)).toContain('TRANSFER_REVERSED');
  });

  /** Reverses a transfer at the emulator as the dashboard does (no metadata of ours) and delivers transfer.reversed. */
  async function reverseOutside(transferId: string, amount?: number): Promise<void> {
    const seen = harness.emulator.events().length;
    await harness.stripe.transfers.createReversal(transferId, amount === undefined ? {} : { amount });
    const events = eventsSince(seen, 'transfer.reversed');
    expect(events).toHaveLength(1);
    for (const event of events) await deliver(event);
    await runMoneyEvents();
  }

  it('records a full reversal made outside the stack, so a refund after it reverses nothing more and owes nothing', async () => {
    // Prepare: PAID, then all of its transfer reversed from the dashboard
    const row = await paidRow(10_000);
    const transferId = row.stripeTransferId ?? '';
    await harness.alerts();
    await reverseOutside(transferId);
    let now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, netPaidCents: 0, owedCents: 0 });
    expect(now?.moneyHistory).toEqual([
      expect.objectContaining({ kind: 'REVERSAL', amountCents: 1_500, transferId, partIndex: 0 }),
    ]);
    expect((await harness.alerts()).map((a) => a.kind)).toEqual(['TRANSFER_REVERSED']);

    // Act: the charge is refunded in full
    await deliver(await harness.refundCharge(chargeOf(row)));
    await runMoneyEvents();

    // Assess: the share was taken back once, at Stripe and in the ledger; the district owes nothing
    now = await harness.ledger.get(row.revenueShareId);
    expect(reversalsOf(transferId)).toBe(1_500);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, netPaidCents: 0, owedCents: 0 });
    expect(now?.moneyHistory?.map((m) => m.kind)).toEqual(['REVERSAL']);
    expect((await harness.alerts()).map((a) => a.kind)).not.toContain('REVERSAL_REFUSED');
  });

  it('records the rest of a transfer reversed outside the stack after the clawback reversed part of it', async () => {
    // Prepare: a third refunded (the clawback reverses 500), then the dashboard reverses the remaining 1000
    const row = await paidRow(10_000);
    const transferId = row.stripeTransferId ?? '';
    await deliver(await harness.refundCharge(chargeOf(row), 3_333));
    await runMoneyEvents();
    expect(reversalsOf(transferId)).toBe(500);
    await reverseOutside(transferId);
    await harness.alerts();

    // Act: the rest refunded
    await deliver(await harness.refundCharge(chargeOf(row)));
    await runMoneyEvents();

    // Assess
    const now = await harness.ledger.get(row.revenueShareId);
    expect(reversalsOf(transferId)).toBe(1_500);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, netPaidCents: 0, owedCents: 0 });
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([
      ['REVERSAL', 500],
      ['REVERSAL', 1_000],
    ]);
    expect((await harness.alerts()).map((a) => a.kind)).not.toContain('REVERSAL_REFUSED');
  });

  it('records a full reversal of one part of a split row on that part, not as a whole-row REVERSED', async () => {
    // Prepare: 100.00 paid by two charges, a share of 15.00 in two parts (900 and 600), PAID
    const written = await harness.writtenRow(district, 10_000, [
      { paymentMethod: 'pm_card_bypassPending', amount: 6_000 },
      { paymentMethod: 'pm_card_bypassPending', amount: 4_000 },
    ]);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    const row = await harness.ledger.get(written.revenueShareId);
    expect(row?.payoutStatus).toBe('PAID');
    const second = row?.transferParts?.find((p) => p.amountCents === 600);
    expect(second?.stripeTransferId).toMatch(/^tr_/);

    // Act: the dashboard reverses all of the second part's transfer
    await reverseOutside(second?.stripeTransferId ?? '');

    // Assess
    const now = await harness.ledger.get(written.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(now?.moneyHistory).toEqual([
      expect.objectContaining({ kind: 'REVERSAL', amountCents: 600, partIndex: second?.index }),
    ]);
  });

  it('settles what the district owes with a reversal made outside the stack after Stripe refused one', async () => {
    // Prepare: refunded while the district's balance was empty: it owes the share
    const row = await paidRow(10_000);
    harness.emulator.setAccountBalance(district.stripeAccountId, 0);
    await deliver(await harness.refundCharge(chargeOf(row)));
    await runMoneyEvents();
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({ owedCents: 1_500 });

    // Act: the district's balance is back and someone reverses the transfer from the dashboard
    harness.emulator.setAccountBalance(district.stripeAccountId, 1_500);
    await reverseOutside(row.stripeTransferId ?? '');

    // Assess: taken back once: nothing owed is left to net from the next payout
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, netPaidCents: 0, owedCents: 0 });
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([
      ['OWED', 1_500],
      ['REVERSAL', 1_500],
      ['OWED_FORGIVEN', 1_500],
    ]);
  });

  it('settles what the district owes for a partial refund with a reversal outside the stack of exactly that debt', async () => {
    // Prepare: 40.00 of 100.00 refunded while the district's balance was empty: it owes 600 of the share
    const row = await paidRow(10_000);
    harness.emulator.setAccountBalance(district.stripeAccountId, 0);
    await deliver(await harness.refundCharge(chargeOf(row), 4_000));
    await runMoneyEvents();
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({ reversedCents: 600, owedCents: 600 });

    // Act: finance collects the debt: 600 reversed from the dashboard
    harness.emulator.setAccountBalance(district.stripeAccountId, 1_500);
    await reverseOutside(row.stripeTransferId ?? '', 600);

    // Assess: 600 taken back once; nothing owed is left to net from the next payout
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({
      payoutStatus: 'PARTIALLY_REVERSED',
      reversedCents: 600,
      netPaidCents: 900,
      owedCents: 0,
    });
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([
      ['OWED', 600],
      ['REVERSAL', 600],
      ['OWED_FORGIVEN', 600],
    ]);
  });

  it('records a re-payment reversed outside the stack on its part, not as a whole-row REVERSED', async () => {
    // Prepare: 40.00 refunded (600 reversed), the refund failed (600 paid again with a new transfer)
    const row = await paidRow(10_000);
    const seen = harness.emulator.events().length;
    const created = await harness.stripe.refunds.create({ charge: chargeOf(row), amount: 4_000 });
    await deliver(eventsSince(seen, 'charge.refunded')[0] as StripeEventLike);
    await runMoneyEvents();
    const before = harness.emulator.events().length;
    harness.emulator.failRefund(created.id);
    for (const event of eventsSince(before, 'refund.failed')) await deliver(event);
    await runMoneyEvents();
    const repaid = await harness.ledger.get(row.revenueShareId);
    const repayment = repaid?.moneyHistory?.find((m) => m.kind === 'REPAYMENT');
    expect(repaid).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0 });

    // Act: the dashboard reverses the re-payment
    await reverseOutside(repayment?.stripeId ?? '');

    // Assess: 600 of the share taken back again, on the part the re-payment gave back to
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(now?.moneyHistory?.at(-1)).toMatchObject({
      kind: 'REVERSAL',
      amountCents: 600,
      transferId: repayment?.stripeId,
      partIndex: 0,
    });
  });

  it('makes the transfer smaller when the refund comes before it', async () => {
    // Prepare: the row is written and its transfer queued, not yet made
    const row = await harness.writtenRow(district, 10_000);

    // Act: half refunded, then the transfer and its verification run
    await deliver(await refund(row, 5_000));
    await runMoneyEvents();
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: one transfer of 750 (the share of the 50.00 kept), no reversal; the 750 held back is taken back
    const transfers = harness.transfersTo(district.stripeAccountId);
    expect(transfers.map((t) => [t.amount, t.amount_reversed])).toEqual([[750, 0]]);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 750, netPaidCents: 750 });
    expect(now?.transferParts?.[0]).toMatchObject({ amountCents: 750, plannedCents: 1_500 });
  });

  it('gives the share back when a refund fails after the fact', async () => {
    // Prepare
    const row = await paidRow(10_000);
    const seen = harness.emulator.events().length;
    const created = await harness.stripe.refunds.create({ charge: chargeOf(row), amount: 4_000 });
    await deliver(eventsSince(seen, 'charge.refunded')[0] as StripeEventLike);
    await runMoneyEvents();
    expect(reversalsOf(row.stripeTransferId ?? '')).toBe(600);

    // Act: the refund fails
    const before = harness.emulator.events().length;
    harness.emulator.failRefund(created.id);
    for (const event of eventsSince(before, 'refund.failed')) await deliver(event);
    for (const event of eventsSince(before, 'refund.updated')) await deliver(event);
    await runMoneyEvents();

    // Assess: 600 paid again with a new transfer; the row is PAID with its whole share
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 1_500 });
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([
      ['REVERSAL', 600],
      ['REPAYMENT', 600],
    ]);
    const repayment = now?.moneyHistory?.[1];
    expect(harness.emulator.transfers().find((t) => t.id === repayment?.stripeId)).toMatchObject({
      amount: 600,
      destination: district.stripeAccountId,
    });
  });

  it.each([
    ['won', 'PAID', 0],
    ['lost', 'REVERSED', 1_500],
  ] as const)('reverses a disputed share when the dispute opens; %s -> %s', async (outcome, status, reversed) => {
    // Prepare: PAID, then its charge disputed (a dispute open before invoice.paid is processed is netted from the
    // row's plan instead: refund-before-invoice-paid.test.ts)
    const row = await paidRow(10_000);
    expect(row.payoutStatus).toBe('PAID');
    const seen = harness.emulator.events().length;
    const dispute = harness.emulator.openDispute(chargeOf(row)).id;
    await harness.alerts();
    harness.emulator.setAccountBalance(district.stripeAccountId, 1_500);
    for (const event of eventsSince(seen, 'charge.dispute.created')) await deliver(event);
    await runMoneyEvents();
    let now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500 });
    expect((await harness.alerts()).map((a) => a.kind)).toContain('DISPUTE_OPENED');

    // Act: the dispute closes
    const before = harness.emulator.events().length;
    harness.emulator.closeDispute(dispute, outcome);
    for (const event of harness.emulator.events().slice(before)) {
      if (event.type.startsWith('charge.dispute.')) await deliver(event);
    }
    await runMoneyEvents();

    // Assess
    now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: status, reversedCents: reversed });
    const steps = now?.moneyHistory?.map((m) => [m.kind, m.disputeId, m.disputeStep]);
    expect(steps?.[0]).toEqual(['REVERSAL', dispute, 'created']);
    if (outcome === 'won') expect(steps?.[1]?.[0]).toBe('REPAYMENT');
  });

  it('records a reversal Stripe refuses as owed by the district, with an alert', async () => {
    // Prepare: PAID, then the district paid its balance out
    const row = await paidRow(10_000);
    harness.emulator.setAccountBalance(district.stripeAccountId, 0);
    await harness.alerts();

    // Act
    await deliver(await refund(row));
    await runMoneyEvents();

    // Assess
    const now = await harness.ledger.get(row.revenueShareId);
    expect(reversalsOf(row.stripeTransferId ?? '')).toBe(0);
    expect(now).toMatchObject({ payoutStatus: 'REVERSED', reversedCents: 1_500, owedCents: 1_500, netPaidCents: 0 });
    // The platform API shows it
    const response = await harness.platformApiHandler()(
      platformRequest('GET', '/platform/revenue-shares/{revenueShareId}', {
        params: { revenueShareId: row.revenueShareId },
      }),
      lambdaContext('platform-api', 20),
    );
    expect(JSON.parse(String(response.body))).toMatchObject({
      reversedCents: 1_500,
      netPaidCents: 0,
      owedCents: 1_500,
      moneyHistory: [expect.objectContaining({ kind: 'OWED', amountCents: 1_500 })],
    });
    expect(now?.moneyHistory?.[0]).toMatchObject({
      kind: 'OWED',
      amountCents: 1_500,
      note: expect.stringContaining('balance_insufficient'),
    });
    expect((await harness.alerts()).map((a) => a.kind)).toContain('REVERSAL_REFUSED');
  });
});
