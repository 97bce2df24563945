/**
 * Builds one of the four handlers in a variant worker. All use the clients of functions/commons/clients.ts (the
 * real webhook's module-level clients, same configuration), the same signature verifier class and the same emulator.
 */

import { env } from '#contracts/environment.js';
import { DynamoDbDistrictStore } from '../../adapters/dynamodb/districts.js';
import { DynamoDbLedgerStore } from '../../adapters/dynamodb/ledger.js';
import { StripePaymentProvider } from '../../adapters/stripe/payments.js';
import { StripeWebhookSignatureVerifier } from '../../adapters/stripe/webhook-signature.js';
import { dynamoDbDocumentClient, sqsClient } from '../../functions/commons/clients.js';
import { stripeClientFor } from '../../functions/commons/stripe-client.js';
import { createFloorHandler } from './floor.js';
import { createInlineHandler } from './inline.js';
import { createPowertoolsHandler } from './powertools.js';
import type { VariantName, WebhookHandler } from './variant.js';
import type { WorkerConfig } from './worker-protocol.js';

export async function buildVariant(config: WorkerConfig): Promise<WebhookHandler> {
  configureEnvironment(config);
  const dynamodb = dynamoDbDocumentClient();
  const sqs = sqsClient();
  const verifier = new StripeWebhookSignatureVerifier();
  const secrets = [config.webhookSecret];
  const builders: Record<VariantName, () => Promise<WebhookHandler>> = {
    // The deployed entry point, imported after its environment is set: it reads its configuration at import.
    ack: async () =>
      ((await import('../../functions/stripe-webhook/handler.js')) as { handler: WebhookHandler }).handler,
    floor: async () =>
      createFloorHandler({
        dynamodb,
        sqs,
        verifier,
        secrets,
        auditTable: config.auditTable,
        queueUrl: config.processEventQueueUrl,
      }),
    powertools: async () =>
      createPowertoolsHandler({
        dynamodb,
        sqs,
        verifier,
        secrets,
        idempotencyTable: config.idempotencyTable,
        queueUrl: config.processEventQueueUrl,
      }),
    inline: async () =>
      createInlineHandler({
        dynamodb,
        verifier,
        secrets,
        auditTable: config.auditTable,
        ledgerTable: config.ledgerTable,
        ledger: new DynamoDbLedgerStore(dynamodb, config.ledgerTable),
        districts: new DynamoDbDistrictStore(dynamodb, config.districtsTable),
        payments: new StripePaymentProvider(stripeClientFor(config.stripe.apiKey, config.stripe.url)),
      }),
  };
  return await builders[config.variant]();
}

/** What the deployed webhook function is configured with, pointed at the local services (every variant reads the endpoints). */
function configureEnvironment(config: WorkerConfig): void {
  Object.assign(process.env, {
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [env.powertoolsServiceName]: 'stripe-webhook',
    [env.dynamodbEndpoint]: config.dynamodbEndpoint,
    [env.sqsEndpoint]: config.sqsEndpoint,
    [env.auditTable]: config.auditTable,
    [env.processEventQueueUrl]: config.processEventQueueUrl,
    [env.alertsQueueUrl]: config.alertsQueueUrl,
    [env.stripeWebhookSecrets]: config.webhookSecret,
  });
}
