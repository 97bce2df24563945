/**
 * The Stripe side of reconcile: the invoices paid in one day (by `status_transitions.paid_at`, not `created`: an
 * invoice created on Monday and paid on Tuesday belongs to Tuesday), the transfers since, the day's events of the
 * types asked, and a charge as the clawback reads it (the clawback's own adapter: payments.ts), via Stripe's API (./stripe-api.ts).
 * The CLI (ops/reconcile/stripe-source.ts) and the scheduled reconcile function both read Stripe through this.
 */
import type Stripe from 'stripe';
import type { CreatedRange, ReconcileStripeSource } from '../../domain/reconcile/sources.js';
import type { PaidInvoice, StripeTransfer } from '../../domain/reconcile/three-way-match.js';
import type { StoredEvent } from '../../domain/revenue-share/stripe-event.js';
import { StripePaymentProvider } from './payments.js';
import type { StripeApi } from './stripe-api.js';
import { isResourceMissing } from './stripe-errors.js';

/**
 * Stripe lists invoices by `created` only, so the invoices paid in a range are found among those created up to this
 * long before it. An invoice paid more than 90 days after it was created (a very late send_invoice payment) is not
 * seen by reconcile: its ledger row is still checked through the transfers that name it.
 */
export const PAID_INVOICE_LOOKBACK_SECONDS = 90 * 86_400;

const PAGE_SIZE = 100;

export function stripeApiSource(stripe: StripeApi): ReconcileStripeSource {
  const charges = new StripePaymentProvider(stripe);
  return {
    async events(types: readonly string[], created: CreatedRange) {
      const events: StoredEvent[] = [];
      for await (const event of stripe.events.list({ types: [...types], created, limit: PAGE_SIZE })) {
        events.push({
          id: event.id,
          type: event.type,
          object: event.data.object as unknown as Record<string, unknown>,
        });
      }
      return events;
    },
    chargeSnapshot: (chargeId: string) => charges.chargeSnapshot(chargeId),
    invoicesPaidWith: (paymentIntentId: string) => charges.invoicesPaidWith(paymentIntentId),
    async paidInvoices(paid: CreatedRange) {
      const invoices: PaidInvoice[] = [];
      const created = { gte: paid.gte - PAID_INVOICE_LOOKBACK_SECONDS, lt: paid.lt };
      for await (const invoice of stripe.invoices.list({ status: 'paid', created, limit: PAGE_SIZE })) {
        const paidAt = invoice.status_transitions?.paid_at;
        if (typeof paidAt === 'number' && paidAt >= paid.gte && paidAt < paid.lt) invoices.push(toPaidInvoice(invoice));
      }
      return invoices;
    },
    async retrieveTransfers(ids: readonly string[]) {
      const found: StripeTransfer[] = [];
      for (const id of ids) {
        const transfer = await transferOrNothing(stripe, id);
        if (transfer) found.push(toStripeTransfer(transfer));
      }
      return found;
    },
    async transfers(created: CreatedRange) {
      const transfers: StripeTransfer[] = [];
      for await (const transfer of stripe.transfers.list({ created, limit: PAGE_SIZE })) {
        transfers.push(toStripeTransfer(transfer));
      }
      return transfers;
    },
  };
}

/** The transfer, or nothing when Stripe has no such transfer (the ledger records one: reconcile reports it missing). */
async function transferOrNothing(stripe: StripeApi, id: string): Promise<Stripe.Transfer | undefined> {
  try {
    return await stripe.transfers.retrieve(id);
  } catch (error) {
    if (isResourceMissing(error)) return undefined;
    throw error;
  }
}

function toPaidInvoice(invoice: Stripe.Invoice): PaidInvoice {
  const customer = invoice.customer;
  return {
    id: invoice.id,
    amount_paid: invoice.amount_paid,
    paid_at: invoice.status_transitions?.paid_at ?? null,
    currency: invoice.currency,
    customer: typeof customer === 'string' ? customer : (customer?.id ?? null),
    metadata: invoice.metadata,
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
