/**
 * A dispute Stripe prevents (status `prevented`: stopped before it became a chargeback) takes no money, under every
 * dispute policy. Resolved by a refund (Visa RDR), only that refund is gone from the charge; blocked, nothing is. A
 * share reversed while the dispute was open under REVERSE_ON_DISPUTE is paid again unless the refund explains it.
 * End to end through the money-event worker, the ledger and the Stripe emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MONEY_EVENT_TYPES } from '#contracts/stripe-events.js';
import type { District, RevenueShare } from '../../domain/model.js';
import type { PreventionCaseType } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('a dispute Stripe prevents', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('dispute-prevented');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500, disputePolicy: 'REVERSE_ON_DISPUTE' });
    await harness.drainAll();
  });

  const chargeOf = (row: RevenueShare): string => row.sourceCharges?.[0]?.chargeId ?? '';

  /** Runs `act` at the emulator, then delivers the money events it raised (twice: a redelivery) and works them. */
  async function moneyEventsOf(act: () => unknown): Promise<void> {
    const seen = harness.emulator.events().length;
    act();
    const raised = harness.emulator
      .events()
      .slice(seen)
      .filter((e) => (MONEY_EVENT_TYPES as readonly string[]).includes(e.type));
    for (const event of raised) await harness.deliverToRevenueShare(event);
    for (const event of raised) await harness.deliverToRevenueShare(event, 1);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    for (const event of raised) expect((await harness.auditLog.get(event.id))?.status).toBe('PROCESSED');
  }

  /** What the district holds of its transfers at the emulator: each amount less what was reversed of it. */
  const netTransferred = (): number =>
    harness
      .transfersTo(district.stripeAccountId)
      .reduce((total, t) => total + Number(t.amount) - Number(t.amount_reversed), 0);

  /** 100.00 paid (a share of 15.00, PAID), then 40.00 of it disputed: the share of the disputed part reversed. */
  async function partlyDisputed(): Promise<{ row: RevenueShare; disputeId: string }> {
    const row = await harness.paidRow(district, 10_000);
    expect(row.payoutStatus).toBe('PAID');
    harness.emulator.setAccountBalance(district.stripeAccountId, 1_500);
    let disputeId = '';
    await moneyEventsOf(() => {
      disputeId = harness.emulator.openDispute(chargeOf(row), { amount: 4_000 }).id;
    });
    // kept floor(6000 × 15%) = 900, so 600 reversed
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({
      payoutStatus: 'PARTIALLY_REVERSED',
      reversedCents: 600,
      netPaidCents: 900,
    });
    expect(netTransferred()).toBe(900);
    return { row, disputeId };
  }

  const prevent = (disputeId: string, caseType: PreventionCaseType) =>
    moneyEventsOf(() => harness.emulator.preventDispute(disputeId, caseType));

  it('resolved with a refund of the disputed amount (RDR): the district keeps its share of the rest, once', async () => {
    // Prepare
    const { row, disputeId } = await partlyDisputed();

    // Act
    await prevent(disputeId, 'resolution');

    // Assess: 40.00 refunded and the dispute counts 0, so still kept floor(6000 × 15%) = 900; nothing more moved
    const charge = await harness.stripe.charges.retrieve(chargeOf(row));
    expect(charge.amount_refunded).toBe(4_000);
    expect((await harness.stripe.disputes.retrieve(disputeId)).status).toBe('prevented');
    expect(netTransferred()).toBe(900);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PARTIALLY_REVERSED', reversedCents: 600, netPaidCents: 900 });
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents])).toEqual([['REVERSAL', 600]]);
  });

  it('blocked, with nothing refunded: the share reversed while it was open is paid again in full', async () => {
    // Prepare
    const { row, disputeId } = await partlyDisputed();

    // Act
    await prevent(disputeId, 'block');

    // Assess: nothing went back, so the district holds its whole share again
    expect((await harness.stripe.charges.retrieve(chargeOf(row))).amount_refunded).toBe(0);
    expect(netTransferred()).toBe(1_500);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 1_500 });
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents, m.disputeId])).toEqual([
      ['REVERSAL', 600, disputeId],
      ['REPAYMENT', 600, disputeId],
    ]);
  });

  it('reported already prevented when created: no DISPUTE_OPENED warning, and nothing taken back', async () => {
    // Prepare: a dispute Stripe stopped before it became a chargeback, whose creation arrives after the fact
    const row = await harness.paidRow(district, 10_000);
    const disputeId = harness.emulator.openDispute(chargeOf(row), { amount: 4_000 }).id;
    harness.emulator.preventDispute(disputeId, 'block');
    const dispute = await harness.stripe.disputes.retrieve(disputeId);
    const created = harness.emulator.createEvent('charge.dispute.created', { ...dispute } as Record<string, unknown>);
    await harness.alerts();

    // Act
    await harness.deliverToRevenueShare(created);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());

    // Assess
    expect((await harness.auditLog.get(created.id))?.status).toBe('PROCESSED');
    expect((await harness.alerts()).map((alert) => alert.kind)).not.toContain('DISPUTE_OPENED');
    expect(netTransferred()).toBe(1_500);
    expect(await harness.ledger.get(row.revenueShareId)).toMatchObject({ payoutStatus: 'PAID', netPaidCents: 1_500 });
  });

  it('made prevented with only a charge.dispute.updated to say so: the share is paid again all the same', async () => {
    // Prepare: the prevention happens at Stripe, but of its events only an update of the dispute arrives
    const { row, disputeId } = await partlyDisputed();
    harness.emulator.preventDispute(disputeId, 'block');
    const dispute = await harness.stripe.disputes.retrieve(disputeId);
    expect(dispute.status).toBe('prevented');
    const updated = harness.emulator.createEvent('charge.dispute.updated', { ...dispute } as Record<string, unknown>);

    // Act
    await harness.deliverToRevenueShare(updated);
    await harness.deliverToRevenueShare(updated, 1);
    await harness.runQueue('revenueShare', harness.revenueShareHandler());

    // Assess
    expect((await harness.auditLog.get(updated.id))?.status).toBe('PROCESSED');
    expect(netTransferred()).toBe(1_500);
    const now = await harness.ledger.get(row.revenueShareId);
    expect(now).toMatchObject({ payoutStatus: 'PAID', reversedCents: 0, netPaidCents: 1_500 });
    expect(now?.moneyHistory?.map((m) => [m.kind, m.amountCents, m.disputeStep])).toEqual([
      ['REVERSAL', 600, 'created'],
      ['REPAYMENT', 600, 'prevented'],
    ]);
  });
});
