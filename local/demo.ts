/**
 * `npm run demo`: against a running `npm start`, pays one invoice for the demo district through the official SDK
 * at the Stripe emulator (customer, invoice item, invoice finalized and paid by card) and lets the emulator deliver
 * `invoice.paid` to the webhook endpoint `npm start` registered; then follows the ledger row to its final status:
 * the event and its delivery, the ledger row, the transfer at Stripe, the final status.
 * Env: PORT (3000), STRIPE_EMULATOR_PORT (12111).
 */
import { DEMO_DISTRICT_ID } from './demo-district.js';
import { deliveryAttempts, emulatorConnection, explainConnectionError, whenDelivered } from './stripe-cli/emulator.js';
import { payInvoice } from './stripe-cli/pay-invoice.js';

const apiUrl = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const emulator = emulatorConnection();
const { stripe } = emulator;
const AMOUNT = 129_99;
const FINAL_STATUSES = new Set(['PAID', 'TRANSFER_FAILED', 'REVERSED', 'NO_PAYOUT']);

async function call(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url).catch((error: unknown) => {
    throw new Error(`${url} did not answer (${String(error)}): is \`npm start\` running?`);
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`GET ${url} -> ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const show = (title: string, value: unknown) => console.log(`\n== ${title}\n${JSON.stringify(value, null, 2)}`);

async function demo(): Promise<number> {
  await call(`${apiUrl}/health`);
  const { invoice, chargeId } = await payInvoice(stripe, {
    districtId: DEMO_DISTRICT_ID,
    amount: AMOUNT,
    paymentMethod: 'pm_card_visa',
  }).catch((error: unknown) => {
    throw explainConnectionError(error, emulator);
  });
  const event = (await stripe.events.list({ type: 'invoice.paid', limit: 100 })).data.find(
    (candidate) => (candidate.data.object as { id?: string }).id === invoice.id,
  );
  if (!event) throw new Error(`The emulator emitted no invoice.paid for ${invoice.id}`);
  await whenDelivered(emulator);
  const delivered = await stripe.events.retrieve(event.id);
  const attempts = (await deliveryAttempts(emulator)).filter((attempt) => attempt.eventId === event.id);
  show('Invoice paid through the SDK; invoice.paid delivered by the emulator', {
    invoice: invoice.id,
    amount_paid: invoice.amount_paid,
    charge: chargeId,
    event: event.id,
    pending_webhooks: delivered.pending_webhooks,
    deliveries: attempts.map(({ endpointId, url, attempt, kind, status }) => ({
      endpointId,
      url,
      attempt,
      kind,
      status,
    })),
  });
  if (attempts.length === 0) {
    throw new Error('No webhook endpoint is subscribed to invoice.paid: was `npm start` started with STRIPE_API_KEY?');
  }

  const deadline = Date.now() + 30_000;
  let row: Record<string, unknown> | undefined;
  while (Date.now() < deadline) {
    const { items } = (await call(`${apiUrl}/platform/revenue-shares?districtId=${DEMO_DISTRICT_ID}`)) as {
      items: Record<string, unknown>[];
    };
    row = items.find((item) => item.invoiceId === invoice.id);
    if (FINAL_STATUSES.has(String(row?.payoutStatus))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!row) throw new Error('No ledger row appeared within 30 s: see the `npm start` terminal for the alert');
  show('Ledger row', row);
  if (typeof row.stripeTransferId === 'string') {
    const transfer = await stripe.transfers.retrieve(row.stripeTransferId);
    show('Transfer at Stripe', {
      id: transfer.id,
      amount: transfer.amount,
      currency: transfer.currency,
      destination: transfer.destination,
      source_transaction: transfer.source_transaction,
      transfer_group: transfer.transfer_group,
      metadata: transfer.metadata,
    });
  }
  console.log(`\nFinal payout status: ${row.payoutStatus}`);
  return row.payoutStatus === 'PAID' ? 0 : 1;
}

process.exit(
  await demo().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }),
);
