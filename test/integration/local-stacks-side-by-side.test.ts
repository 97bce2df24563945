/**
 * Two whole local stacks in one process: each function is built by its composition root on its own stack's
 * clients and config (nothing shared through process.env or module-level clients), so each stack pays its own
 * invoices into its own tables and accepts only its own signing secret.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '#contracts/resources.js';
import { createDocumentClient } from '../../functions/commons/clients.js';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { type LocalStack, startLocalStack } from '../../local/local-stack.js';

const SECRET_A = 'whsec_stack_a_0123456789abcdef';
const SECRET_B = 'whsec_stack_b_0123456789abcdef';

async function paidInvoice(stack: LocalStack, secret: string, districtId: string, amountPaid: number) {
  const emulator = stack.stripe;
  if (!emulator) throw new Error('stack started without its emulator');
  const stripe = createStripeClient(emulator.apiKey, { baseUrl: emulator.url });
  const account = await stripe.accounts.create({ type: 'express', country: 'US' });
  const put = await fetch(`${stack.url}/platform/districts/${districtId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      stripeAccountId: account.id,
      shareBps: 1000,
      currency: 'usd',
      autoTransfer: true,
      stripeCustomerIds: [],
    }),
  });
  expect(put.status).toBe(200);
  const invoice = emulator.buildInvoice(
    { amount_paid: amountPaid, currency: 'usd', metadata: { districtId } },
    { payments: [{ paymentMethod: 'pm_card_visa' }] },
  );
  const event = emulator.createEvent('invoice.paid', invoice);
  const delivery = await emulator.deliver(event, { url: stack.webhookUrl, secret });
  return { delivery, invoiceId: String(invoice.id), event };
}

async function rowsOf(stack: LocalStack, districtId: string) {
  const documents = createDocumentClient(stack.dynamodb);
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: stack.tables.revenueShares,
      IndexName: tables.revenueShares.globalSecondaryIndexes[0]?.indexName,
      KeyConditionExpression: 'districtId = :d',
      ExpressionAttributeValues: { ':d': districtId },
    }),
  );
  // The index copies keys: the rows themselves are read by key.
  return await Promise.all(
    Items.map(
      async ({ pk }) =>
        (await documents.send(new GetCommand({ TableName: stack.tables.revenueShares, Key: { pk } }))).Item ?? {},
    ),
  );
}

async function waitUntilPaid(stack: LocalStack, districtId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await rowsOf(stack, districtId);
    if (rows.length > 0 && rows.every((row) => row.payoutStatus === 'PAID')) return rows;
    if (Date.now() > deadline) throw new Error(`not PAID in time: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('two local stacks in one process', () => {
  let a: LocalStack;
  let b: LocalStack;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      startLocalStack({ port: 0, stripeEmulatorPort: 0, webhookSecrets: [SECRET_A], retryDelaySeconds: 1 }),
      startLocalStack({ port: 0, stripeEmulatorPort: 0, webhookSecrets: [SECRET_B], retryDelaySeconds: 1 }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('pays each stack its own invoice, in its own tables, at its own Stripe', async () => {
    // Act
    const [paidA, paidB] = await Promise.all([
      paidInvoice(a, SECRET_A, 'district-a', 10_000),
      paidInvoice(b, SECRET_B, 'district-b', 20_000),
    ]);
    const [rowsA, rowsB] = await Promise.all([waitUntilPaid(a, 'district-a'), waitUntilPaid(b, 'district-b')]);
    // Assess
    expect([paidA.delivery.status, paidB.delivery.status]).toEqual([200, 200]);
    expect(rowsA.map((row) => [row.invoiceId, row.shareCents])).toEqual([[paidA.invoiceId, 1_000]]);
    expect(rowsB.map((row) => [row.invoiceId, row.shareCents])).toEqual([[paidB.invoiceId, 2_000]]);
    expect(await rowsOf(a, 'district-b')).toEqual([]);
    expect(await rowsOf(b, 'district-a')).toEqual([]);
    expect(a.stripe?.transfers().map((t) => t.amount)).toEqual([1_000]);
    expect(b.stripe?.transfers().map((t) => t.amount)).toEqual([2_000]);
  });

  it("refuses a delivery signed with the other stack's secret and records nothing", async () => {
    // Act
    const crossed = await paidInvoice(a, SECRET_B, 'district-a-crossed', 5_000);
    // Assess
    expect(crossed.delivery.status).toBe(400);
    const audit = await createDocumentClient(a.dynamodb).send(
      new GetCommand({ TableName: a.tables.webhookAuditLog, Key: { stripeEventId: crossed.event.id } }),
    );
    expect(audit.Item).toBeUndefined();
  });
});
