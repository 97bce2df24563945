/**
 * Reconcile by paid date on the real local services and the Stripe emulator: an invoice created just before a UTC
 * midnight and paid just after belongs to the day it was paid; the day's report names two rows for one invoice, rows
 * waiting for review and money paid outside Stripe.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessEventMessage } from '../../domain/model.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import type { LocalApiGateway } from '../../local/api-gateway.js';
import type { Io } from '../../ops/output.js';
import { runOps } from '../../ops/run.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { DAY, dateOf } from '../support/reconcile-days.js';

describe('reconcile by paid date, across a day boundary', () => {
  let harness: PayoutHarness;
  let gateway: LocalApiGateway;

  beforeAll(async () => {
    harness = await PayoutHarness.start('reconcile-paid-date');
    gateway = await harness.startPlatformGateway();
  });

  afterAll(async () => {
    await gateway?.close();
    await harness?.stop();
  });

  async function enqueued(message: ProcessEventMessage): Promise<ProcessEventMessage> {
    await harness.queue('revenueShare').send(message, {
      groupId: message.stripeEventId,
      deduplicationId: message.stripeEventId,
    });
    return message;
  }

  async function runPipeline(): Promise<void> {
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
  }

  async function reconcile(date: string) {
    const out: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: () => undefined, errRaw: () => undefined, errIsTty: false };
    const code = await runOps(['reconcile', '--date', date, '--json', '--api', gateway.url], {
      io,
      env: { STRIPE_API_BASE_URL: harness.emulator.url },
      now: () => new Date((harness.emulator.now() + 3_600) * 1000),
    });
    return { code, report: JSON.parse(out.join('\n')) };
  }

  it('counts an invoice on the day it was paid, with duplicate rows, review rows and out-of-band amounts', async () => {
    // Prepare: emulator time one minute before a UTC midnight; the platform has no available balance
    harness.emulator.setBalance(0);
    const district = await harness.addDistrict({ shareBps: 1_500 });
    const midnight = (Math.floor(harness.emulator.now() / DAY) + 1) * DAY;
    harness.emulator.advanceClock(midnight - 60 - harness.emulator.now());
    const customer = await harness.stripe.customers.create({ email: 'bursar@example.org' });
    await harness.stripe.invoiceItems.create({ customer: customer.id, amount: 10_000, currency: 'usd' });
    const draft = await harness.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
      metadata: { districtId: district.districtId },
    });
    await harness.stripe.invoices.finalizeInvoice(draft.id);
    harness.emulator.advanceClock(120);
    const card = await harness.stripe.invoices.pay(draft.id, { payment_method: 'pm_card_visa' });
    const emitted = harness.emulator
      .events()
      .find((e) => e.type === 'invoice.paid' && (e.data.object as { id?: string }).id === card.id);
    await enqueued(await harness.receivedEvent('invoice.paid', emitted?.data.object ?? {}));
    // ... and an invoice paid outside Stripe the same (paid) day
    const outOfBand = harness.emulator.buildInvoice(
      {
        amount_paid: 4_000,
        metadata: { districtId: district.districtId },
        created: midnight - 30,
        status_transitions: { paid_at: midnight + 90 },
      },
      { payments: [] },
    );
    await enqueued(await harness.receivedEvent('invoice.paid', outOfBand));
    await runPipeline();
    // A second row for the card invoice under another id, as no ledger write of this stack can make it
    const row = await harness.ledger.get(deriveRevenueShareId(card.id));
    const copy = { ...row, districtId: 'district-elsewhere', revenueShareId: 'rs_second_row_for_one_invoice' };
    await harness.documents.send(
      new PutCommand({
        TableName: harness.resources.tables.revenueShares,
        Item: { pk: copy.revenueShareId, ...copy },
      }),
    );

    // Act
    const paidDay = await reconcile(dateOf(midnight));
    const createdDay = await reconcile(dateOf(midnight - DAY));

    // Assess
    expect(card.created).toBeLessThan(midnight);
    expect(card.status_transitions.paid_at).toBeGreaterThanOrEqual(midnight);
    expect(row?.payoutStatus).toBe('PAID');
    expect(paidDay.code).toBe(1);
    expect(paidDay.report).toMatchObject({ date: dateOf(midnight), paidInvoices: 2 });
    const kinds = paidDay.report.mismatches.map((m: { kind: string; invoiceId?: string }) => [m.kind, m.invoiceId]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['DUPLICATE_LEDGER_ROW', card.id],
        ['AWAITING_REVIEW', outOfBand.id],
      ]),
    );
    expect(kinds).not.toContainEqual(['MISSING_LEDGER_ROW', card.id]);
    expect(paidDay.report.outOfBand).toEqual([
      expect.objectContaining({
        invoiceId: outOfBand.id,
        amountCents: 4_000,
        collectedCents: 0,
        outOfBandCents: 4_000,
      }),
    ]);
    expect(createdDay.report.paidInvoices).toBe(0);
  });
});
