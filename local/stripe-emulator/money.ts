/**
 * Balances, from balance transactions: per account (the platform or a connected account) and currency,
 * `available` is what a set balance plus every transaction whose `available_on` has passed adds up to, and
 * `pending` the transactions still waiting for their `available_on`. Nothing is charged as fees.
 */
import type Stripe from 'stripe';
import type { Clock } from './clock.js';
import { newId } from './objects.js';

export const DEFAULT_BALANCE = 10_000_000_00;
export const DEFAULT_CURRENCY = 'usd';
/** The account key of the platform itself (connected accounts use their acct_ id). */
export const PLATFORM = 'platform';

export interface TransactionParams {
  amount: number;
  currency: string;
  type: Stripe.BalanceTransaction.Type;
  reportingCategory: string;
  source: string;
  description?: string | null;
  /** Default: now (available at once). */
  availableOn?: number;
}

interface Entry {
  account: string;
  transaction: Stripe.BalanceTransaction;
}

const key = (account: string, currency: string): string => `${account} ${currency}`;

export class Ledger {
  private readonly entries = new Map<string, Entry>();
  /** What setBalance put on top of the transactions, per `account currency`. */
  private readonly base = new Map<string, number>();

  constructor(private readonly clock: Clock) {
    this.reset();
  }

  reset(): void {
    this.entries.clear();
    this.base.clear();
    this.base.set(key(PLATFORM, DEFAULT_CURRENCY), DEFAULT_BALANCE);
  }

  record(account: string, params: TransactionParams): Stripe.BalanceTransaction {
    const created = this.clock.now();
    const transaction: Stripe.BalanceTransaction = {
      id: newId('txn'),
      object: 'balance_transaction',
      amount: params.amount,
      available_on: Math.max(created, params.availableOn ?? created),
      balance_type: 'payments',
      created,
      currency: params.currency,
      description: params.description ?? null,
      exchange_rate: null,
      fee: 0,
      fee_details: [],
      net: params.amount,
      reporting_category: params.reportingCategory,
      source: params.source,
      status: 'available',
      type: params.type,
    };
    this.entries.set(transaction.id, { account, transaction });
    return this.view(transaction);
  }

  /** The transaction as Stripe shows it now (`status` follows the clock), or undefined if not this account's. */
  retrieve(id: string, account: string): Stripe.BalanceTransaction | undefined {
    const entry = this.entries.get(id);
    return entry && entry.account === account ? this.view(entry.transaction) : undefined;
  }

  /** The transaction, whichever account it belongs to (for `expand`). */
  find(id: string): Stripe.BalanceTransaction | undefined {
    const entry = this.entries.get(id);
    return entry ? this.view(entry.transaction) : undefined;
  }

  /** The account's transactions, oldest first. */
  transactions(account: string): Stripe.BalanceTransaction[] {
    return [...this.entries.values()].filter((e) => e.account === account).map((e) => this.view(e.transaction));
  }

  available(account: string, currency: string): number {
    return (this.base.get(key(account, currency)) ?? 0) + this.sum(account, currency, true);
  }

  pending(account: string, currency: string): number {
    return this.sum(account, currency, false);
  }

  /** Makes the available balance exactly `amount` (pending funds are left as they are). */
  setAvailable(account: string, currency: string, amount: number): void {
    this.base.set(key(account, currency), amount - this.sum(account, currency, true));
  }

  balance(account: string): Stripe.Balance {
    const currencies = new Set<string>();
    for (const k of this.base.keys()) if (k.startsWith(`${account} `)) currencies.add(k.slice(account.length + 1));
    for (const e of this.entries.values()) if (e.account === account) currencies.add(e.transaction.currency);
    if (currencies.size === 0) currencies.add(DEFAULT_CURRENCY);
    const sorted = [...currencies].sort();
    return {
      object: 'balance',
      available: sorted.map((currency) => {
        const amount = this.available(account, currency);
        return { amount, currency, source_types: { card: amount } };
      }),
      connect_reserved: sorted.map((currency) => ({ amount: 0, currency })),
      livemode: false,
      pending: sorted.map((currency) => {
        const amount = this.pending(account, currency);
        return { amount, currency, source_types: { card: amount } };
      }),
    };
  }

  private sum(account: string, currency: string, available: boolean): number {
    const now = this.clock.now();
    let total = 0;
    for (const { account: a, transaction: t } of this.entries.values()) {
      if (a === account && t.currency === currency && t.available_on <= now === available) total += t.net;
    }
    return total;
  }

  private view(transaction: Stripe.BalanceTransaction): Stripe.BalanceTransaction {
    const status = transaction.available_on <= this.clock.now() ? 'available' : 'pending';
    return { ...structuredClone(transaction), status };
  }
}
