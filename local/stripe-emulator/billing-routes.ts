/**
 * The /v1 routes of money coming in and going back: customers, invoice items, invoices, invoice payments, payment
 * intents, charges, balance transactions, refunds, disputes and credit notes.
 */
import type Stripe from 'stripe';
import type { ApiCall } from './api.js';
import type { CreditNoteLine } from './credit-notes.js';
import type { CustomerChanges } from './customers.js';
import { parameterInvalid, parameterMissing, resourceMissing } from './errors.js';
import type { FormParams, FormValue } from './form.js';
import { optionalString, paginate } from './lists.js';
import { PLATFORM } from './money.js';
import { isPlainObject } from './objects.js';
import {
  arrayParam,
  currencyParam,
  enumParam,
  hashParam,
  metadataParam,
  optionalBoolean,
  optionalInteger,
  requiredInteger,
  requiredString,
} from './params.js';

type Handler = (call: ApiCall) => unknown;

const str = (params: FormParams, param: string): string | undefined => optionalString(param, params[param]);

function customerChanges(params: FormParams): CustomerChanges {
  const settings = hashParam(params, 'invoice_settings');
  const defaultMethod = settings
    ? optionalString('invoice_settings[default_payment_method]', settings.default_payment_method)
    : undefined;
  const changes: CustomerChanges = {};
  for (const key of ['email', 'name', 'description', 'phone'] as const) {
    const value = str(params, key);
    if (value !== undefined) changes[key] = value;
  }
  const meta = metadataParam(params.metadata);
  if (meta) changes.metadata = meta;
  const method = defaultMethod ?? str(params, 'payment_method');
  if (method !== undefined) changes.default_payment_method = method;
  return changes;
}

const createInvoiceItem: Handler = ({ params, store, request }) =>
  store.invoicing.createItem(
    {
      customer: requiredString(params, 'customer'),
      amount: requiredInteger(params, 'amount', Number.MIN_SAFE_INTEGER),
      currency: currencyParam(params),
      description: str(params, 'description'),
      metadata: metadataParam(params.metadata),
    },
    request,
  );

const createInvoice: Handler = ({ params, store, request }) =>
  store.invoicing.create(
    {
      customer: requiredString(params, 'customer'),
      currency: params.currency === undefined ? undefined : currencyParam(params),
      description: str(params, 'description'),
      metadata: metadataParam(params.metadata),
      pending_invoice_items_behavior: enumParam(params, 'pending_invoice_items_behavior', ['include', 'exclude']),
      collection_method: enumParam(params, 'collection_method', ['charge_automatically', 'send_invoice']),
      days_until_due: optionalInteger(params, 'days_until_due'),
      auto_advance: optionalBoolean(params, 'auto_advance'),
      default_payment_method: str(params, 'default_payment_method'),
    },
    request,
  );

const payInvoice: Handler = ({ params, store, ids: [id = ''], request }) =>
  store.invoicing.pay(
    id,
    { payment_method: str(params, 'payment_method'), paid_out_of_band: optionalBoolean(params, 'paid_out_of_band') },
    request,
  );

const listInvoicePayments: Handler = ({ params, store, path }) => {
  const invoice = str(params, 'invoice');
  const status = enumParam(params, 'status', ['canceled', 'open', 'paid']);
  const payment = paymentFilter(params);
  return paginate(
    store.invoicing.payments.values(),
    params,
    path,
    'invoice_payment',
    (p) =>
      (invoice === undefined || p.invoice === invoice) &&
      (status === undefined || p.status === status) &&
      (payment === undefined || paysWith(p, payment)),
  );
};

/** `payment[type]` (required with `payment`) and `payment[payment_intent]` / `payment[payment_record]`. */
function paymentFilter(params: FormParams): { type: 'payment_intent' | 'payment_record'; id?: string } | undefined {
  const payment = hashParam(params, 'payment');
  if (payment === undefined) return undefined;
  const type = enumParam(payment, 'type', ['payment_intent', 'payment_record'] as const);
  if (type === undefined) throw parameterMissing('payment[type]');
  const id = optionalString(`payment[${type}]`, payment[type]);
  return { type, ...(id === undefined ? {} : { id }) };
}

function paysWith(payment: Stripe.InvoicePayment, filter: { type: string; id?: string }): boolean {
  if (payment.payment.type !== filter.type) return false;
  if (filter.id === undefined) return true;
  const named = filter.type === 'payment_intent' ? payment.payment.payment_intent : payment.payment.payment_record;
  return (typeof named === 'string' ? named : named?.id) === filter.id;
}

const listCharges: Handler = ({ params, store, path }) => {
  const customer = str(params, 'customer');
  const intent = str(params, 'payment_intent');
  return paginate(
    store.payments.charges.values(),
    params,
    path,
    'charge',
    (c) => (customer === undefined || c.customer === customer) && (intent === undefined || c.payment_intent === intent),
  );
};

const accountOf = ({ request }: ApiCall): string => request.account ?? PLATFORM;

const getBalanceTransaction: Handler = (call) => {
  const id = call.ids[0] ?? '';
  const found = call.store.ledger.retrieve(id, accountOf(call));
  if (!found) throw resourceMissing('balance transaction', id);
  return found;
};

const listBalanceTransactions: Handler = (call) => {
  const { params, store, path } = call;
  const source = str(params, 'source');
  const type = str(params, 'type');
  return paginate(
    store.ledger.transactions(accountOf(call)),
    params,
    path,
    'balance_transaction',
    (t) => (source === undefined || t.source === source) && (type === undefined || t.type === type),
  );
};

