/**
 * PaymentProvider on the official Stripe SDK. The client is handed in (pinned to STRIPE_API_VERSION by whoever
 * builds it); Stripe errors become PaymentProviderError with `permanent` set by whether repeating can help.
 */
import Stripe from 'stripe';
import {
  type PaymentProvider,
  PaymentProviderError,
  type ProviderTransfer,
  type TransferRequest,
} from '../../domain/ports.js';

export class StripePaymentProvider implements PaymentProvider {
  constructor(private readonly stripe: Stripe) {}

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
}

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
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new PaymentProviderError(false, 'unknown_error', error instanceof Error ? error.message : String(error));
  }
  const code = error.code ?? error.rawType ?? error.type;
  const status = error.statusCode;
  const permanent =
    (error instanceof Stripe.errors.StripeCardError ||
      error instanceof Stripe.errors.StripeInvalidRequestError ||
      error instanceof Stripe.errors.StripePermissionError ||
      (error instanceof Stripe.errors.StripeIdempotencyError && error.code !== 'idempotency_key_in_use')) &&
    (status === undefined || status < 500);
  return new PaymentProviderError(permanent, code, error.message, status);
}
