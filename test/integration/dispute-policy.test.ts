/**
 * The dispute policy is set per district through the platform API and decides what a dispute does to its share:
 * REVERSE_ON_LOSS leaves the share with the district while the dispute is open and reverses it only when lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevenueShare } from '../../domain/model.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { StripeEventLike } from '../../local/stripe-emulator/index.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';

describe('dispute policy per district', () => {
  let harness: PayoutHarness;

  beforeAll(async () => {
    harness = await PayoutHarness.start('dispute-policy');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  async function deliver(event: StripeEventLike): Promise<void> {
    await harness.deliverToRevenueShare(event);
  }

  it.each([
    ['won', 'PAID', 0],
    ['lost', 'REVERSED', 1_500],
  ] as const)(
    'REVERSE_ON_LOSS keeps the share while the dispute is open; %s -> %s',
    async (outcome, status, reversed) => {
      // Prepare: a district put through the API with REVERSE_ON_LOSS, paid by the dispute test card
      const template = await harness.addDistrict({ shareBps: 1_500 });
      const api = harness.platformApiHandler();
      const put = await api(
        platformRequest('PUT', '/platform/districts/{districtId}', {
          params: { districtId: template.districtId },
          body: {
            stripeAccountId: template.stripeAccountId,
            shareBps: 1_500,
            currency: 'usd',
            autoTransfer: true,
            stripeCustomerIds: [],
            disputePolicy: 'REVERSE_ON_LOSS',
          },
        }),
        lambdaContext('platform-api', 20),
      );
      expect(JSON.parse(String(put.body))).toMatchObject({ disputePolicy: 'REVERSE_ON_LOSS' });
      expect((await harness.districts.get(template.districtId))?.disputePolicy).toBe('REVERSE_ON_LOSS');
      const seen = harness.emulator.events().length;
      const message = await harness.invoicePaid(
        { amount_paid: 10_000, currency: 'usd', metadata: { districtId: template.districtId } },
        [{ paymentMethod: 'pm_card_createDispute' }],
      );
      await harness
        .queue('revenueShare')
        .send(message, { groupId: message.stripeEventId, deduplicationId: message.stripeEventId });
      await harness.runQueue('revenueShare', harness.revenueShareHandler());
      await harness.runQueue('transfer', harness.transferHandler());
      await harness.runQueue('markPaid', harness.markPaidHandler());
      const id = deriveRevenueShareId(message.invoiceId);
      const row = (await harness.ledger.get(id)) as RevenueShare;
      expect(row.payoutStatus).toBe('PAID');
      const disputes = await harness.stripe.disputes.list({ charge: row.sourceCharges?.[0]?.chargeId ?? '' });
      const dispute = disputes.data[0]?.id ?? '';
      harness.emulator.setAccountBalance(template.stripeAccountId, 1_500);

      // Act 1: the dispute opens
      for (const event of harness.emulator.events().slice(seen)) {
        if (event.type === 'charge.dispute.created') await deliver(event);
      }
      await harness.runQueue('revenueShare', harness.revenueShareHandler());

      // Assess 1: nothing reversed yet
      const open = await harness.ledger.get(id);
      expect(open?.payoutStatus).toBe('PAID');
      expect(open?.reversedCents ?? 0).toBe(0);
      expect(harness.emulator.transfers().find((t) => t.id === row.stripeTransferId)?.amount_reversed).toBe(0);

      // Act 2: the dispute closes
      const before = harness.emulator.events().length;
      harness.emulator.closeDispute(dispute, outcome);
      for (const event of harness.emulator.events().slice(before)) {
        if (event.type.startsWith('charge.dispute.')) await deliver(event);
      }
      await harness.runQueue('revenueShare', harness.revenueShareHandler());

      // Assess 2: reversed only when lost; a won dispute never moved money
      const now = await harness.ledger.get(id);
      expect(now).toMatchObject({ payoutStatus: status });
      expect(now?.reversedCents ?? 0).toBe(reversed);
      expect(harness.emulator.transfers().find((t) => t.id === row.stripeTransferId)?.amount_reversed).toBe(reversed);
      if (outcome === 'won') expect(now?.moneyHistory ?? []).toEqual([]);
    },
  );
});
