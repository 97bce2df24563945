/** The PaymentProvider of one invocation of a worker that calls Stripe, from the API key on its context. */
import type { Context } from 'aws-lambda';
import { StripePaymentProvider } from '../../adapters/stripe/payments.js';
import type { ClawbackProvider, InvoicePaymentReader, PaymentProvider } from '../../domain/ports.js';
import { stripeApiKeyFrom } from './secrets.js';
import type { StripeClients } from './stripe-api-client.js';

export type PaymentsForContext = (context: Context) => PaymentProvider & InvoicePaymentReader & ClawbackProvider;

export const stripePaymentsFromContext =
  (stripe: StripeClients): PaymentsForContext =>
  (context) =>
    new StripePaymentProvider(stripe(stripeApiKeyFrom(context)));
