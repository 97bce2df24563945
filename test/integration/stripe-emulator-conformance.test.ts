/**
 * Conformance: every /v1 route of the emulator's money API, driven through the official SDK; every response is
 * checked at compile time against the SDK's types (the `satisfies` below, and the emulator's objects are typed
 * with them) and at run time against Stripe's OpenAPI spec (../shared/stripe/spec3-2023-08-16.json, beside the
 * clone), fields changed since 2023 judged by the SDK's types of the pinned API version.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MoneyControls } from '../../local/stripe-emulator/index.js';
import { OpenApiValidator } from './stripe-conformance/openapi-validator.js';
import { SdkTypes } from './stripe-conformance/sdk-types.js';
import { payInvoice, useEmulator } from './stripe-emulator-helpers.js';

const ctx = useEmulator();

/** Each operation (as the spec names its path), the SDK type of its response. */
const OPERATIONS: Record<string, string> = {
  'POST /v1/accounts': 'Account',
  'GET /v1/accounts': 'ApiList<Stripe.Account>',
  'GET /v1/accounts/{account}': 'Account',
  'POST /v1/accounts/{account}': 'Account',
  'POST /v1/transfers': 'Transfer',
  'GET /v1/transfers': 'ApiList<Stripe.Transfer>',
  'GET /v1/transfers/{transfer}': 'Transfer',
  'POST /v1/transfers/{transfer}': 'Transfer',
  'POST /v1/transfers/{id}/reversals': 'TransferReversal',
  'GET /v1/transfers/{id}/reversals': 'ApiList<Stripe.TransferReversal>',
  'GET /v1/transfers/{transfer}/reversals/{id}': 'TransferReversal',
  'GET /v1/events': 'ApiList<Stripe.Event>',
  'GET /v1/events/{id}': 'Event',
  'GET /v1/balance': 'Balance',
  'GET /v1/balance_transactions': 'ApiList<Stripe.BalanceTransaction>',
  'GET /v1/balance_transactions/{id}': 'BalanceTransaction',
  'POST /v1/customers': 'Customer',
  'GET /v1/customers': 'ApiList<Stripe.Customer>',
  'GET /v1/customers/{customer}': 'Customer',
  'POST /v1/customers/{customer}': 'Customer',
  'POST /v1/invoiceitems': 'InvoiceItem',
  'GET /v1/invoiceitems/{invoiceitem}': 'InvoiceItem',
  'POST /v1/invoices': 'Invoice',
  'GET /v1/invoices': 'ApiList<Stripe.Invoice>',
  'GET /v1/invoices/{invoice}': 'Invoice',
  'POST /v1/invoices/{invoice}/finalize': 'Invoice',
  'POST /v1/invoices/{invoice}/pay': 'Invoice',
  'GET /v1/invoice_payments': 'ApiList<Stripe.InvoicePayment>',
  'GET /v1/invoice_payments/{invoice_payment}': 'InvoicePayment',
  'GET /v1/payment_intents/{intent}': 'PaymentIntent',
  'GET /v1/charges': 'ApiList<Stripe.Charge>',
  'GET /v1/charges/{charge}': 'Charge',
  'POST /v1/refunds': 'Refund',
  'GET /v1/refunds': 'ApiList<Stripe.Refund>',
  'GET /v1/refunds/{refund}': 'Refund',
  'GET /v1/disputes': 'ApiList<Stripe.Dispute>',
  'GET /v1/disputes/{dispute}': 'Dispute',
  'POST /v1/disputes/{dispute}/close': 'Dispute',
  'POST /v1/credit_notes': 'CreditNote',
  'GET /v1/credit_notes': 'ApiList<Stripe.CreditNote>',
  'GET /v1/credit_notes/{id}': 'CreditNote',
  'POST /v1/webhook_endpoints': 'WebhookEndpoint',
  'GET /v1/webhook_endpoints': 'ApiList<Stripe.WebhookEndpoint>',
  'GET /v1/webhook_endpoints/{webhook_endpoint}': 'WebhookEndpoint',
  'POST /v1/webhook_endpoints/{webhook_endpoint}': 'WebhookEndpoint',
  'DELETE /v1/webhook_endpoints/{webhook_endpoint}': 'DeletedWebhookEndpoint',
};

