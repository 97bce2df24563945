/**
 * Writes local/stripe-emulator/operation-params.json: for each operation the Stripe emulator serves, the names of
 * the top-level parameters Stripe accepts, so the emulator can answer `parameter_unknown` without the 2.7 MB spec.
 * A name is accepted when Stripe's OpenAPI spec (2023-08-16) lists it for the operation, or when the `stripe`
 * package's own params type for it (the pinned API version) has it; `expand` always.
 *   npx tsx scripts/generate-stripe-operation-params.ts [path/to/spec3.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** `METHOD /v1/path/{param}` (the spec's path) -> the SDK's params interface (`File:Interface`). */
const OPERATIONS: Record<string, string> = {
  'POST /v1/accounts': 'Accounts:AccountCreateParams',
  'GET /v1/accounts': 'Accounts:AccountListParams',
  'GET /v1/accounts/{account}': 'Accounts:AccountRetrieveParams',
  'POST /v1/accounts/{account}': 'Accounts:AccountUpdateParams',
  'POST /v1/transfers': 'Transfers:TransferCreateParams',
  'GET /v1/transfers': 'Transfers:TransferListParams',
  'GET /v1/transfers/{transfer}': 'Transfers:TransferRetrieveParams',
  'POST /v1/transfers/{transfer}': 'Transfers:TransferUpdateParams',
  'POST /v1/transfers/{id}/reversals': 'Transfers:TransferCreateReversalParams',
  'GET /v1/transfers/{id}/reversals': 'Transfers:TransferListReversalsParams',
  'GET /v1/transfers/{transfer}/reversals/{id}': 'Transfers:TransferRetrieveReversalParams',
  'GET /v1/events': 'Events:EventListParams',
  'GET /v1/events/{id}': 'Events:EventRetrieveParams',
  'GET /v1/balance': 'Balance:BalanceRetrieveParams',
  'GET /v1/balance_transactions': 'BalanceTransactions:BalanceTransactionListParams',
  'GET /v1/balance_transactions/{id}': 'BalanceTransactions:BalanceTransactionRetrieveParams',
  'POST /v1/customers': 'Customers:CustomerCreateParams',
  'GET /v1/customers': 'Customers:CustomerListParams',
  'GET /v1/customers/{customer}': 'Customers:CustomerRetrieveParams',
  'POST /v1/customers/{customer}': 'Customers:CustomerUpdateParams',
  'POST /v1/invoiceitems': 'InvoiceItems:InvoiceItemCreateParams',
  'GET /v1/invoiceitems/{invoiceitem}': 'InvoiceItems:InvoiceItemRetrieveParams',
  'POST /v1/invoices': 'Invoices:InvoiceCreateParams',
  'GET /v1/invoices': 'Invoices:InvoiceListParams',
  'GET /v1/invoices/{invoice}': 'Invoices:InvoiceRetrieveParams',
  'POST /v1/invoices/{invoice}/finalize': 'Invoices:InvoiceFinalizeInvoiceParams',
  'POST /v1/invoices/{invoice}/pay': 'Invoices:InvoicePayParams',
  'GET /v1/invoice_payments': 'InvoicePayments:InvoicePaymentListParams',
  'GET /v1/invoice_payments/{invoice_payment}': 'InvoicePayments:InvoicePaymentRetrieveParams',
  'GET /v1/payment_intents/{intent}': 'PaymentIntents:PaymentIntentRetrieveParams',
  'GET /v1/charges': 'Charges:ChargeListParams',
  'GET /v1/charges/{charge}': 'Charges:ChargeRetrieveParams',
  'POST /v1/refunds': 'Refunds:RefundCreateParams',
  'GET /v1/refunds': 'Refunds:RefundListParams',
  'GET /v1/refunds/{refund}': 'Refunds:RefundRetrieveParams',
  'GET /v1/disputes': 'Disputes:DisputeListParams',
  'GET /v1/disputes/{dispute}': 'Disputes:DisputeRetrieveParams',
  'POST /v1/disputes/{dispute}/close': 'Disputes:DisputeCloseParams',
  'POST /v1/credit_notes': 'CreditNotes:CreditNoteCreateParams',
  'GET /v1/credit_notes': 'CreditNotes:CreditNoteListParams',
  'GET /v1/credit_notes/{id}': 'CreditNotes:CreditNoteRetrieveParams',
  'POST /v1/webhook_endpoints': 'WebhookEndpoints:WebhookEndpointCreateParams',
  'GET /v1/webhook_endpoints': 'WebhookEndpoints:WebhookEndpointListParams',
  'GET /v1/webhook_endpoints/{webhook_endpoint}': 'WebhookEndpoints:WebhookEndpointRetrieveParams',
  'POST /v1/webhook_endpoints/{webhook_endpoint}': 'WebhookEndpoints:WebhookEndpointUpdateParams',
  'DELETE /v1/webhook_endpoints/{webhook_endpoint}': 'WebhookEndpoints:WebhookEndpointDeleteParams',
};

const PAGINATION = ['limit', 'starting_after', 'ending_before'];

type Operation = {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
};
type Spec = { paths: Record<string, Record<string, Operation>> };

function specParams(spec: Spec, operation: string): string[] {
  const [method = '', path = ''] = operation.split(' ');
  const op = spec.paths[path]?.[method.toLowerCase()];
  if (!op) return [];
  const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  const form = Object.keys(op.requestBody?.content?.['application/x-www-form-urlencoded']?.schema?.properties ?? {});
  return [...query, ...form];
}

const stripeTypes = join(dirname(createRequire(import.meta.url).resolve('stripe')), '..', 'esm', 'resources');

function sdkParams(ref: string): string[] {
  const [file = '', name = ''] = ref.split(':');
  const path = join(stripeTypes, `${file}.d.ts`);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  let found = false;
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== name) return;
    found = true;
    for (const member of node.members) if (member.name && ts.isIdentifier(member.name)) names.push(member.name.text);
    const extendsPagination = node.heritageClauses?.some((c) =>
      c.types.some((t) => t.getText(source).includes('PaginationParams')),
    );
    if (extendsPagination) names.push(...PAGINATION);
  });
  if (!found) throw new Error(`${name} not found in ${path}`);
  return names;
}

const specPath = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'stripe', 'spec3-2023-08-16.json');
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;
const out: Record<string, string[]> = {};
for (const [operation, sdkType] of Object.entries(OPERATIONS)) {
  out[operation] = [...new Set(['expand', ...specParams(spec, operation), ...sdkParams(sdkType)])].sort();
}
const target = join(import.meta.dirname, '..', 'local', 'stripe-emulator', 'operation-params.json');
const lines = Object.entries(out).map(
  ([operation, names]) => `  ${JSON.stringify(operation)}: ${JSON.stringify(names)}`,
);
writeFileSync(target, `{\n${lines.join(',\n')}\n}\n`);
console.log(`${Object.keys(out).length} operations -> ${target}`);
