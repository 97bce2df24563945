/**
 * Builds one of the four handlers in a variant worker. All use the same clients (built as the functions build
 * theirs), the same signature verifier class and the same emulator.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { env } from '#contracts/environment.js';
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { StripePaymentProvider } from '../../adapters/stripe/payments.js';
import { StripeWebhookSignatureVerifier } from '../../adapters/stripe/webhook-signature.js';
import { createDocumentClient } from '../../functions/commons/clients.js';
import { webhookConfig } from '../../functions/commons/config.js';
import { functionRuntime } from '../../functions/commons/runtime.js';
import { createStripeApiClient, stripeClients } from '../../functions/commons/stripe-api-client.js';
import { composeWebhook } from '../../functions/stripe-webhook/compose.js';
import { localDynamoDbClient, localSqsClient } from '../../local/aws-clients.js';
import { createFloorHandler } from './floor.js';
import { createInlineHandler } from './inline.js';
import { createPowertoolsHandler } from './powertools.js';
import type { VariantName, WebhookHandler } from './variant.js';
import type { WorkerConfig } from './worker-protocol.js';

export interface BuiltVariant {
  handler: WebhookHandler;
  /** The clients every variant uses (the bench counts their requests). */
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient };
}

export async function buildVariant(config: WorkerConfig): Promise<BuiltVariant> {
  const clients = { dynamodb: localDynamoDbClient(config.dynamodbEndpoint), sqs: localSqsClient(config.sqsEndpoint) };
  const dynamodb = createDocumentClient(clients.dynamodb);
  const { sqs } = clients;
  const verifier = new StripeWebhookSignatureVerifier();
  const secrets = [config.webhookSecret];
  const builders: Record<VariantName, () => WebhookHandler> = {
    // The deployed webhook, from its composition root, with the configuration a deployment gives it.
    ack: () =>
      composeWebhook(
        functionRuntime('stripe-webhook', {
          dynamodb: () => clients.dynamodb,
          sqs: () => clients.sqs,
          // The webhook never publishes to SNS; a client that is never built.
          sns: () => {
            throw new Error('the webhook has no SNS client');
          },
          stripe: stripeClients({ baseUrl: config.stripe.url }),
        }),
        webhookConfig({
          [env.auditTable]: config.auditTable,
          [env.processEventQueueUrl]: config.processEventQueueUrl,
          [env.alertsQueueUrl]: config.alertsQueueUrl,
          [env.stripeWebhookSecrets]: config.webhookSecret,
        }),
      ),
    floor: () =>
      createFloorHandler({
        dynamodb,
        sqs,
        verifier,
        secrets,
        auditTable: config.auditTable,
        queueUrl: config.processEventQueueUrl,
      }),
    powertools: () =>
      createPowertoolsHandler({
        dynamodb,
        sqs,
        verifier,
        secrets,
        idempotencyTable: config.idempotencyTable,
        queueUrl: config.processEventQueueUrl,
      }),
    inline: () =>
      createInlineHandler({
        dynamodb,
        verifier,
        secrets,
        auditTable: config.auditTable,
        ledgerTable: config.ledgerTable,
        ledger: new DynamoDbLedgerStore(dynamodb, config.ledgerTable),
        districts: new DynamoDbDistrictStore(dynamodb, config.districtsTable),
        payments: new StripePaymentProvider(
          createStripeApiClient(config.stripe.apiKey, { baseUrl: config.stripe.url }),
        ),
      }),
  };
  return { handler: builders[config.variant](), clients };
}
