/**
 * PaymentProvider on Stripe's API (./stripe-api.ts). The client is handed in (pinned to STRIPE_API_VERSION by whoever
 * builds it); Stripe errors become PaymentProviderError with `permanent` set by whether repeating can help.
 */
import type Stripe from 'stripe';
import type { ChargeSnapshot } from '../../domain/clawback/charge-state.js';
import type { SourceCharge } from '../../domain/model.js';
import {
  type ClawbackProvider,
  type InvoiceCharges,
  type InvoicePaymentReader,
  type PaymentProvider,
  PaymentProviderError,
  type ProviderReversal,
  type ProviderTransfer,
  type TransferRequest,
} from '../../domain/ports.js';
import type { StripeApi } from './stripe-api.js';
import { isStripeError } from './stripe-errors.js';

export class StripePaymentProvider implements PaymentProvider, InvoicePaymentReader, ClawbackProvider {
  constructor(private readonly stripe: StripeApi) {}

  async createTransfer(request: TransferRequest, idempotencyKey: string): Promise<ProviderTransfer> {
    const transfer = await mapErrors(() =>
      this.stripe.transfers.create(
        {
          amount: request.amountCents,
          currency: request.currency,
          destination: request.destinationAccountId,
          transfer_group: request.transferGroup,
          metadata: request.metadata,
          ...(request.description ? { description: request.description } : {}),
          ...(request.sourceTransaction ? { source_transaction: request.sourceTransaction } : {}),
        },
        { idempotencyKey },
      ),
    );
    return toProviderTransfer(transfer);
  }

  async findTransfersByGroup(transferGroup: string): Promise<ProviderTransfer[]> {
    return await mapErrors(async () => {
      const transfers: ProviderTransfer[] = [];
      for await (const transfer of this.stripe.transfers.list({ transfer_group: transferGroup, limit: 100 })) {
        transfers.push(toProviderTransfer(transfer));
      }
      return transfers.sort((a, b) => a.created - b.created);
    });
  }

  async retrieveTransfer(transferId: string): Promise<ProviderTransfer> {
    return toProviderTransfer(await mapErrors(() => this.stripe.transfers.retrieve(transferId)));
  }

  /** The charge as it is now, and every dispute of it (refunds that failed are no longer in amount_refunded). */
  async chargeSnapshot(chargeId: string): Promise<ChargeSnapshot> {
    return await mapErrors(async () => await this.snapshotOf(await this.stripe.charges.retrieve(chargeId)));
  }

  /** A charge already read, with its disputes: listed only when it is disputed (no call for an undisputed one). */
  private async snapshotOf(charge: Stripe.Charge): Promise<ChargeSnapshot> {
    const disputes: ChargeSnapshot['disputes'] = [];
    if (charge.disputed) {
      for await (const dispute of this.stripe.disputes.list({ charge: charge.id, limit: 100 })) {
        disputes.push({ disputeId: dispute.id, amountCents: dispute.amount, status: dispute.status });
      }
    }
    const intent = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
    return {
      chargeId: charge.id,
      amountCents: charge.amount,
      refundedCents: charge.amount_refunded,
      disputes,
      ...(intent ? { paymentIntentId: intent } : {}),
    };
  }

  async invoicesPaidWith(paymentIntentId: string): Promise<string[]> {
    return await mapErrors(async () => {
      const invoices: string[] = [];
      const listing = this.stripe.invoicePayments.list({
        payment: { type: 'payment_intent', payment_intent: paymentIntentId },
        status: 'paid',
        limit: 100,
      });
      for await (const payment of listing) {
        invoices.push(typeof payment.invoice === 'string' ? payment.invoice : payment.invoice.id);
      }
      return invoices;
    });
  }

  async createReversal(
    transferId: string,
    amountCents: number,
    metadata: Record<string, string>,
    idempotencyKey: string,
  ): Promise<{ id: string }> {
    const reversal = await mapErrors(() =>
      this.stripe.transfers.createReversal(transferId, { amount: amountCents, metadata }, { idempotencyKey }),
    );
    return { id: reversal.id };
  }

  async findReversals(transferId: string): Promise<ProviderReversal[]> {
    return await mapErrors(async () => {
      const reversals: ProviderReversal[] = [];
      for await (const reversal of this.stripe.transfers.listReversals(transferId, { limit: 100 })) {
        reversals.push({
          id: reversal.id,
          transferId: idOf(reversal.transfer),
          amountCents: reversal.amount,
          metadata: { ...(reversal.metadata ?? {}) },
        });
      }
      return reversals;
    });
  }

