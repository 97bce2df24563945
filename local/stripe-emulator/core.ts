/** What the emulator's parts share: the clock, the ledger, event emission and each other (looked up at call time). */
import type { Clock } from './clock.js';
import type { CreditNotes } from './credit-notes.js';
import type { Customers } from './customers.js';
import type { Disputes } from './disputes.js';
import type { Invoicing } from './invoices.js';
import type { Ledger } from './money.js';
import type { Payments } from './payments.js';
import type { Refunds } from './refunds.js';
import type { RequestContext } from './store.js';

export interface Core {
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly customers: Customers;
  readonly payments: Payments;
  readonly invoicing: Invoicing;
  readonly refunds: Refunds;
  readonly disputes: Disputes;
  readonly creditNotes: CreditNotes;
  emit<T extends object>(
    type: string,
    object: T,
    ctx?: RequestContext,
    previousAttributes?: Record<string, unknown>,
  ): unknown;
}

/** The values `object` had for `keys`, for an event's `data.previous_attributes`. */
export function previousOf<T extends object>(object: T, keys: Array<keyof T & string>): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, structuredClone(object[k])]));
}
