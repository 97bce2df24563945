/**
 * Builders for Stripe objects, each a copy of Stripe's published example object (fixtures3.json, kept verbatim
 * next to this file) with the fields that matter overridden: fresh prefixed ids, `created`, `livemode: false`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';

export type StripeObject = Record<string, unknown> & { id: string; object: string; created: number };

export interface StripeList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface StripeEventLike<T extends object = Record<string, unknown>> {
  id: string;
  object: 'event';
  api_version: string | null;
  created: number;
  data: { object: T; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
  [key: string]: unknown;
}

export interface TransferObject extends StripeObject {
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  currency: string;
  destination: string;
  metadata: Record<string, string>;
  reversed: boolean;
  reversals: StripeList<StripeObject>;
  transfer_group: string | null;
}

/** Stripe's API version the SDK sends by default; stamped on events as Stripe stamps the account's version. */
export const API_VERSION: string = Stripe.API_VERSION;

type Fixtures = { resources: Record<string, Record<string, unknown>> };
let fixtures: Fixtures | undefined;

/** A deep copy of Stripe's example object for `resource` (e.g. 'transfer'). */
export function fixture(resource: string): Record<string, unknown> {
  fixtures ??= JSON.parse(readFileSync(new URL('./fixtures3.json', import.meta.url), 'utf8')) as Fixtures;
  const example = fixtures.resources[resource];
  if (!example) throw new Error(`fixtures3.json has no resource '${resource}'`);
  return structuredClone(example);
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Stripe-style id: prefix, underscore, 24 random base62 characters (e.g. `tr_1Pgc7BB7WZ01zgkWVJfE40RX`). */
export function newId(prefix: string): string {
  return `${prefix}_${Array.from(randomBytes(24), (byte) => ALPHABET[byte % ALPHABET.length]).join('')}`;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Merges `overrides` into `base` (plain objects recursively; arrays, scalars and null replace). Mutates `base`. */
export function deepMerge(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined || key === '__proto__') continue;
    const current = base[key];
    base[key] = isPlainObject(value) && isPlainObject(current) ? deepMerge(current, value) : structuredClone(value);
  }
  return base;
}

export const list = <T>(data: T[], url: string, hasMore = false): StripeList<T> => ({
  object: 'list',
  data,
  has_more: hasMore,
  url,
});

export interface AccountParams {
  type?: string;
  country?: string;
  email?: string;
  default_currency?: string;
  business_type?: string;
  metadata?: Record<string, string>;
  business_profile?: Record<string, unknown>;
}

/** A Connect account, fully onboarded (transfers capability active, no requirements due). */
export function buildAccount(params: AccountParams): StripeObject {
  const id = newId('acct');
  const type = params.type ?? 'custom';
  const account = fixture('account');
  const noRequirements = { currently_due: [], eventually_due: [], past_due: [], disabled_reason: null };
  deepMerge(account, {
    id,
    object: 'account',
    created: nowSeconds(),
    type,
    controller: type === 'standard' ? { type: 'account' } : { type: 'application', is_controller: true },
    country: params.country ?? 'US',
    default_currency: params.default_currency ?? 'usd',
    email: params.email ?? null,
    business_type: params.business_type ?? null,
    business_profile: params.business_profile ?? {},
    metadata: params.metadata ?? {},
    capabilities: { card_payments: 'active', transfers: 'active' },
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    requirements: noRequirements,
    future_requirements: noRequirements,
    external_accounts: list([], `/v1/accounts/${id}/external_accounts`),
  });
  return account as StripeObject;
}

export interface TransferParams {
  amount: number;
  currency: string;
  destination: string;
  description?: string;
  metadata?: Record<string, string>;
  source_transaction?: string;
  transfer_group?: string;
}

export function buildTransfer(params: TransferParams): TransferObject {
  const id = newId('tr');
  return Object.assign(fixture('transfer'), {
    id,
    object: 'transfer',
    created: nowSeconds(),
    livemode: false,
    amount: params.amount,
    amount_reversed: 0,
    balance_transaction: newId('txn'),
    currency: params.currency,
    description: params.description ?? null,
    destination: params.destination,
    destination_payment: newId('py'),
    metadata: params.metadata ?? {},
    reversals: list<StripeObject>([], `/v1/transfers/${id}/reversals`),
    reversed: false,
    source_transaction: params.source_transaction ?? null,
    source_type: 'card',
    transfer_group: params.transfer_group ?? null,
  }) as TransferObject;
}