/** The SDK type of each event's `data.object`, by its `object` field. */
const EVENT_OBJECTS: Record<string, string> = {
  account: 'Account',
  balance_transaction: 'BalanceTransaction',
  charge: 'Charge',
  credit_note: 'CreditNote',
  customer: 'Customer',
  dispute: 'Dispute',
  invoice: 'Invoice',
  invoice_payment: 'InvoicePayment',
  invoiceitem: 'InvoiceItem',
  payment_intent: 'PaymentIntent',
  refund: 'Refund',
  transfer: 'Transfer',
};

const responses = new Map<string, unknown[]>();

/** Records an SDK response under its operation (as plain JSON: what went over the wire). */
function record<T extends object>(operation: keyof typeof OPERATIONS, response: T): T {
  const json = JSON.parse(JSON.stringify(response)) as Record<string, unknown>;
  delete json.lastResponse;
  responses.set(operation, [...(responses.get(operation) ?? []), json]);
  return response;
}

/** Drives every route at least once, through the SDK, in a realistic order. */
async function scenario(stripe: Stripe, controls: MoneyControls): Promise<void> {
  const account = record('POST /v1/accounts', await stripe.accounts.create({ type: 'express', country: 'US' }));
  record('GET /v1/accounts', await stripe.accounts.list({ limit: 3 }));
  record('GET /v1/accounts/{account}', await stripe.accounts.retrieve(account.id));
  record('POST /v1/accounts/{account}', await stripe.accounts.update(account.id, { metadata: { district: 'd-1' } }));

  const customer = record('POST /v1/customers', await stripe.customers.create({ email: 'a@example.org', name: 'A' }));
  record('GET /v1/customers', await stripe.customers.list());
  record('GET /v1/customers/{customer}', await stripe.customers.retrieve(customer.id));
  record('POST /v1/customers/{customer}', await stripe.customers.update(customer.id, { metadata: { k: 'v' } }));
  const item = record(
    'POST /v1/invoiceitems',
    await stripe.invoiceItems.create({ customer: customer.id, amount: 5_000, currency: 'usd' }),
  );
  record('GET /v1/invoiceitems/{invoiceitem}', await stripe.invoiceItems.retrieve(item.id));
  const draft = record(
    'POST /v1/invoices',
    await stripe.invoices.create({
      customer: customer.id,
      metadata: { districtId: 'd-1' },
      pending_invoice_items_behavior: 'include',
      collection_method: 'charge_automatically',
    }),
  );
  record('POST /v1/invoices/{invoice}/finalize', await stripe.invoices.finalizeInvoice(draft.id));
  const invoice = record(
    'POST /v1/invoices/{invoice}/pay',
    await stripe.invoices.pay(draft.id, { payment_method: 'pm_card_visa' }),
  );
  record('GET /v1/invoices/{invoice}', await stripe.invoices.retrieve(invoice.id));
  record(
    'GET /v1/invoices/{invoice}',
    await stripe.invoices.retrieve(invoice.id, {
      expand: ['payments.data.payment.payment_intent.latest_charge.balance_transaction', 'customer'],
    }),
  );
  const outOfBand = await stripe.invoices.create({ customer: customer.id });
  record('POST /v1/invoices/{invoice}/pay', await stripe.invoices.pay(outOfBand.id, { paid_out_of_band: true }));
  record('GET /v1/invoices', await stripe.invoices.list({ customer: customer.id }));
  const payments = record('GET /v1/invoice_payments', await stripe.invoicePayments.list({ invoice: invoice.id }));
  const payment = payments.data[0] as Stripe.InvoicePayment;
  record('GET /v1/invoice_payments/{invoice_payment}', await stripe.invoicePayments.retrieve(payment.id));
  const intent = record(
    'GET /v1/payment_intents/{intent}',
    await stripe.paymentIntents.retrieve(String(payment.payment.payment_intent)),
  );
  const charge = record('GET /v1/charges/{charge}', await stripe.charges.retrieve(String(intent.latest_charge)));
  record('GET /v1/charges/{charge}', await stripe.charges.retrieve(charge.id, { expand: ['balance_transaction'] }));
  record('GET /v1/charges', await stripe.charges.list({ customer: customer.id }));
  record(
    'GET /v1/balance_transactions/{id}',
    await stripe.balanceTransactions.retrieve(String(charge.balance_transaction)),
  );

  const transfer = record(
    'POST /v1/transfers',
    await stripe.transfers.create({
      amount: 1_000,
      currency: 'usd',
      destination: account.id,
      source_transaction: charge.id,
      transfer_group: `invoice_${invoice.id}`,
    }),
  );
  record('GET /v1/transfers', await stripe.transfers.list({ destination: account.id }));
  record('GET /v1/transfers/{transfer}', await stripe.transfers.retrieve(transfer.id));
  record('POST /v1/transfers/{transfer}', await stripe.transfers.update(transfer.id, { description: 'share' }));
  controls.advanceClock(3 * 86_400);
  const reversal = record(
    'POST /v1/transfers/{id}/reversals',
    await stripe.transfers.createReversal(transfer.id, { amount: 100 }),
  );
  record('GET /v1/transfers/{id}/reversals', await stripe.transfers.listReversals(transfer.id));
  record(
    'GET /v1/transfers/{transfer}/reversals/{id}',
    await stripe.transfers.retrieveReversal(transfer.id, reversal.id),
  );
  record('GET /v1/balance', await stripe.balance.retrieve());
  record('GET /v1/balance', await stripe.balance.retrieve({}, { stripeAccount: account.id }));
  record('GET /v1/balance_transactions', await stripe.balanceTransactions.list({ limit: 100 }));

  const refund = record('POST /v1/refunds', await stripe.refunds.create({ charge: charge.id, amount: 500 }));
  record('GET /v1/refunds/{refund}', await stripe.refunds.retrieve(refund.id));
  controls.failRefund(refund.id);
  record('GET /v1/refunds', await stripe.refunds.list({ charge: charge.id }));
  const creditNote = record(
    'POST /v1/credit_notes',
    await stripe.creditNotes.create({ invoice: invoice.id, refund_amount: 700 }),
  );
  record('GET /v1/credit_notes/{id}', await stripe.creditNotes.retrieve(creditNote.id));
  record('GET /v1/credit_notes', await stripe.creditNotes.list({ invoice: invoice.id }));

  const disputed = await payInvoice(stripe, 2_500, 'pm_card_createDispute');
  const disputes = record('GET /v1/disputes', await stripe.disputes.list({ charge: disputed.charge.id }));
  const dispute = disputes.data[0] as Stripe.Dispute;
  record('GET /v1/disputes/{dispute}', await stripe.disputes.retrieve(dispute.id));
  record('POST /v1/disputes/{dispute}/close', await stripe.disputes.close(dispute.id));
  const won = await payInvoice(stripe, 1_500, 'pm_card_createDispute');
  const wonDispute = (await stripe.disputes.list({ charge: won.charge.id })).data[0] as Stripe.Dispute;
  controls.closeDispute(wonDispute.id, 'won');
  record('GET /v1/disputes/{dispute}', await stripe.disputes.retrieve(wonDispute.id));
  const resolved = await payInvoice(stripe, 2_000, 'pm_card_visa');
  const preventedDispute = controls.openDispute(resolved.charge.id, { amount: 1_200 });
  controls.preventDispute(preventedDispute.id, 'resolution');
  record('GET /v1/disputes/{dispute}', await stripe.disputes.retrieve(preventedDispute.id));
  const declined = await stripe.customers.create({});
  await stripe.invoiceItems.create({ customer: declined.id, amount: 300, currency: 'usd' });
  const open = await stripe.invoices.create({ customer: declined.id, pending_invoice_items_behavior: 'include' });
  await stripe.invoices.pay(open.id, { payment_method: 'pm_card_chargeDeclined' }).catch(() => undefined);

  const endpoint = record(
    'POST /v1/webhook_endpoints',
    // Nothing listens there: deliveries fail, which the endpoint's objects do not show.
    await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/stripe/webhook',
      enabled_events: ['invoice.paid'],
    }),
  );
  record('GET /v1/webhook_endpoints', await stripe.webhookEndpoints.list());
  record('GET /v1/webhook_endpoints/{webhook_endpoint}', await stripe.webhookEndpoints.retrieve(endpoint.id));
  record(
    'POST /v1/webhook_endpoints/{webhook_endpoint}',
    await stripe.webhookEndpoints.update(endpoint.id, { disabled: true, description: 'paused' }),
  );
  record('DELETE /v1/webhook_endpoints/{webhook_endpoint}', await stripe.webhookEndpoints.del(endpoint.id));

  const events = record('GET /v1/events', await stripe.events.list({ limit: 100 }));
  record('GET /v1/events', await stripe.events.list({ type: 'charge.*', created: { gte: 0 } }));
  record('GET /v1/events/{id}', await stripe.events.retrieve(String(events.data[0]?.id)));
}

