import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { District, TransferMessage } from '../../domain/model.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { PayoutHarness } from '../support/payout-harness.js';

describe('revenue-share worker on DynamoDB Local, the SQS server and the Stripe emulator', () => {
  let harness: PayoutHarness;
  let district: District;

  beforeAll(async () => {
    harness = await PayoutHarness.start('revenue-share');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    district = await harness.addDistrict({ shareBps: 1_500 });
    await Promise.all([harness.drain('transfer'), harness.alerts()]);
  });

  const processOnce = (message: object, handler = harness.revenueShareHandler()) =>
    harness.invoke(handler, harness.sqsEvent([{ body: message, groupId: 'g' }]));

  it('turns invoice.paid into one PENDING ledger row, queues its transfer and marks the event PROCESSED', async () => {
    // Prepare
    const message = await harness.invoicePaid({ amount_paid: 12_345, metadata: { districtId: district.districtId } });

    // Act
    const response = await processOnce(message);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const revenueShareId = deriveRevenueShareId(message.invoiceId);
    expect(await harness.ledgerItems()).toEqual([
      expect.objectContaining({
        pk: revenueShareId,
        revenueShareId,
        districtId: district.districtId,
        invoiceId: message.invoiceId,
        stripeEventId: message.stripeEventId,
        amountCents: 12_345,
        currency: 'usd',
        shareBps: 1_500,
        shareCents: 1_851,
        payoutStatus: 'PENDING',
        destinationAccountId: district.stripeAccountId,
        version: 1,
        transferAttempt: 1,
      }),
    ]);
    expect(revenueShareId).toMatch(/^rs_[A-Za-z0-9_-]{26}$/);
    expect(await harness.drain<TransferMessage>('transfer')).toEqual([{ revenueShareId, transferAttempt: 1 }]);
    expect(await harness.auditLog.get(message.stripeEventId)).toMatchObject({
      status: 'PROCESSED',
      districtId: district.districtId,
      invoiceId: message.invoiceId,
    });
  });

  it('makes one row and one transfer when the same message is processed twice', async () => {
    // Prepare
    const message = await harness.invoicePaid({ amount_paid: 5_000, metadata: { districtId: district.districtId } });
    const handler = harness.revenueShareHandler();

    // Act
    await processOnce(message, handler);
    await processOnce(message, handler);
    const transferRun = await harness.runQueue('transfer', harness.transferHandler());

    // Assess
    expect((await harness.ledgerItems()).filter((row) => row.districtId === district.districtId)).toHaveLength(1);
    expect(transferRun.failedMessageIds).toEqual([]);
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([expect.objectContaining({ amount: 750 })]);
  });

  it('makes one row and one transfer from 20 concurrent deliveries of the same message', async () => {
    // Prepare
    const message = await harness.invoicePaid({ amount_paid: 9_999, metadata: { districtId: district.districtId } });
    const handler = harness.revenueShareHandler();

    // Act
    const responses = await Promise.all(Array.from({ length: 20 }, () => processOnce(message, handler)));
    const transferRun = await harness.runQueue('transfer', harness.transferHandler());

    // Assess
    expect(responses.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect((await harness.ledgerItems()).filter((row) => row.districtId === district.districtId)).toHaveLength(1);
    expect(transferRun.failedMessageIds).toEqual([]);
    expect(harness.transfersTo(district.stripeAccountId)).toEqual([expect.objectContaining({ amount: 1_499 })]);
  });

  it('never resets a row that moved on when another event for the same invoice arrives', async () => {
    // Prepare: the row is created and its transfer recorded (version 2)
    const invoice = harness.emulator.buildInvoice(
      {
        amount_paid: 8_000,
        metadata: { districtId: district.districtId },
      },
      { payments: [{ paymentMethod: 'pm_card_visa' }] },
    );
    const first = await harness.receivedEvent('invoice.paid', invoice);
    await processOnce(first);
    await harness.runQueue('transfer', harness.transferHandler());
    const revenueShareId = deriveRevenueShareId(String(invoice.id));
    const before = await harness.ledger.get(revenueShareId);
    const second = await harness.receivedEvent('invoice.paid', invoice);

    // Act
    const response = await processOnce(second);
    await harness.runQueue('transfer', harness.transferHandler());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(before?.stripeTransferId).toMatch(/^tr_/);
    expect(await harness.ledger.get(revenueShareId)).toEqual(before);
    expect(harness.transfersTo(district.stripeAccountId)).toHaveLength(1);
    expect((await harness.auditLog.get(second.stripeEventId))?.status).toBe('PROCESSED');
  });

  it('fails a second event for the same invoice that reports another amount', async () => {
    // Prepare
    const invoice = harness.emulator.buildInvoice(
      {
        amount_paid: 8_000,
        metadata: { districtId: district.districtId },
      },
      { payments: [{ paymentMethod: 'pm_card_visa' }] },
    );
    await processOnce(await harness.receivedEvent('invoice.paid', invoice));
    const conflicting = await harness.receivedEvent('invoice.paid', { ...invoice, amount_paid: 9_000 });
    await harness.alerts();

    // Act
    await processOnce(conflicting);

    // Assess
    const revenueShareId = deriveRevenueShareId(String(invoice.id));
    expect(await harness.auditLog.get(conflicting.stripeEventId)).toMatchObject({
      status: 'FAILED',
      errorMessage: `invoice ${invoice.id} already has ledger row ${revenueShareId} for 8000 usd; this event says 9000 usd`,
    });
    expect(await harness.ledger.get(revenueShareId)).toMatchObject({ amountCents: 8_000, version: 1 });
    expect(await harness.alerts()).toEqual([expect.objectContaining({ kind: 'EVENT_FAILED' })]);
  });

  it('makes a NO_PAYOUT row and queues nothing for a zero share', async () => {
    // Prepare
    const zero = await harness.addDistrict({ shareBps: 0 });
    const message = await harness.invoicePaid({ amount_paid: 10_000, metadata: { districtId: zero.districtId } });

    // Act
    await processOnce(message);

    // Assess
    const rows = (await harness.ledgerItems()).filter((row) => row.districtId === zero.districtId);
    expect(rows).toEqual([expect.objectContaining({ shareCents: 0, payoutStatus: 'NO_PAYOUT', transferAttempt: 0 })]);
    expect(await harness.drain('transfer')).toEqual([]);
    expect((await harness.auditLog.get(message.stripeEventId))?.status).toBe('PROCESSED');
  });

  it('leaves the transfer to the platform team when the district does not transfer automatically', async () => {
    // Prepare
    const manual = await harness.addDistrict({ autoTransfer: false });
    const message = await harness.invoicePaid({ amount_paid: 10_000, metadata: { districtId: manual.districtId } });

    // Act
    await processOnce(message);

    // Assess
    const rows = (await harness.ledgerItems()).filter((row) => row.districtId === manual.districtId);
    expect(rows).toEqual([expect.objectContaining({ payoutStatus: 'PENDING', transferAttempt: 0, shareCents: 1_500 })]);
    expect(await harness.drain('transfer')).toEqual([]);
  });

  it('finds the district through the customer when no metadata names one', async () => {
    // Prepare
    const byCustomer = await harness.addDistrict({ stripeCustomerIds: ['cus_by_customer_1'] });
    const message = await harness.invoicePaid({ amount_paid: 2_000, customer: 'cus_by_customer_1' });

    // Act
    await processOnce(message);

    // Assess
    const rows = (await harness.ledgerItems()).filter((row) => row.districtId === byCustomer.districtId);
    expect(rows).toEqual([expect.objectContaining({ invoiceId: message.invoiceId, shareCents: 300 })]);
  });

  describe('permanent failures: audit FAILED with the reason, no row, an alert, the message acknowledged', () => {
    const cases: Array<[string, (d: District) => Record<string, unknown>, (d: District) => string]> = [
      [
        'no district',
        () => ({ amount_paid: 1_000, customer: 'cus_unknown' }),
        () => 'invoice names no district (metadata.districtId) and no district is configured for customer cus_unknown',
      ],
      [
        'a string amount_paid',
        (d) => ({ amount_paid: '1000', metadata: { districtId: d.districtId } }),
        () => 'amount_paid must be a non-negative safe integer, got "1000" (string)',
      ],
      [
        'a negative amount_paid',
        (d) => ({ amount_paid: -500, metadata: { districtId: d.districtId } }),
        () => 'amount_paid must be a non-negative safe integer, got -500 (number)',
      ],
      [
        'a currency mismatch',
        (d) => ({ amount_paid: 1_000, currency: 'EUR', metadata: { districtId: d.districtId } }),
        (d) => `invoice currency eur does not match district ${d.districtId} currency usd`,
      ],
    ];

    it.each(cases)('%s', async (_label, invoice, reason) => {
      // Prepare
      const message = await harness.invoicePaid(invoice(district));
      const handler = harness.revenueShareHandler();
      const addMetric = vi.spyOn(harness.observability.metrics, 'addMetric');

      // Act
      const response = await processOnce(message, handler);

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(await harness.auditLog.get(message.stripeEventId)).toMatchObject({
        status: 'FAILED',
        errorMessage: reason(district),
      });
      expect((await harness.ledgerItems()).filter((row) => row.invoiceId === message.invoiceId)).toEqual([]);
      expect(await harness.alerts()).toEqual([
        expect.objectContaining({
          kind: 'EVENT_FAILED',
          severity: 'critical',
          stripeEventId: message.stripeEventId,
          message: reason(district),
        }),
      ]);
      expect(addMetric).toHaveBeenCalledWith('WebhookEventsFailed', 'Count', 1);
      expect(await harness.drain('transfer')).toEqual([]);
      addMetric.mockRestore();
    });
  });

  it('retries a transient DynamoDB failure and dead-letters the message after maxReceiveCount', async () => {
    // Prepare: the ledger is throttled on every write
    const message = await harness.invoicePaid({ amount_paid: 1_000, metadata: { districtId: district.districtId } });
    await harness
      .queue('revenueShare')
      .send(message, { groupId: message.stripeEventId, deduplicationId: message.stripeEventId });
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const handler = harness.revenueShareHandler({
      ledger: Object.assign(Object.create(harness.ledger), { create: () => Promise.reject(throttled) }),
    });

    // Act
    const run = await harness.runQueue('revenueShare', handler);

    // Assess
    expect(run.invocations).toBe(5);
    expect(run.failedMessageIds).toHaveLength(5);
    expect(await harness.depth('revenueShare', true)).toBe(1);
    expect((await harness.auditLog.get(message.stripeEventId))?.status).toBe('RECEIVED');
    expect(await harness.ledgerItems()).not.toContainEqual(expect.objectContaining({ invoiceId: message.invoiceId }));
  });

  it('processes the retried message once DynamoDB answers again', async () => {
    // Prepare
    const message = await harness.invoicePaid({ amount_paid: 4_000, metadata: { districtId: district.districtId } });
    let failuresLeft = 1;
    const flaky = Object.assign(Object.create(harness.ledger), {
      create: (row: Parameters<typeof harness.ledger.create>[0]) =>
        failuresLeft-- > 0 ? Promise.reject(new Error('socket hang up')) : harness.ledger.create(row),
    });
    const handler = harness.revenueShareHandler({ ledger: flaky });

    // Act
    const first = await processOnce(message, handler);
    const second = await processOnce(message, handler);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect((await harness.auditLog.get(message.stripeEventId))?.status).toBe('PROCESSED');
    expect((await harness.ledgerItems()).filter((row) => row.invoiceId === message.invoiceId)).toHaveLength(1);
  });

  it('fails the rest of a message group after a failure, and goes on with other groups', async () => {
    // Prepare: the ledger is unreachable for one invoice only
    const failing = await harness.invoicePaid({ amount_paid: 1_000, metadata: { districtId: district.districtId } });
    const healthy = await harness.invoicePaid({ amount_paid: 2_000, metadata: { districtId: district.districtId } });
    const ledger = Object.assign(Object.create(harness.ledger), {
      create: (row: Parameters<typeof harness.ledger.create>[0]) =>
        row.invoiceId === failing.invoiceId ? Promise.reject(new Error('timeout')) : harness.ledger.create(row),
    });
    const event = harness.sqsEvent([
      { body: failing, groupId: 'group-a' },
      { body: healthy, groupId: 'group-a' },
      { body: healthy, groupId: 'group-b' },
    ]);
    const [first, second, third] = event.Records;

    // Act
    const response = await harness.invoke(harness.revenueShareHandler({ ledger }), event);

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: first?.messageId },
      { itemIdentifier: second?.messageId },
    ]);
    expect(third).toBeDefined();
    expect((await harness.auditLog.get(healthy.stripeEventId))?.status).toBe('PROCESSED');
    expect((await harness.auditLog.get(failing.stripeEventId))?.status).toBe('RECEIVED');
  });

  it('retries a message whose body is not a ProcessEventMessage (it ends in the DLQ, never silently dropped)', async () => {
    // Act
    const response = await processOnce({ stripeEventId: 42 });

    // Assess
    expect(response.batchItemFailures).toHaveLength(1);
  });

  describe('transfer.reversed', () => {
    it('records the reversal on the unverified row owning the transfer, alerts, and mark-paid then makes it REVERSED', async () => {
      // Prepare: a paid-out row, not yet verified, whose transfer is then reversed at Stripe
      const message = await harness.invoicePaid({ amount_paid: 10_000, metadata: { districtId: district.districtId } });
      await processOnce(message);
      await harness.runQueue('transfer', harness.transferHandler());
      const [transfer] = harness.transfersTo(district.stripeAccountId);
      harness.emulator.advanceClock(3 * 86_400); // the charge's funds, and so the district's, become available
      await harness.stripe.transfers.createReversal(String(transfer?.id));
      const reversedEvent = harness.emulator.events().find((e) => e.type === 'transfer.reversed');
      await harness.alerts();
      const reversal = await harness.receivedEvent('transfer.reversed', reversedEvent?.data.object ?? {});

      // Act
      const response = await processOnce(reversal);

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      const revenueShareId = deriveRevenueShareId(message.invoiceId);
      // Recorded, and still PENDING: mark-paid verifies the transfer (its reversal is the row's) and sets the status.
      expect(await harness.ledger.get(revenueShareId)).toMatchObject({
        payoutStatus: 'PENDING',
        reversedCents: 1_500,
        netPaidCents: 0,
        moneyHistory: [expect.objectContaining({ kind: 'REVERSAL', amountCents: 1_500, transferId: transfer?.id })],
      });
      expect(await harness.alerts()).toEqual([
        expect.objectContaining({ kind: 'TRANSFER_REVERSED', revenueShareId, districtId: district.districtId }),
      ]);
      expect((await harness.auditLog.get(reversal.stripeEventId))?.status).toBe('PROCESSED');
      await harness.runQueue('markPaid', harness.markPaidHandler());
      expect(await harness.ledger.get(revenueShareId)).toMatchObject({
        payoutStatus: 'REVERSED',
        paidAt: expect.any(String),
        reversedCents: 1_500,
      });
      expect(await harness.alerts()).toEqual([]);
    });

    it('fails an event for a transfer no ledger row owns', async () => {
      // Prepare
      const reversal = await harness.receivedEvent('transfer.reversed', { id: 'tr_unknown123', object: 'transfer' });

      // Act
      await processOnce(reversal);

      // Assess
      expect(await harness.auditLog.get(reversal.stripeEventId)).toMatchObject({
        status: 'FAILED',
        errorMessage: 'transfer tr_unknown123 was reversed but no ledger row owns it',
      });
      expect(await harness.alerts()).toEqual([expect.objectContaining({ kind: 'EVENT_FAILED' })]);
    });
  });
});
