/** Customers: create, retrieve, update (email, name, description, phone, metadata, default payment method). */
import type Stripe from 'stripe';
import { type Core, previousOf } from './core.js';
import { resourceMissing } from './errors.js';
import { newId } from './objects.js';
import { testCard } from './payments.js';
import type { RequestContext } from './store.js';

export interface CustomerChanges {
  email?: string;
  name?: string;
  description?: string;
  phone?: string;
  metadata?: Record<string, string>;
  /** A test payment method (e.g. pm_card_visa) used when an invoice is paid without one. */
  default_payment_method?: string;
}

export class Customers {
  readonly customers = new Map<string, Stripe.Customer>();

  constructor(private readonly core: Core) {}

  reset(): void {
    this.customers.clear();
  }

  get(id: string, param = 'id', status = 404): Stripe.Customer {
    const customer = this.customers.get(id);
    if (!customer) throw resourceMissing('customer', id, param, status);
    return customer;
  }

  create(changes: CustomerChanges, ctx: RequestContext): Stripe.Customer {
    if (changes.default_payment_method)
      testCard(changes.default_payment_method, 'invoice_settings[default_payment_method]');
    const id = newId('cus');
    const customer: Stripe.Customer = {
      id,
      object: 'customer',
      address: null,
      balance: 0,
      created: this.core.clock.now(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: changes.description ?? null,
      discount: null,
      email: changes.email ?? null,
      invoice_prefix: id.slice(4, 12).toUpperCase(),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: changes.default_payment_method ?? null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: changes.metadata ?? {},
      name: changes.name ?? null,
      next_invoice_sequence: 1,
      phone: changes.phone ?? null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    };
    this.customers.set(id, customer);
    this.core.emit('customer.created', customer, ctx);
    return customer;
  }

  update(id: string, changes: CustomerChanges, ctx: RequestContext): Stripe.Customer {
    const customer = this.get(id);
    if (changes.default_payment_method)
      testCard(changes.default_payment_method, 'invoice_settings[default_payment_method]');
    const keys = (['email', 'name', 'description', 'phone', 'metadata'] as const).filter(
      (k) => changes[k] !== undefined,
    );
    const previous: Record<string, unknown> = previousOf(customer, keys);
    for (const key of ['email', 'name', 'description', 'phone'] as const) {
      const value = changes[key];
      if (value !== undefined) customer[key] = value === '' ? null : value;
    }
    if (changes.metadata) {
      for (const [key, value] of Object.entries(changes.metadata)) {
        if (value === '') delete customer.metadata[key];
        else customer.metadata[key] = value;
      }
    }
    if (changes.default_payment_method !== undefined) {
      previous.invoice_settings = structuredClone(customer.invoice_settings);
      customer.invoice_settings.default_payment_method = changes.default_payment_method || null;
    }
    this.core.emit('customer.updated', customer, ctx, previous);
    return customer;
  }
}