  /**
   * Since API 2025-03-31.basil an invoice names no charge: its paid invoice payments name a payment intent (whose
   * `latest_charge` is the charge) or, for a charge without an intent, the charge. Payment records (money recorded
   * outside Stripe) have no charge and collect nothing here. Each succeeded charge in the invoice's currency counts
   * for what its payment paid of this invoice (never more than the charge), and comes with its state now (refunded,
   * disputed) as chargeSnapshot reads it, from the same expanded charge. A charge without a payment intent is
   * flagged `withoutPaymentIntent`. Any Stripe error is thrown, classified.
   */
  async chargesOf(invoiceId: string, currency: string): Promise<InvoiceCharges> {
    return await mapErrors(async () => {
      const payments: Stripe.InvoicePayment[] = [];
      // One request on the happy path: each payment comes with its intent and the intent's charge expanded.
      const listing = this.stripe.invoicePayments.list({
        invoice: invoiceId,
        status: 'paid',
        limit: 100,
        expand: ['data.payment.payment_intent.latest_charge'],
      });
      for await (const payment of listing) payments.push(payment);
      payments.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
      const charges: SourceCharge[] = [];
      const chargeStates: ChargeSnapshot[] = [];
      for (const payment of payments) {
        const charge = await this.chargeOf(payment.payment);
        if (!charge) continue;
        if (charge.status !== 'succeeded' || charge.currency.toLowerCase() !== currency.toLowerCase()) continue;
        const amountCents = Math.min(payment.amount_paid ?? 0, charge.amount);
        if (amountCents <= 0) continue;
        // No intent: nothing at Stripe leads from this charge back to the invoice (see SourceCharge).
        const withoutPaymentIntent = !charge.payment_intent;
        charges.push({ chargeId: charge.id, amountCents, ...(withoutPaymentIntent ? { withoutPaymentIntent } : {}) });
        chargeStates.push(await this.snapshotOf(charge));
      }
      return { charges, chargeStates };
    });
  }

  /** The payment's charge, as expanded in the listing (retrieved only where it came as an id). */
  private async chargeOf(payment: Stripe.InvoicePayment.Payment): Promise<Stripe.Charge | undefined> {
    if (payment.type === 'charge' && payment.charge) return await this.expanded(payment.charge);
    if (payment.type !== 'payment_intent' || !payment.payment_intent) return undefined;
    const intent =
      typeof payment.payment_intent === 'string'
        ? await this.stripe.paymentIntents.retrieve(payment.payment_intent, { expand: ['latest_charge'] })
        : payment.payment_intent;
    return intent.latest_charge ? await this.expanded(intent.latest_charge) : undefined;
  }

  private async expanded(charge: string | Stripe.Charge): Promise<Stripe.Charge> {
    return typeof charge === 'string' ? await this.stripe.charges.retrieve(charge) : charge;
  }
}

const idOf = (value: string | { id: string }): string => (typeof value === 'string' ? value : value.id);

export function toProviderTransfer(transfer: Stripe.Transfer): ProviderTransfer {
  const destination = transfer.destination;
  return {
    id: transfer.id,
    amountCents: transfer.amount,
    amountReversedCents: transfer.amount_reversed,
    reversed: transfer.reversed,
    currency: transfer.currency,
    destinationAccountId: typeof destination === 'string' ? destination : (destination?.id ?? ''),
    ...(transfer.transfer_group ? { transferGroup: transfer.transfer_group } : {}),
    metadata: { ...(transfer.metadata ?? {}) },
    ...(transfer.source_transaction ? { sourceTransaction: idOf(transfer.source_transaction) } : {}),
    created: transfer.created,
  };
}

async function mapErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toPaymentProviderError(error);
  }
}

/**
 * Permanent: card, invalid request (incl. balance_insufficient, resource_missing), permission, and idempotency
 * errors other than "key in use". Transient: connection errors, rate limits, 5xx, authentication (a configuration
 * fault: retry and dead-letter, nothing is wrong with the row), "key in use" (a concurrent request), anything else.
 */
export function toPaymentProviderError(error: unknown): PaymentProviderError {
  if (!isStripeError(error)) {
    return new PaymentProviderError(false, 'unknown_error', error instanceof Error ? error.message : String(error));
  }
  const code = error.code ?? error.rawType ?? error.type;
  const status = error.statusCode;
  const permanent =
    (error.type === 'StripeCardError' ||
      error.type === 'StripeInvalidRequestError' ||
      error.type === 'StripePermissionError' ||
      (error.type === 'StripeIdempotencyError' && error.code !== 'idempotency_key_in_use')) &&
    (status === undefined || status < 500);
  return new PaymentProviderError(permanent, code, error.message, status);
}
