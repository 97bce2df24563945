/**
 * The daily reconcile function on the real local services and the Stripe emulator, built through its composition
 * root: it reconciles the UTC day before its clock's, raises one RECONCILE_MISMATCH alert per mismatch kind with the
 * counts (which page on-call through the financial-alert function), and nothing for a day that reconciles.
 */
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { metricNames } from '#contracts/observability.js';
import type { District, FinancialAlert } from '../../domain/model.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { createObservability } from '../../functions/commons/observability.js';
import { composeFinancialAlert } from '../../functions/financial-alert/compose.js';
import { financialAlertConfig } from '../../functions/financial-alert/config.js';
import type { ReconcileRunSummary } from '../../functions/reconcile/reconcile-handler.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { queueArn } from '../../local/provision.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { DAY, dateOf, freshDay, HOUR } from '../support/reconcile-days.js';

describe('scheduled reconcile: the previous day, one alert per mismatch kind', () => {
  let harness: PayoutHarness;
  let onCallInbox: string;

  beforeAll(async () => {
    harness = await PayoutHarness.start('scheduled-reconcile');
    const inbox = await harness.resources.sqs.send(
      new CreateQueueCommand({ QueueName: `${harness.resources.prefix}-reconcile-on-call-inbox` }),
    );
    onCallInbox = inbox.QueueUrl ?? '';
    await harness.resources.sns.send(
      new SubscribeCommand({
        TopicArn: harness.resources.onCallTopicArn,
        Protocol: 'sqs',
        Endpoint: await queueArn(harness.resources.sqs, onCallInbox),
      }),
    );
  });

  afterAll(async () => {
    await harness?.stop();
  });

  /** An invoice paid now (emulator time) through a card charge, processed to PAID by the workers. */
  async function paidAndPaidOut(district: District, amount: number): Promise<string> {
    const now = harness.emulator.now();
    const message = await harness.invoicePaid({
      amount_paid: amount,
      amount_due: amount,
      created: now - 60,
      status_transitions: { paid_at: now },
      metadata: { districtId: district.districtId },
    });
    await harness.queue('revenueShare').send(message, {
      groupId: message.stripeEventId,
      deduplicationId: message.stripeEventId,
    });
    await harness.runQueue('revenueShare', harness.revenueShareHandler());
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());
    return message.invoiceId;
  }

  /**
   * The reconcile function, invoked as the schedule does, with its clock at `at` (unix seconds); `metric` is the
   * ReconcileMismatches value it published (EMF, with no dimensions).
   */
  async function runReconcile(at: number, event: unknown = {}): Promise<ReconcileRunSummary & { metric: unknown }> {
    // Metrics print EMF only when enabled; POWERTOOLS_DEV (set for tests) disables them otherwise.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const printed: Record<string, unknown>[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      if (typeof line === 'string' && line.startsWith('{')) printed.push(JSON.parse(line));
    });
    try {
      const handler = harness.reconcileHandler({
        clock: { now: () => new Date(at * 1000) },
        observability: createObservability('reconcile', { logLevel: 'ERROR' }),
      });
      const summary = (await handler(event, lambdaContext('reconcile', 300))) as ReconcileRunSummary;
      const emf = printed.filter((line) => metricNames.reconcileMismatches in line);
      expect(
        emf.map(
          (line) => (line._aws as { CloudWatchMetrics: { Dimensions: unknown }[] }).CloudWatchMetrics[0]?.Dimensions,
        ),
      ).toEqual([[[]]]);
      return { ...summary, metric: emf[0]?.[metricNames.reconcileMismatches] };
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
  }

  async function onCallNotifications(): Promise<Array<{ Subject: string; page: Record<string, unknown> }>> {
    const received: Array<{ Subject: string; page: Record<string, unknown> }> = [];
    for (;;) {
      const { Messages = [] } = await harness.resources.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: onCallInbox, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return received;
      for (const message of Messages) {
        const envelope = JSON.parse(message.Body ?? '{}') as { Subject: string; Message: string };
        received.push({ Subject: envelope.Subject, page: JSON.parse(envelope.Message) });
      }
      await harness.resources.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: onCallInbox,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }

  it('a day with a transfer amount that differs at Stripe (twice) and a paid invoice with no row: two alerts, counted', async () => {
    // Prepare: three invoices paid on one day; two rows then record a share their transfer does not have
    const day = freshDay(harness);
    const district = await harness.addDistrict({ shareBps: 1_500 });
    const first = await paidAndPaidOut(district, 10_000);
    const second = await paidAndPaidOut(district, 20_000);
    for (const invoiceId of [first, second]) {
      await harness.documents.send(
        new UpdateCommand({
          TableName: harness.resources.tables.revenueShares,
          Key: { pk: deriveRevenueShareId(invoiceId) },
          UpdateExpression:
            'SET shareCents = shareCents + :one, transferParts[0].amountCents = transferParts[0].amountCents + :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    }
    const now = harness.emulator.now();
    const rowless = harness.emulator.buildInvoice(
      { amount_paid: 5_000, created: now - 60, status_transitions: { paid_at: now } },
      { payments: [{ paymentMethod: 'pm_card_visa' }] },
    );
    expect(await harness.alerts()).toEqual([]);

    // Act: the schedule's run early the next morning, then the alerts queue through the financial-alert function
    const summary = await runReconcile(day + DAY + 2 * HOUR + 30 * 60);
    const alerts = await harness.alerts();
    const pager = composeFinancialAlert(harness.runtime('financial-alert'), financialAlertConfig(harness.environment));
    await pager(harness.sqsEvent(alerts.map((alert) => ({ body: alert, groupId: 'alerts' }))), lambdaContext('fa', 10));
    const pages = await onCallNotifications();

    // Assess
    expect(summary).toMatchObject({
      date: dateOf(day),
      paidInvoices: 3,
      mismatches: 3,
      mismatchesByKind: { AMOUNT_DIFFERS: 2, MISSING_LEDGER_ROW: 1 },
      alertsRaised: 2,
      metric: 3,
    });
    expect(alerts).toHaveLength(2);
    // In MISMATCH_KINDS order
    const [missing, amounts] = alerts as [FinancialAlert, FinancialAlert];
    expect(amounts).toMatchObject({ kind: 'RECONCILE_MISMATCH', severity: 'critical' });
    expect(amounts.message).toContain(`Reconcile ${dateOf(day)}`);
    expect(amounts.message).toContain('2 AMOUNT_DIFFERS');
    expect(amounts.message).toContain(first);
    expect(amounts.message).toContain(second);
    expect(missing).toMatchObject({ kind: 'RECONCILE_MISMATCH', severity: 'critical', invoiceId: rowless.id });
    expect(missing.message).toContain('1 MISSING_LEDGER_ROW');
    for (const alert of alerts) expect(alert.message).toContain('All that day: MISSING_LEDGER_ROW 1, AMOUNT_DIFFERS 2');
    // Same kind, no district: one page for both, with their count and every count in its message
    expect(pages).toHaveLength(1);
    expect(pages[0]?.Subject).toBe('[critical] RECONCILE_MISMATCH (x2)');
    expect(pages[0]?.page).toMatchObject({ kind: 'RECONCILE_MISMATCH', count: 2 });
    expect(String(pages[0]?.page.message)).toContain('MISSING_LEDGER_ROW 1, AMOUNT_DIFFERS 2');
  });

  it("reconciles the day before its clock (or before the scheduled event's time): silent on the days around", async () => {
    // Prepare: a paid invoice with no ledger row, on its own day
    const day = freshDay(harness);
    const now = harness.emulator.now();
    const rowless = harness.emulator.buildInvoice(
      { amount_paid: 7_000, created: now - 60, status_transitions: { paid_at: now } },
      { payments: [{ paymentMethod: 'pm_card_visa' }] },
    );

    // Act
    const sameDay = await runReconcile(day + 23 * HOUR);
    const nextMorning = await runReconcile(day + DAY + 6 * HOUR);
    const alertsNextMorning = await harness.alerts();
    const twoDaysOn = await runReconcile(day + 2 * DAY + 6 * HOUR);
    const alertsTwoDaysOn = await harness.alerts();
    // The schedule's retry of the next morning's run, started after the following midnight: the event's time decides
    const scheduled = { 'detail-type': 'Scheduled Event', time: new Date((day + DAY + 2 * HOUR) * 1000).toISOString() };
    const lateRetry = await runReconcile(day + 2 * DAY + 10 * 60, scheduled);
    const alertsLateRetry = await harness.alerts();

    // Assess: a run on the day itself looks at the day before it, which has nothing
    expect(sameDay).toMatchObject({ date: dateOf(day - DAY), paidInvoices: 0, alertsRaised: 0 });
    expect(nextMorning).toMatchObject({ date: dateOf(day), paidInvoices: 1, mismatches: 1 });
    expect(alertsNextMorning).toEqual([expect.objectContaining({ kind: 'RECONCILE_MISMATCH', invoiceId: rowless.id })]);
    expect(twoDaysOn).toMatchObject({ date: dateOf(day + DAY), paidInvoices: 0, mismatches: 0 });
    expect(alertsTwoDaysOn).toEqual([]);
    expect(lateRetry).toMatchObject({ date: dateOf(day), mismatches: 1 });
    expect(alertsLateRetry).toEqual([expect.objectContaining({ kind: 'RECONCILE_MISMATCH', invoiceId: rowless.id })]);
  });

  it('a day that reconciles raises no alert', async () => {
    // Prepare: two invoices paid and paid out as they should be
    const day = freshDay(harness);
    const district = await harness.addDistrict({ shareBps: 2_000 });
    const invoices = [await paidAndPaidOut(district, 12_345), await paidAndPaidOut(district, 800)];
    await harness.alerts();

    // Act
    const summary = await runReconcile(day + DAY + 2 * HOUR + 30 * 60);

    // Assess
    for (const invoiceId of invoices) {
      expect((await harness.ledger.get(deriveRevenueShareId(invoiceId)))?.payoutStatus).toBe('PAID');
    }
    expect(summary).toMatchObject({
      date: dateOf(day),
      paidInvoices: 2,
      ledgerRows: 2,
      transfers: 2,
      mismatches: 0,
      alertsRaised: 0,
      metric: 0,
    });
    expect(await harness.alerts()).toEqual([]);
  });
});
