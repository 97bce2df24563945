/** The emulator's state: accounts, transfers (with reversals), invoices, events and the platform balance. */
import { WebhookDelivery } from './delivery.js';
import { balanceInsufficient, parameterInvalid, resourceMissing } from './errors.js';
import {
  type AccountParams,
  buildAccount,
  buildBalance,
  buildEvent,
  buildTransfer,
  buildTransferReversal,
  deepMerge,
  type StripeEventLike,
  type StripeObject,
  type TransferObject,
  type TransferParams,
} from './objects.js';

export const DEFAULT_BALANCE = 10_000_000_00;
export const DEFAULT_CURRENCY = 'usd';

/** Who asked: stamped on the events a request causes (`event.request`). */
export interface RequestContext {
  requestId: string | null;
  idempotencyKey: string | null;
}

const NO_REQUEST: RequestContext = { requestId: null, idempotencyKey: null };

export class EmulatorStore {
  readonly accounts = new Map<string, StripeObject>();
  readonly transfers = new Map<string, TransferObject>();
  readonly invoices = new Map<string, StripeObject>();
  readonly events = new Map<string, StripeEventLike>();
  /** Webhook endpoints and the delivery of every emitted event to them (delivery.ts). */
  readonly webhooks = new WebhookDelivery();
  private readonly available = new Map<string, number>([[DEFAULT_CURRENCY, DEFAULT_BALANCE]]);

  reset(): void {
    this.accounts.clear();
    this.transfers.clear();
    this.invoices.clear();
    this.events.clear();
    this.webhooks.reset();
    this.available.clear();
    this.available.set(DEFAULT_CURRENCY, DEFAULT_BALANCE);
  }

  /** Stores an event as Stripe would emit it (data.object is a snapshot). */
  emit<T extends object>(
    type: string,
    object: T,
    ctx: RequestContext = NO_REQUEST,
    previousAttributes?: Record<string, unknown>,
  ): StripeEventLike<T> {
    const event = buildEvent(
      type,
      object,
      { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
      previousAttributes,
    );
    this.events.set(event.id, event as StripeEventLike);
    this.webhooks.dispatch(event as StripeEventLike);
    return event;
  }

  getEvent(id: string): StripeEventLike {
    const event = this.events.get(id);
    if (!event) throw resourceMissing('event', id);
    return event;
  }

  setBalance(amount: number, currency = DEFAULT_CURRENCY): void {
    this.available.set(currency.toLowerCase(), amount);
  }

  balance(): Record<string, unknown> {
    return buildBalance(this.available);
  }

  createAccount(params: AccountParams): StripeObject {
    const account = buildAccount(params);
    this.accounts.set(account.id, account);
    return account;
  }

  getAccount(id: string): StripeObject {
    const account = this.accounts.get(id);
    if (!account) throw resourceMissing('account', id, 'account');
    return account;
  }

  updateAccount(id: string, changes: Record<string, unknown>, ctx: RequestContext): StripeObject {
    const account = this.getAccount(id);
    const previous = Object.fromEntries(Object.keys(changes).map((key) => [key, structuredClone(account[key])]));
    deepMerge(account, changes);
    this.emit('account.updated', account, ctx, previous);
    return account;
  }

  createTransfer(params: TransferParams, ctx: RequestContext): TransferObject {
    if (!this.accounts.has(params.destination)) {
      throw resourceMissing('destination', params.destination, 'destination', 400);
    }
    const available = this.available.get(params.currency) ?? 0;
    if (params.amount > available) throw balanceInsufficient();
    this.available.set(params.currency, available - params.amount);
    const transfer = buildTransfer(params);
    this.transfers.set(transfer.id, transfer);
    this.emit('transfer.created', transfer, ctx);
    return transfer;
  }

  getTransfer(id: string, param = 'id'): TransferObject {
    const transfer = this.transfers.get(id);
    if (!transfer) throw resourceMissing('transfer', id, param);
    return transfer;
  }

  updateTransfer(
    id: string,
    changes: { description?: string; metadata?: Record<string, string> },
    ctx: RequestContext,
  ): TransferObject {
    const transfer = this.getTransfer(id);
    const previous = Object.fromEntries(Object.keys(changes).map((key) => [key, structuredClone(transfer[key])]));
    if (changes.description !== undefined) transfer.description = changes.description || null;
    if (changes.metadata) {
      // Stripe unsets a metadata key posted with an empty value.
      for (const [key, value] of Object.entries(changes.metadata)) {
        if (value === '') delete transfer.metadata[key];
        else transfer.metadata[key] = value;
      }
    }
    this.emit('transfer.updated', transfer, ctx, previous);
    return transfer;
  }

  /** Reverses `amount` (default: all that remains), returning the funds to the platform balance. */
  reverseTransfer(
    id: string,
    params: { amount?: number; metadata?: Record<string, string> },
    ctx: RequestContext,
  ): StripeObject {
    const transfer = this.getTransfer(id);
    const remaining = transfer.amount - transfer.amount_reversed;
    if (remaining <= 0) {
      throw parameterInvalid('amount', `Transfer ${id} has already been fully reversed.`, null);
    }
    const amount = params.amount ?? remaining;
    if (amount < 1 || amount > remaining) {
      throw parameterInvalid(
        'amount',
        `Reversal amount (${amount}) must be between 1 and the transfer's unreversed amount (${remaining}).`,
        null,
      );
    }
    const previous = { amount_reversed: transfer.amount_reversed, reversed: transfer.reversed };
    const reversal = buildTransferReversal(transfer, amount, params.metadata);
    transfer.amount_reversed += amount;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    transfer.reversals.data.unshift(reversal);
    this.available.set(transfer.currency, (this.available.get(transfer.currency) ?? 0) + amount);
    this.emit('transfer.reversed', transfer, ctx, previous);
    return reversal;
  }

  addInvoice(invoice: StripeObject): StripeObject {
    this.invoices.set(invoice.id, invoice);
    return invoice;
  }

  getInvoice(id: string): StripeObject {
    const invoice = this.invoices.get(id);
    if (!invoice) throw resourceMissing('invoice', id);
    return invoice;
  }
}