const createRefund: Handler = ({ params, store, request }) =>
  store.refunds.create(
    {
      charge: str(params, 'charge'),
      payment_intent: str(params, 'payment_intent'),
      amount: optionalInteger(params, 'amount', 1),
      reason: enumParam(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer']),
      metadata: metadataParam(params.metadata),
    },
    request,
  );

const listRefunds: Handler = ({ params, store, path }) => {
  const charge = str(params, 'charge');
  const intent = str(params, 'payment_intent');
  return paginate(
    store.refunds.refunds.values(),
    params,
    path,
    'refund',
    (r) => (charge === undefined || r.charge === charge) && (intent === undefined || r.payment_intent === intent),
  );
};

const listDisputes: Handler = ({ params, store, path }) => {
  const charge = str(params, 'charge');
  const intent = str(params, 'payment_intent');
  return paginate(
    store.disputes.disputes.values(),
    params,
    path,
    'dispute',
    (d) => (charge === undefined || d.charge === charge) && (intent === undefined || d.payment_intent === intent),
  );
};

function creditNoteLine(value: FormValue, index: number): CreditNoteLine {
  const param = `lines[${index}]`;
  if (!isPlainObject(value)) throw parameterInvalid(param, `Invalid hash: ${param}`, 'parameter_invalid_hash');
  const line = value as FormParams;
  return {
    type: enumParam(line, 'type', ['invoice_line_item', 'custom_line_item']) ?? 'invoice_line_item',
    invoice_line_item: optionalString(`${param}[invoice_line_item]`, line.invoice_line_item),
    amount: optionalInteger(line, 'amount'),
    quantity: optionalInteger(line, 'quantity', 1),
    unit_amount: optionalInteger(line, 'unit_amount'),
    description: optionalString(`${param}[description]`, line.description),
  };
}

const createCreditNote: Handler = ({ params, store, request }) =>
  store.creditNotes.create(
    {
      invoice: requiredString(params, 'invoice'),
      amount: optionalInteger(params, 'amount', 1),
      lines: arrayParam(params, 'lines').map(creditNoteLine),
      refund_amount: optionalInteger(params, 'refund_amount'),
      credit_amount: optionalInteger(params, 'credit_amount'),
      out_of_band_amount: optionalInteger(params, 'out_of_band_amount'),
      reason: enumParam(params, 'reason', ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory']),
      memo: str(params, 'memo'),
      metadata: metadataParam(params.metadata),
    },
    request,
  );

const listCreditNotes: Handler = ({ params, store, path }) => {
  const invoice = str(params, 'invoice');
  return paginate(
    store.creditNotes.creditNotes.values(),
    params,
    path,
    'credit_note',
    (n) => invoice === undefined || n.invoice === invoice,
  );
};

/** `[method, pattern, handler]`, as in api.ts. */
export const BILLING_ROUTES: Array<[string, string, Handler]> = [
  ['POST', '/v1/customers', ({ params, store, request }) => store.customers.create(customerChanges(params), request)],
  [
    'GET',
    '/v1/customers',
    ({ params, store, path }) => paginate(store.customers.customers.values(), params, path, 'customer'),
  ],
  ['GET', '/v1/customers/:id', ({ store, ids: [id = ''] }) => store.customers.get(id)],
  [
    'POST',
    '/v1/customers/:id',
    ({ params, store, ids: [id = ''], request }) => store.customers.update(id, customerChanges(params), request),
  ],
  ['POST', '/v1/invoiceitems', createInvoiceItem],
  [
    'GET',
    '/v1/invoiceitems/:id',
    ({ store, ids: [id = ''] }) => {
      const item = store.invoicing.items.get(id);
      if (!item) throw resourceMissing('invoiceitem', id);
      return item;
    },
  ],
  ['POST', '/v1/invoices', createInvoice],
  ['POST', '/v1/invoices/:id/finalize', ({ store, ids: [id = ''], request }) => store.invoicing.finalize(id, request)],
  ['POST', '/v1/invoices/:id/pay', payInvoice],
  ['GET', '/v1/invoice_payments', listInvoicePayments],
  ['GET', '/v1/invoice_payments/:id', ({ store, ids: [id = ''] }) => store.invoicing.getPayment(id)],
  ['GET', '/v1/payment_intents/:id', ({ store, ids: [id = ''] }) => store.payments.getIntent(id)],
  ['GET', '/v1/charges', listCharges],
  ['GET', '/v1/charges/:id', ({ store, ids: [id = ''] }) => store.payments.getCharge(id)],
  ['GET', '/v1/balance_transactions', listBalanceTransactions],
  ['GET', '/v1/balance_transactions/:id', getBalanceTransaction],
  ['POST', '/v1/refunds', createRefund],
  ['GET', '/v1/refunds', listRefunds],
  ['GET', '/v1/refunds/:id', ({ store, ids: [id = ''] }) => store.refunds.get(id)],
  ['GET', '/v1/disputes', listDisputes],
  ['GET', '/v1/disputes/:id', ({ store, ids: [id = ''] }) => store.disputes.get(id)],
  ['POST', '/v1/disputes/:id/close', ({ store, ids: [id = ''], request }) => store.disputes.close(id, request)],
  ['POST', '/v1/credit_notes', createCreditNote],
  ['GET', '/v1/credit_notes', listCreditNotes],
  ['GET', '/v1/credit_notes/:id', ({ store, ids: [id = ''] }) => store.creditNotes.get(id)],
];