export function buildTransferReversal(
  transfer: TransferObject,
  amount: number,
  metadata: Record<string, string> = {},
): StripeObject {
  return Object.assign(fixture('transfer_reversal'), {
    id: newId('trr'),
    object: 'transfer_reversal',
    created: nowSeconds(),
    amount,
    balance_transaction: newId('txn'),
    currency: transfer.currency,
    destination_payment_refund: newId('pyr'),
    metadata,
    source_refund: null,
    transfer: transfer.id,
  }) as StripeObject;
}

export function buildEvent<T extends object>(
  type: string,
  object: T,
  request: { id: string | null; idempotency_key: string | null } = { id: null, idempotency_key: null },
  previousAttributes?: Record<string, unknown>,
): StripeEventLike<T> {
  return Object.assign(fixture('event'), {
    id: newId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: nowSeconds(),
    data: {
      object: structuredClone(object),
      ...(previousAttributes ? { previous_attributes: previousAttributes } : {}),
    },
    livemode: false,
    pending_webhooks: 0,
    request,
    type,
  }) as StripeEventLike<T>;
}

/** The platform balance: one `available` entry per currency, nothing pending or reserved. */
export function buildBalance(available: ReadonlyMap<string, number>): Record<string, unknown> {
  const entries = [...available.entries()];
  return Object.assign(fixture('balance'), {
    object: 'balance',
    livemode: false,
    available: entries.map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } })),
    connect_reserved: entries.map(([currency]) => ({ amount: 0, currency })),
    pending: entries.map(([currency]) => ({ amount: 0, currency, source_types: { card: 0 } })),
  });
}

/**
 * A paid invoice built from the fixture, the way API version 2025-03-31.basil and later render it: the subscription
 * lives in `parent.subscription_details` (the fixture's legacy top-level `subscription` key is dropped).
 * `amount_paid` (or `amount_due`) in overrides sets every amount; `currency` also applies to the line.
 */
export function buildInvoice(overrides: Record<string, unknown> = {}): StripeObject {
  const id = newId('in');
  const created = nowSeconds();
  const invoice = fixture('invoice');
  delete invoice.subscription;
  const amountOverride = overrides.amount_paid ?? overrides.amount_due;
  const amount = typeof amountOverride === 'number' ? amountOverride : 1000;
  const currency = typeof overrides.currency === 'string' ? overrides.currency : 'usd';
  const lines = invoice.lines as StripeList<Record<string, unknown>>;
  const line = lines.data[0] ?? {};
  Object.assign(line, {
    id: newId('il'),
    invoice: id,
    amount,
    currency,
    subtotal: amount,
    period: { start: created, end: created },
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: null,
        subscription_item: newId('si'),
      },
    },
  });
  Object.assign(invoice, {
    id,
    object: 'invoice',
    created,
    livemode: false,
    status: 'paid',
    amount_due: amount,
    amount_paid: amount,
    amount_remaining: 0,
    amount_overpaid: 0,
    attempt_count: 1,
    attempted: true,
    auto_advance: false,
    billing_reason: 'subscription_cycle',
    currency,
    customer: newId('cus'),
    due_date: null,
    effective_at: created,
    ending_balance: 0,
    from_invoice: null,
    hosted_invoice_url: `https://invoice.stripe.com/i/${id}`,
    invoice_pdf: `https://pay.stripe.com/invoice/${id}/pdf`,
    last_finalization_error: null,
    lines: { ...lines, data: [line], url: `/v1/invoices/${id}/lines` },
    next_payment_attempt: null,
    number: `EMU-${id.slice(-8).toUpperCase()}`,
    period_end: created,
    period_start: created,
    shipping_cost: null,
    status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: created, voided_at: null },
    subtotal: amount,
    subtotal_excluding_tax: amount,
    total: amount,
    total_excluding_tax: amount,
    webhooks_delivered_at: created,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: {}, subscription: newId('sub') },
    },
  });
  deepMerge(invoice, overrides);
  // Keep the line's subscription consistent with the (possibly overridden) invoice parent.
  const parent = isPlainObject(invoice.parent) ? invoice.parent : {};
  const details = isPlainObject(parent.subscription_details) ? parent.subscription_details : {};
  const subscription = typeof details.subscription === 'string' ? details.subscription : null;
  line.subscription = subscription;
  const lineParent = line.parent as { subscription_item_details: Record<string, unknown> };
  lineParent.subscription_item_details.subscription = subscription;
  return invoice as StripeObject;
}
