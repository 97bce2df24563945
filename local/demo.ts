/**
 * `npm run demo`: against a running `npm start`, pays one invoice for the demo district and follows it
 * to a PAID payout: the signed event, the ledger row, the transfer at Stripe, the final status.
 * Env: PORT (3000), STRIPE_EMULATOR_PORT (12111), STRIPE_WEBHOOK_SECRET (the `npm start` default).
 */
import { DEMO_CUSTOMER_ID, DEMO_DISTRICT_ID } from './demo-district.js';
import { DEFAULT_WEBHOOK_SECRET } from './webhook-secret.js';

const apiUrl = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const emulatorUrl = `http://127.0.0.1:${process.env.STRIPE_EMULATOR_PORT ?? 12111}`;
const secret = process.env.STRIPE_WEBHOOK_SECRET || DEFAULT_WEBHOOK_SECRET;

async function call(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json' },
  }).catch((error: unknown) => {
    throw new Error(`${url} did not answer (${String(error)}): is \`npm start\` running?`);
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} -> ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const show = (title: string, value: unknown) => console.log(`\n== ${title}\n${JSON.stringify(value, null, 2)}`);

const invoice = await call(`${emulatorUrl}/_emulator/invoices`, {
  method: 'POST',
  body: JSON.stringify({
    customer: DEMO_CUSTOMER_ID,
    amount_paid: 129_99,
    currency: 'usd',
    metadata: { districtId: DEMO_DISTRICT_ID },
  }),
});
const delivery = await call(`${emulatorUrl}/_emulator/deliver`, {
  method: 'POST',
  body: JSON.stringify({ type: 'invoice.paid', object: invoice, url: `${apiUrl}/stripe/webhook`, secret }),
});
const event = delivery.event as { id: string; type: string };
show('Stripe event delivered (signed)', {
  id: event.id,
  type: event.type,
  invoice: invoice.id,
  amount_paid: invoice.amount_paid,
  webhookResponse: { status: delivery.status, body: delivery.body },
});
if (delivery.status !== 200) throw new Error('The webhook refused the event');

const deadline = Date.now() + 30_000;
let row: Record<string, unknown> | undefined;
while (Date.now() < deadline) {
  const { items } = (await call(`${apiUrl}/platform/revenue-shares?districtId=${DEMO_DISTRICT_ID}`)) as {
    items: Record<string, unknown>[];
  };
  row = items.find((item) => item.invoiceId === invoice.id);
  if (row?.payoutStatus === 'PAID') break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}
if (!row) throw new Error('No ledger row appeared within 30 s: see the `npm start` terminal for the alert');
show('Ledger row', row);
if (row.stripeTransferId) {
  const transfers = (await call(`${emulatorUrl}/_emulator/transfers`)) as { data: Record<string, unknown>[] };
  show(
    'Transfer at Stripe',
    transfers.data.find((t) => t.id === row?.stripeTransferId),
  );
}
console.log(`\nFinal payout status: ${row.payoutStatus}`);
process.exit(row.payoutStatus === 'PAID' ? 0 : 1);
