/**
 * The Stripe side of reconcile: the invoices paid in one day (by `status_transitions.paid_at`, not `created`: an
 * invoice created on Monday and paid on Tuesday belongs to Tuesday) and the transfers since, via the official SDK.
 */
import type Stripe from 'stripe';
import { env as envNames } from '#contracts/environment.js';
import type { PaidInvoice, StripeTransfer } from '../../domain/reconcile/three-way-match.js';
import { districtIdFromInvoice } from '../../domain/revenue-share/find-district.js';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { UsageError } from '../command.js';
import type { Target } from '../target.js';

/** A paid invoice plus the district its metadata names (if any), for finding its ledger row. */
export interface SourcedInvoice extends PaidInvoice {
  namedDistrictId?: string;
}

/** Unix-seconds range [gte, lt), as Stripe's `created` filter takes it. */
export interface CreatedRange {
  gte: number;
  lt: number;
}

/**
 * Stripe lists invoices by `created` only, so the invoices paid in a range are found among those created up to this
 * long before it. An invoice paid more than 90 days after it was created (a very late send_invoice payment) is not
 * seen by reconcile: its ledger row is still checked through the transfers that name it.
 */
export const PAID_INVOICE_LOOKBACK_SECONDS = 90 * 86_400;

export interface ReconcileStripeSource {
  /** The invoices whose `status_transitions.paid_at` falls in the range. */
  paidInvoices(paid: CreatedRange): Promise<SourcedInvoice[]>;
  transfers(created: CreatedRange): Promise<StripeTransfer[]>;
}

export const EMULATOR_API_KEY = 'sk_test_emulator';
export const DEFAULT_EMULATOR_URL = 'http://127.0.0.1:12111';
const PAGE_SIZE = 100;

export function stripeSdkSource(stripe: Stripe): ReconcileStripeSource {
  return {
    async paidInvoices(paid) {
      const invoices: SourcedInvoice[] = [];
      const created = { gte: paid.gte - PAID_INVOICE_LOOKBACK_SECONDS, lt: paid.lt };
      for await (const invoice of stripe.invoices.list({ status: 'paid', created, limit: PAGE_SIZE })) {
        const paidAt = invoice.status_transitions?.paid_at;
        if (typeof paidAt === 'number' && paidAt >= paid.gte && paidAt < paid.lt) invoices.push(toPaidInvoice(invoice));
      }
      return invoices;
    },
    async transfers(created) {
      const transfers: StripeTransfer[] = [];
      for await (const transfer of stripe.transfers.list({ created, limit: PAGE_SIZE })) {
        transfers.push(toStripeTransfer(transfer));
      }
      return transfers;
    },
  };
}

/**
 * The Stripe client reconcile reads with: STRIPE_API_KEY (a restricted key that can read invoices and
 * transfers is enough); for the local stack without a key, the local Stripe emulator at STRIPE_API_BASE_URL.
 */
export function stripeClientFor(target: Target, env: Record<string, string | undefined>): Stripe {
  const configuredKey = env[envNames.stripeApiKey];
  if (!configuredKey && !target.local) {
    throw new UsageError(
      `reconcile against ${target.url} needs ${envNames.stripeApiKey} (a restricted key that can read invoices and transfers)`,
    );
  }
  const baseUrl = env[envNames.stripeApiBaseUrl] || (configuredKey ? undefined : DEFAULT_EMULATOR_URL);
  if (baseUrl && !URL.canParse(baseUrl)) throw new UsageError(`${envNames.stripeApiBaseUrl} is not a URL: ${baseUrl}`);
  return createStripeClient(configuredKey || EMULATOR_API_KEY, baseUrl ? { baseUrl } : {});
}

function toPaidInvoice(invoice: Stripe.Invoice): SourcedInvoice {
  const customer = invoice.customer;
  return {
    id: invoice.id,
    amount_paid: invoice.amount_paid,
    paid_at: invoice.status_transitions?.paid_at ?? null,
    currency: invoice.currency,
    customer: typeof customer === 'string' ? customer : (customer?.id ?? null),
    metadata: invoice.metadata,
    namedDistrictId: districtIdFromInvoice(invoice as unknown as Record<string, unknown>)?.districtId,
  };
}

function toStripeTransfer(transfer: Stripe.Transfer): StripeTransfer {
  const destination = transfer.destination;
  return {
    id: transfer.id,
    amount: transfer.amount,
    currency: transfer.currency,
    destination: typeof destination === 'string' ? destination : (destination?.id ?? null),
    reversed: transfer.reversed,
    amount_reversed: transfer.amount_reversed,
    created: transfer.created,
    metadata: transfer.metadata,
  };
}
