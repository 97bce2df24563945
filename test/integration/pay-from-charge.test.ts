/**
 * Money rules 7 and 8 on the real local services and the Stripe emulator: a transfer names the charge it is funded
 * by (source_transaction) and never exceeds it; money that did not come through a charge waits for a person; one
 * invoice pays at most one district.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue.js';
import type { District, ProcessEventMessage, RevenueShare } from '../../domain/model.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import type { LocalApiGateway } from '../../local/api-gateway.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { runOpsAgainst } from '../support/ops-cli.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { platformRequest } from '../support/platform-requests.js';

describe('paying from the charge that collected the money', () => {
  let harness: PayoutHarness;
  let gateway: LocalApiGateway;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('pay-from-charge');
    gateway = await harness.startPlatformGateway();
  });

  afterAll(async () => {
    await gateway?.close();
    await harness?.stop();
  });

  beforeEach(async () => {
    // The platform's own available balance is 0: only a transfer funded by its charge can succeed.
    harness.emulator.setBalance(0);
    district = await harness.addDistrict({ shareBps: 1_500 });
    await Promise.all([harness.alerts(), harness.drain('transfer'), harness.drain('markPaid')]);
  });

  /** What the webhook leaves behind for a paid invoice: its audit row and a message on the revenue-share queue. */
  async function paid(...args: Parameters<PayoutHarness['invoicePaid']>) {
    return await enqueued(await harness.invoicePaid(...args));
  }

  async function enqueued<T extends ProcessEventMessage>(message: T): Promise<T> {
    await harness.queue('revenueShare').send(message, {
      groupId: message.stripeEventId,
      deduplicationId: message.stripeEventId,
    });
    return message;
  }

  /** invoice.paid through the three workers, as their queues deliver. */
  async function runPipeline(): Promise<void> {
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
  }

  const rowOf = async (invoiceId: string): Promise<RevenueShare | undefined> =>
    harness.ledger.get(deriveRevenueShareId(invoiceId));

  const chargesOf = async (invoiceId: string) => (await harness.payments.chargesOf(invoiceId, 'usd')).charges;

  const approve = (revenueShareId: string, body: Record<string, unknown> = {}) =>
    harness.platformApiHandler()(
      platformRequest('POST', '/platform/payout/approve', {
        body: { revenueShareId, by: 'jane@example.org', reason: 'cheque 1042 cleared', ...body },
      }),
      lambdaContext('platform-api', 20),
    );

  const close = (revenueShareId: string) =>
    harness.platformApiHandler()(
      platformRequest('POST', '/platform/payout/close', {
        body: { revenueShareId, by: 'jane@example.org', reason: 'trial invoice, nothing owed' },
      }),
      lambdaContext('platform-api', 20),
    );

  const ops = (...args: string[]) => runOpsAgainst(gateway.url, args);

  describe('a card payment whose funds are pending', () => {
    it('pays the share with a transfer funded by the invoice charge while the platform has nothing available', async () => {
      // Prepare: pm_card_visa leaves the charge's funds pending for days
      const message = await paid({ amount_paid: 10_000, metadata: { districtId: district.districtId } });
      const [charge] = await chargesOf(message.invoiceId);
      expect(harness.emulator.balance().available).toEqual([{ amount: 0, currency: 'usd', source_types: { card: 0 } }]);

      // Act
      await runPipeline();

      // Assess
      const transfers = harness.transfersTo(district.stripeAccountId);
      expect(transfers).toEqual([
        expect.objectContaining({ amount: 1_500, currency: 'usd', source_transaction: charge?.chargeId }),
      ]);
      expect(await rowOf(message.invoiceId)).toMatchObject({
        payoutStatus: 'PAID',
        amountCents: 10_000,
        collectedCents: 10_000,
        sourceCharges: [{ chargeId: charge?.chargeId, amountCents: 10_000 }],
        transferParts: [
          { index: 0, amountCents: 1_500, sourceChargeId: charge?.chargeId, stripeTransferId: transfers[0]?.id },
        ],
        stripeTransferId: transfers[0]?.id,
      });
      expect(await harness.alerts()).toEqual([]);
    });

    it('pays a pm_card_bypassPending payment the same way, from its charge', async () => {
      // Prepare
      const message = await paid({ amount_paid: 2_000, metadata: { districtId: district.districtId } }, [
        { paymentMethod: 'pm_card_bypassPending' },
      ]);
      const [charge] = await chargesOf(message.invoiceId);

      // Act
      await runPipeline();

      // Assess
      expect(harness.transfersTo(district.stripeAccountId)).toEqual([
        expect.objectContaining({ amount: 300, source_transaction: charge?.chargeId }),
      ]);
      expect((await rowOf(message.invoiceId))?.payoutStatus).toBe('PAID');
    });

    it('retries a Stripe error while reading the payments and writes no row until they are read', async () => {
      // Prepare: the reader has no SDK retries, so the 500 reaches the worker
      const message = await harness.invoicePaid({ amount_paid: 4_000, metadata: { districtId: district.districtId } });
      const handler = harness.revenueShareHandler({ invoicePayments: () => harness.payments });
      harness.emulator.failNext(1, 500);

      // Act
      const first = await harness.invoke(
        handler,
        harness.sqsEvent([{ body: message, groupId: message.stripeEventId }]),
      );
      const rowAfterFailure = await rowOf(message.invoiceId);
      const second = await harness.invoke(
        handler,
        harness.sqsEvent([{ body: message, groupId: message.stripeEventId }]),
      );

      // Assess
      expect(first.batchItemFailures).toHaveLength(1);
      expect(rowAfterFailure).toBeUndefined();
      expect((await harness.auditLog.get(message.stripeEventId))?.status).toBe('PROCESSED');
      expect(second.batchItemFailures).toEqual([]);
      expect((await rowOf(message.invoiceId))?.collectedCents).toBe(4_000);
    });
  });

  describe('an invoice paid by two charges', () => {
    it('splits the share pro rata, one transfer per charge, each funded by its charge, and marks it PAID', async () => {
      // Prepare: 10,001 cents paid as 6,000 + 4,001; 15% is 1,500 (floor of 1,500.15)
      const message = await paid({ amount_paid: 10_001, metadata: { districtId: district.districtId } }, [
        { paymentMethod: 'pm_card_visa', amount: 6_000 },
        { paymentMethod: 'pm_card_bypassPending', amount: 4_001 },
      ]);
      const charges = await chargesOf(message.invoiceId);

      // Act
      await runPipeline();

      // Assess: 899.91 -> 899 and 600.09 -> 600; the missing cent goes to the larger remainder (the 6,000 charge)
      const row = await rowOf(message.invoiceId);
      const transfers = harness.transfersTo(district.stripeAccountId);
      const chargeOf = (amount: number) => charges.find((c) => c.amountCents === amount)?.chargeId;
      expect(transfers.map((t) => [t.amount, t.source_transaction]).sort()).toEqual([
        [600, chargeOf(4_001)],
        [900, chargeOf(6_000)],
      ]);
      expect(transfers.map((t) => (t.metadata as Record<string, string>).transferPart).sort()).toEqual(['0', '1']);
      expect(row).toMatchObject({ payoutStatus: 'PAID', shareCents: 1_500, collectedCents: 10_001 });
      expect(row?.transferParts?.map((p) => p.stripeTransferId)).toEqual(transfers.map((t) => t.id));
      const keys = harness.emulator
        .events()
        .filter(
          (e) =>
            e.type === 'transfer.created' &&
            (e.data.object as { transfer_group?: string }).transfer_group === row?.revenueShareId,
        )
        .map((e) => e.request?.idempotency_key);
      expect(keys).toEqual([`transfer:${row?.revenueShareId}:1:0`, `transfer:${row?.revenueShareId}:1:1`]);
      expect(await harness.guardItems()).toEqual(
        expect.arrayContaining(transfers.map((t) => expect.objectContaining({ pk: `transfer#${t.id}` }))),
      );
    });

    it('makes no second transfer for either part when the message is delivered again', async () => {
      // Prepare
      const message = await paid({ amount_paid: 5_000, metadata: { districtId: district.districtId } }, [
        { paymentMethod: 'pm_card_visa', amount: 2_500 },
        { paymentMethod: 'pm_card_visa', amount: 2_500 },
      ]);
      await harness.runQueue('revenueShare', harness.revenueShareHandler());
      const row = (await rowOf(message.invoiceId)) as RevenueShare;
      const transferMessage = { revenueShareId: row.revenueShareId, transferAttempt: 1 };

      // Act
      await harness.runQueue('transfer', harness.transferHandler());
      await harness.invoke(
        harness.transferHandler(),
        harness.sqsEvent([{ body: transferMessage, groupId: row.revenueShareId }]),
      );

      // Assess
      expect(harness.transfersTo(district.stripeAccountId).map((t) => t.amount)).toEqual([375, 375]);
    });
  });

  describe('money that did not come through a Stripe charge', () => {
    it('puts an out-of-band invoice up for review with an alert, and pays it once when a person approves', async () => {
      // Prepare: paid out of band: no charge at all
      const message = await paid({ amount_paid: 20_000, metadata: { districtId: district.districtId } }, []);

      // Act
      await runPipeline();
      const waiting = await rowOf(message.invoiceId);
      const alerts = await harness.alerts();
      harness.emulator.setBalance(1_000_000);
      const approved = await approve(String(waiting?.revenueShareId));
      const again = await approve(String(waiting?.revenueShareId), { by: 'john@example.org' });
      await harness.runQueue('transfer', harness.transferHandler());
      await harness.runQueue('markPaid', harness.markPaidHandler());

      // Assess
      expect(waiting).toMatchObject({
        payoutStatus: 'NEEDS_REVIEW',
        shareCents: 3_000,
        collectedCents: 0,
        transferAttempt: 0,
        reviewReason: 'out_of_band: all 20000 usd was paid outside Stripe (no charge)',
      });
      expect(alerts).toEqual([
        expect.objectContaining({
          kind: 'PAYOUT_NEEDS_REVIEW',
          revenueShareId: waiting?.revenueShareId,
          message: expect.stringContaining('out_of_band'),
        }),
      ]);
      expect(approved.statusCode).toBe(202);
      expect(again.statusCode).toBe(409);
      expect(JSON.parse(again.body).error).toContain('already approved by jane@example.org');
      const transfers = harness.transfersTo(district.stripeAccountId);
      expect(transfers).toEqual([expect.objectContaining({ amount: 3_000, source_transaction: null })]);
      expect(await rowOf(message.invoiceId)).toMatchObject({
        payoutStatus: 'PAID',
        transferParts: [{ index: 0, amountCents: 3_000, stripeTransferId: transfers[0]?.id }],
        decision: { action: 'approve', by: 'jane@example.org', reason: 'cheque 1042 cleared' },
      });
    });

    it('puts an approval whose transfer cannot be queued back up for review (503), so approving again pays once', async () => {
      // Prepare: paid out of band, waiting for review; the transfer queue URL names a queue the SQS server lacks
      const message = await paid({ amount_paid: 20_000, metadata: { districtId: district.districtId } }, []);
      await runPipeline();
      const waiting = await rowOf(message.invoiceId);
      const id = String(waiting?.revenueShareId);
      harness.emulator.setBalance(1_000_000);
      const queueDown = harness.platformApiHandler({
        transferQueue: new SqsMessageQueue(
          harness.resources.sqs,
          `${harness.resources.queues.queues.transfer}-missing.fifo`,
        ),
      });

      // Act
      const refused = await queueDown(
        platformRequest('POST', '/platform/payout/approve', {
          body: { revenueShareId: id, by: 'jane@example.org', reason: 'cheque 1042 cleared' },
        }),
        lambdaContext('platform-api', 20),
      );
      const afterRefusal = await rowOf(message.invoiceId);
      const approved = await approve(id);
      await harness.runQueue('transfer', harness.transferHandler());
      await harness.runQueue('markPaid', harness.markPaidHandler());

      // Assess
      expect(refused.statusCode).toBe(503);
      expect(JSON.parse(refused.body).error).toBe(
        `the transfer of revenue share ${id} could not be queued, so it is not approved: it is NEEDS_REVIEW as ` +
          'before, with no decision; approve it again (`payouts approve`)',
      );
      expect(afterRefusal).toMatchObject({ payoutStatus: 'NEEDS_REVIEW', updatedAt: waiting?.updatedAt });
      expect(afterRefusal?.decision).toBeUndefined();
      expect(afterRefusal?.transferParts).toBeUndefined();
      expect(approved.statusCode).toBe(202);
      const transfers = harness.transfersTo(district.stripeAccountId);
      expect(transfers).toEqual([expect.objectContaining({ amount: 3_000, source_transaction: null })]);
      expect(await rowOf(message.invoiceId)).toMatchObject({
        payoutStatus: 'PAID',
        stripeTransferId: transfers[0]?.id,
        decision: { action: 'approve', by: 'jane@example.org' },
      });
    });

    it('puts a $0 invoice up for review, and closes it with a reason through the API', async () => {
      // Prepare
      const message = await paid({ amount_paid: 0, metadata: { districtId: district.districtId } }, []);

      // Act
      await runPipeline();
      const waiting = await rowOf(message.invoiceId);
      const alerts = await harness.alerts();
      const closed = await close(String(waiting?.revenueShareId));
      const closedAgain = await close(String(waiting?.revenueShareId));

      // Assess
      expect(waiting).toMatchObject({
        payoutStatus: 'NEEDS_REVIEW',
        amountCents: 0,
        reviewReason: expect.stringMatching(/^zero_amount/),
      });
      expect(alerts).toEqual([expect.objectContaining({ kind: 'PAYOUT_NEEDS_REVIEW' })]);
      expect(closed.statusCode).toBe(200);
      expect(closedAgain.statusCode).toBe(409);
      expect(await rowOf(message.invoiceId)).toMatchObject({
        payoutStatus: 'CLOSED',
        decision: { action: 'close', by: 'jane@example.org', reason: 'trial invoice, nothing owed' },
      });
      expect(harness.transfersTo(district.stripeAccountId)).toEqual([]);
    });

    it('approves and closes through the CLI, and a second approval pays nothing more', async () => {
      // Prepare: one out-of-band invoice to approve, one $0 invoice to close
      const paidAside = await paid({ amount_paid: 8_000, metadata: { districtId: district.districtId } }, []);
      const zero = await paid({ amount_paid: 0, metadata: { districtId: district.districtId } }, []);
      await harness.runQueue('revenueShare', harness.revenueShareHandler());
      const toApprove = String((await rowOf(paidAside.invoiceId))?.revenueShareId);
      const toClose = String((await rowOf(zero.invoiceId))?.revenueShareId);
      harness.emulator.setBalance(1_000_000);

      // Act
      const approved = await ops(
        'payouts',
        'approve',
        toApprove,
        '--by',
        'jane@example.org',
        '--reason',
        'bank transfer seen',
      );
      const approvedAgain = await ops('payouts', 'approve', toApprove, '--by', 'jane@example.org', '--reason', 'again');
      const noReason = await ops('payouts', 'close', toClose, '--by', 'jane@example.org');
      const closed = await ops('payouts', 'close', toClose, '--by', 'jane@example.org', '--reason', 'trial');
      await harness.runQueue('transfer', harness.transferHandler());
      await harness.runQueue('markPaid', harness.markPaidHandler());

      // Assess
      expect(approved).toMatchObject({ code: 0, out: expect.stringContaining('Approved by jane@example.org') });
      expect(approvedAgain.code).toBe(1);
      expect(approvedAgain.err).toContain('already approved');
      expect(noReason).toMatchObject({ code: 2, err: expect.stringContaining('--reason') });
      expect(closed).toMatchObject({ code: 0, out: expect.stringContaining('CLOSED') });
      expect(harness.transfersTo(district.stripeAccountId)).toEqual([expect.objectContaining({ amount: 1_200 })]);
      expect((await harness.ledger.get(toApprove))?.payoutStatus).toBe('PAID');
      expect((await harness.ledger.get(toClose))?.payoutStatus).toBe('CLOSED');
    });

    it('puts a partly out-of-band invoice up for review; approving pays the charge part from the charge', async () => {
      // Prepare: 6,000 by card, 4,000 recorded as paid outside Stripe
      const message = await paid({ amount_paid: 10_000, metadata: { districtId: district.districtId } }, [
        { paymentMethod: 'pm_card_visa', amount: 6_000 },
      ]);
      const [charge] = await chargesOf(message.invoiceId);
      await harness.runQueue('revenueShare', harness.revenueShareHandler());
      const waiting = await rowOf(message.invoiceId);
      harness.emulator.setBalance(1_000_000);

      // Act
      await approve(String(waiting?.revenueShareId));
      await harness.runQueue('transfer', harness.transferHandler());
      await harness.runQueue('markPaid', harness.markPaidHandler());

      // Assess
      expect(waiting).toMatchObject({
        payoutStatus: 'NEEDS_REVIEW',
        collectedCents: 6_000,
        reviewReason: 'partly_out_of_band: 4000 of 10000 usd was paid outside Stripe; charges collected 6000',
      });
      expect(harness.transfersTo(district.stripeAccountId).map((t) => [t.amount, t.source_transaction])).toEqual([
        [900, charge?.chargeId],
        [600, null],
      ]);
      expect((await rowOf(message.invoiceId))?.payoutStatus).toBe('PAID');
    });

    it('pays an out-of-band share automatically only for a district that opted in', async () => {
      // Prepare
      const optedIn = await harness.addDistrict({ shareBps: 1_000, autoPayOutOfBand: true });
      harness.emulator.setBalance(1_000_000);
      const message = await paid({ amount_paid: 5_000, metadata: { districtId: optedIn.districtId } }, []);

      // Act
      await runPipeline();

      // Assess
      expect(await rowOf(message.invoiceId)).toMatchObject({
        districtId: optedIn.districtId,
        payoutStatus: 'PAID',
        collectedCents: 0,
      });
      expect(harness.transfersTo(optedIn.stripeAccountId)).toEqual([
        expect.objectContaining({ amount: 500, source_transaction: null }),
      ]);
      expect(await harness.alerts()).toEqual([]);
    });

    it('never lets the retry API pay a row waiting for review', async () => {
      // Prepare
      const message = await paid({ amount_paid: 3_000, metadata: { districtId: district.districtId } }, []);
      await harness.runQueue('revenueShare', harness.revenueShareHandler());
      const row = await rowOf(message.invoiceId);

      // Act
      const response = await harness.platformApiHandler()(
        platformRequest('POST', '/platform/payout/retry', { body: { revenueShareId: row?.revenueShareId } }),
        lambdaContext('platform-api', 20),
      );

      // Assess
      expect(response.statusCode).toBe(409);
      expect(JSON.parse(response.body).error).toContain('approve or close it');
      expect(await harness.drain('transfer')).toEqual([]);
    });

    it('refuses an approval without who or why, and changes nothing', async () => {
      // Prepare
      const message = await paid({ amount_paid: 3_000, metadata: { districtId: district.districtId } }, []);
      await harness.runQueue('revenueShare', harness.revenueShareHandler());
      const row = (await rowOf(message.invoiceId)) as RevenueShare;

      // Act
      const noBy = await approve(row.revenueShareId, { by: ' ' });
      const noReason = await approve(row.revenueShareId, { reason: undefined });

      // Assess
      expect([noBy.statusCode, JSON.parse(noBy.body).field]).toEqual([400, 'by']);
      expect([noReason.statusCode, JSON.parse(noReason.body).field]).toEqual([400, 'reason']);
      expect(await harness.ledger.get(row.revenueShareId)).toEqual(row);
    });
  });

  describe('one invoice, one district', () => {
    it('fails a second delivery that finds another district after the customer mapping changed, with one payout', async () => {
      // Prepare: the invoice's customer belongs to district A when it is first processed
      const customer = `cus_moving${Date.now()}`;
      const a = await harness.addDistrict({ stripeCustomerIds: [customer] });
      const b = await harness.addDistrict({ stripeCustomerIds: [] });
      const invoice = harness.emulator.buildInvoice(
        { amount_paid: 10_000, customer },
        { payments: [{ paymentMethod: 'pm_card_visa' }] },
      );
      await enqueued(await harness.receivedEvent('invoice.paid', invoice));
      await runPipeline();
      await harness.districts.put({ ...a, stripeCustomerIds: [] });
      await harness.districts.put({ ...b, stripeCustomerIds: [customer] });
      await harness.alerts();

      // Act: another delivery of the invoice (a second event for it)
      const second = await enqueued(await harness.receivedEvent('invoice.paid', invoice));
      await runPipeline();

      // Assess
      const owner = deriveRevenueShareId(String(invoice.id));
      expect(await harness.auditLog.get(second.stripeEventId)).toMatchObject({
        status: 'FAILED',
        errorMessage: expect.stringContaining(`already paid out by ledger row ${owner} of district ${a.districtId}`),
      });
      expect(await harness.alerts()).toEqual([
        expect.objectContaining({ kind: 'EVENT_FAILED', districtId: b.districtId, invoiceId: invoice.id }),
      ]);
      expect(harness.transfersTo(a.stripeAccountId)).toHaveLength(1);
      expect(harness.transfersTo(b.stripeAccountId)).toEqual([]);
      expect((await harness.ledgerItems()).filter((item) => item.invoiceId === invoice.id)).toEqual([
        expect.objectContaining({ pk: owner, districtId: a.districtId, destinationAccountId: a.stripeAccountId }),
      ]);
    });
  });
});
