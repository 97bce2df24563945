/**
 * The emulator's state: accounts, transfers (with reversals), events, and the parts in their own files (balances,
 * customers, invoices, payments, refunds, disputes, credit notes), which reach each other through this store.
 */
import type Stripe from 'stripe';
import { Clock } from './clock.js';
import { CreditNotes } from './credit-notes.js';
import { Customers } from './customers.js';
import { WebhookDelivery } from './delivery.js';
import { Disputes } from './disputes.js';
import { parameterInvalid, resourceMissing } from './errors.js';
import { type InvoicePaymentSpec, Invoicing } from './invoices.js';
import { DEFAULT_CURRENCY, Ledger, PLATFORM } from './money.js';
import {
  type AccountParams,
  buildAccount,
  buildEvent,
  buildTransfer,
  buildTransferReversal,
  deepMerge,
  type StripeEventLike,
  type StripeObject,
  type TransferObject,
  type TransferParams,
} from './objects.js';
import { Payments } from './payments.js';
import { Refunds } from './refunds.js';
import { TransferFunds } from './transfer-funds.js';

export { DEFAULT_BALANCE, DEFAULT_CURRENCY } from './money.js';

/** Who asked: stamped on the events a request causes (`event.request`). */
export interface RequestContext {
  requestId: string | null;
  idempotencyKey: string | null;
  /** The Stripe-Account header: the connected account the request acts as. */
  account?: string | null;
}

const NO_REQUEST: RequestContext = { requestId: null, idempotencyKey: null };

export class EmulatorStore {
  readonly accounts = new Map<string, StripeObject>();
  readonly transfers = new Map<string, TransferObject>();
  readonly events = new Map<string, StripeEventLike>();
  /** Webhook endpoints and the delivery of every emitted event to them (delivery.ts). */
  readonly webhooks = new WebhookDelivery();
  readonly clock = new Clock();
  /** Balances of the platform and of each connected account (money.ts). */
  readonly ledger = new Ledger(this.clock);
  readonly customers: Customers = new Customers(this);
  readonly payments: Payments = new Payments(this);
  readonly invoicing: Invoicing = new Invoicing(this);
  readonly refunds: Refunds = new Refunds(this);
  readonly disputes: Disputes = new Disputes(this);
  readonly creditNotes: CreditNotes = new CreditNotes(this);
  private readonly funds = new TransferFunds(this, () => this.transfers.values());

  /** Every invoice, the ones built by the test harness and the ones created through the API. */
  get invoices(): Map<string, Stripe.Invoice> {
    return this.invoicing.invoices;
  }

  reset(): void {
    this.accounts.clear();
    this.transfers.clear();
    this.events.clear();
    this.webhooks.reset();
    this.clock.reset();
    this.ledger.reset();
    for (const part of [this.customers, this.payments, this.invoicing, this.refunds, this.disputes, this.creditNotes]) {
      part.reset();
    }
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
    event.created = this.clock.now();
    this.events.set(event.id, event as StripeEventLike);
    this.webhooks.dispatch(event as StripeEventLike);
    return event;
  }

  getEvent(id: string): StripeEventLike {
    const event = this.events.get(id);
    if (!event) throw resourceMissing('event', id);
    return event;
  }

  /** Sets the available balance of the platform (or of a connected account). */
  setBalance(amount: number, currency = DEFAULT_CURRENCY, account = PLATFORM): void {
    this.ledger.setAvailable(account, currency.toLowerCase(), amount);
  }

  /** The balance of the platform, or of the connected account `account`. */
  balance(account: string | null = null): Stripe.Balance {
    return this.ledger.balance(account ?? PLATFORM);
  }

  createAccount(params: AccountParams): StripeObject {
    const account = buildAccount(params);
    account.created = this.clock.now();
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
    const funding = this.funds.check(params);
    const transfer = buildTransfer(params);
    transfer.created = this.clock.now();
    this.funds.book(transfer, funding);
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
    this.funds.checkReversal(transfer, amount);
    const previous = { amount_reversed: transfer.amount_reversed, reversed: transfer.reversed };
    const reversal = buildTransferReversal(transfer, amount, params.metadata);
    reversal.created = this.clock.now();
    reversal.balance_transaction = this.funds.bookReversal(transfer, reversal.id, amount);
    transfer.amount_reversed += amount;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    transfer.reversals.data.unshift(reversal);
    this.emit('transfer.reversed', transfer, ctx, previous);
    return reversal;
  }

  addInvoice(invoice: StripeObject, payments?: readonly InvoicePaymentSpec[]): StripeObject {
    return this.invoicing.add(invoice, payments);
  }

  getInvoice(id: string): Stripe.Invoice {
    return this.invoicing.get(id);
  }

  /** Moves emulator time forward: pending funds whose available_on passes become available. */
  advanceClock(seconds: number): number {
    return this.clock.advance(seconds);
  }
}
