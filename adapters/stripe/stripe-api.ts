/**
 * The Stripe API calls this stack makes, typed with the official SDK's types (a type-only import: no SDK code is
 * bundled). The functions' client (functions/commons/stripe-api-client.ts) implements it; so does an instance of
 * the SDK, whose methods have these shapes, which keeps the adapters usable with either.
 */
import type Stripe from 'stripe';

export interface RequestOptions {
  idempotencyKey?: string;
}

/** A list call: awaited, its first page; iterated, every item of every page (`starting_after` the last one). */
export type ListPromise<T> = Promise<Stripe.ApiList<T>> & AsyncIterable<T>;

export interface StripeApi {
  readonly transfers: {
    create(params: Stripe.TransferCreateParams, options?: RequestOptions): Promise<Stripe.Transfer>;
    retrieve(id: string): Promise<Stripe.Transfer>;
    list(params: Stripe.TransferListParams): ListPromise<Stripe.Transfer>;
    createReversal(
      id: string,
      params: Stripe.TransferCreateReversalParams,
      options?: RequestOptions,
    ): Promise<Stripe.TransferReversal>;
    listReversals(id: string, params: Stripe.TransferListReversalsParams): ListPromise<Stripe.TransferReversal>;
  };
  readonly charges: {
    retrieve(id: string): Promise<Stripe.Charge>;
  };
  readonly disputes: {
    list(params: Stripe.DisputeListParams): ListPromise<Stripe.Dispute>;
  };
  readonly invoicePayments: {
    list(params: Stripe.InvoicePaymentListParams): ListPromise<Stripe.InvoicePayment>;
  };
  readonly paymentIntents: {
    retrieve(id: string, params?: Stripe.PaymentIntentRetrieveParams): Promise<Stripe.PaymentIntent>;
  };
  readonly invoices: {
    list(params: Stripe.InvoiceListParams): ListPromise<Stripe.Invoice>;
  };
  readonly events: {
    retrieve(id: string): Promise<Stripe.Event>;
    list(params: Stripe.EventListParams): ListPromise<Stripe.Event>;
  };
  readonly webhookEndpoints: {
    retrieve(id: string): Promise<Stripe.WebhookEndpoint>;
    list(params: Stripe.WebhookEndpointListParams): ListPromise<Stripe.WebhookEndpoint>;
  };
}
