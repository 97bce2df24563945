import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createObservability } from '../../functions/commons/observability.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { HARNESS_WEBHOOK_SECRET, PayoutHarness } from '../support/payout-harness.js';
import { PrintedMetrics } from '../support/printed-metrics.js';
import { apiGatewayEvent, signedWebhookEvent } from '../support/webhook-requests.js';

/**
 * What the lost-event alarms read from the webhook: one dimensionless WebhookSignatureRejected per delivery refused
 * for its signature (the rejected-deliveries alarm), one InvoicePaidAccepted per invoice.paid put on the queue (the
 * silence alarm).
 */
describe('stripe-webhook: the metrics the lost-event alarms watch', () => {
  let harness: PayoutHarness;
  const metrics = new PrintedMetrics();

  beforeAll(async () => {
    harness = await PayoutHarness.start('webhook-metrics');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(() => metrics.start());

  afterEach(() => metrics.stop());

  /** A fresh handler per test, so its metrics are built with metrics enabled. */
  const webhook = () => harness.webhookHandler({ observability: createObservability('stripe-webhook') });

  const dimensionless = (name: string): number => metrics.dimensionless(name).reduce((sum, value) => sum + value, 0);

  const auditRows = async () =>
    (await harness.documents.send(new ScanCommand({ TableName: harness.resources.tables.webhookAuditLog }))).Items ??
    [];

  it('a burst of deliveries signed with a secret the webhook does not accept counts each one, and records nothing', async () => {
    // Prepare: Stripe signs with a rolled secret that never reached Secrets Manager
    const handler = webhook();
    const rowsBefore = (await auditRows()).length;
    const events = Array.from({ length: 6 }, () =>
      harness.emulator.createEvent('invoice.paid', harness.emulator.buildInvoice({ amount_paid: 1_000 })),
    );

    // Act
    const responses = [];
    for (const event of events) {
      responses.push(
        await handler(
          signedWebhookEvent(JSON.stringify(event), { secret: 'whsec_rolled_but_not_deployed' }),
          lambdaContext('stripe-webhook', 10),
        ),
      );
    }

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(dimensionless('WebhookSignatureRejected')).toBe(6);
    expect(await auditRows()).toHaveLength(rowsBefore);
  });

  it('a request refused for another reason (wrong method, unsigned body that is not JSON) is not a signature failure', async () => {
    // Prepare
    const handler = webhook();

    // Act
    const wrongMethod = await handler(apiGatewayEvent({ method: 'GET' }), lambdaContext('stripe-webhook', 10));
    const notAnEvent = await handler(
      signedWebhookEvent('not json', { secret: HARNESS_WEBHOOK_SECRET }),
      lambdaContext('stripe-webhook', 10),
    );

    // Assess
    expect([wrongMethod.statusCode, notAnEvent.statusCode]).toEqual([405, 400]);
    expect(dimensionless('WebhookSignatureRejected')).toBe(0);
  });

  it('each accepted invoice.paid counts for the silence alarm; other routed types do not', async () => {
    // Prepare
    const handler = webhook();
    const paid = harness.emulator.createEvent('invoice.paid', harness.emulator.buildInvoice({ amount_paid: 2_000 }));
    const reversed = harness.emulator.createEvent('transfer.reversed', { id: 'tr_metrics', object: 'transfer' });

    // Act
    for (const event of [paid, reversed, paid]) {
      await handler(
        signedWebhookEvent(JSON.stringify(event), { secret: HARNESS_WEBHOOK_SECRET }),
        lambdaContext('stripe-webhook', 10),
      );
    }

    // Assess: the redelivery of the same invoice.paid is a duplicate, not a second acceptance
    expect(dimensionless('InvoicePaidAccepted')).toBe(1);
  });
});