let validator: OpenApiValidator;
let sdk: SdkTypes;

beforeAll(async () => {
  sdk = new SdkTypes([...new Set([...Object.values(OPERATIONS), ...Object.values(EVENT_OBJECTS)])]);
  validator = new OpenApiValidator(sdk);
  await scenario(ctx.stripe, ctx.emulator);
}, 120_000);

describe('every route conforms to the OpenAPI spec and the SDK types', () => {
  for (const [operation, type] of Object.entries(OPERATIONS)) {
    it(operation, () => {
      // Prepare
      const seen = responses.get(operation) ?? [];
      const schema = validator.responseSchema(operation);

      // Act
      const problems = seen.flatMap((body) => validator.validate(body, schema, sdk.get(type)));

      // Assess
      expect(seen.length, 'the scenario calls this route').toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
  }

  it("every event's data.object conforms to its resource's schema", () => {
    // Prepare
    const events = (responses.get('GET /v1/events') ?? []).flatMap(
      (list) => (list as Stripe.ApiList<Stripe.Event>).data,
    );

    // Act
    const problems = events.flatMap((event) => {
      const object = event.data.object as { object: string };
      const type = EVENT_OBJECTS[object.object];
      if (!type) return [`${event.type}: no SDK type for ${object.object}`];
      return validator
        .validate(object, validator.component(object.object), sdk.get(type))
        .map((p) => `${event.type} ${p}`);
    });

    // Assess
    expect(events.length).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  });

  it('refuses what Stripe would not send: an unknown field, a missing field, a wrong type, a wrong object', () => {
    // Prepare
    const [charge] = responses.get('GET /v1/charges/{charge}') as Array<Record<string, unknown>>;
    const schema = validator.responseSchema('GET /v1/charges/{charge}');
    const { amount_refunded: _, ...missing } = { ...charge };

    // Act
    const check = (body: unknown) => validator.validate(body, schema, sdk.get('Charge'));

    // Assess
    expect(check(charge)).toEqual([]);
    expect(check({ ...charge, colour: 'blue' })).toEqual([
      '$.colour: neither the spec nor the SDK types have this field',
    ]);
    expect(check(missing)).toEqual(['$.amount_refunded: required by the spec and the SDK types, missing']);
    expect(check({ ...charge, amount: '10' })).toEqual(['$.amount: expected an integer, got "10"']);
    expect(check({ ...charge, object: 'refund' })).toEqual(['$.object: expected "charge", got "refund"']);
    expect(check({ ...charge, outcome: { ...(charge?.outcome as object), extra: 1 } })).toHaveLength(1);
  });

  it('types the emulator controls with the SDK resource types (compile time)', () => {
    // Assess: these lines only compile if the controls return the SDK's own types.
    const controls = ctx.emulator satisfies MoneyControls;
    const types: [Stripe.Balance, Stripe.Refund, Stripe.Dispute, Stripe.Dispute, Stripe.Invoice] | undefined =
      undefined as
        | [
            ReturnType<typeof controls.accountBalance>,
            ReturnType<typeof controls.failRefund>,
            ReturnType<typeof controls.closeDispute>,
            ReturnType<typeof controls.preventDispute>,
            ReturnType<typeof controls.setSubscriptionDetails>,
          ]
        | undefined;
    expect(types).toBeUndefined();
  });
});
