/**
 * `powertools`: what a team would otherwise pick. @aws-lambda-powertools/idempotency's makeIdempotent with its
 * DynamoDB persistence layer (its own table, key `id`), keyed on the event id, around signature check + enqueue.
 * A repeat gets the stored response; a repeat while the first is in flight gets an error (here a 409).
 */

import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebhookSignatureVerifier } from '../../adapters/stripe/webhook-signature.js';
import { signatureOf } from './proxy-event.js';
import { json, type WebhookHandler } from './variant.js';

export interface PowertoolsDeps {
  /** The document client the real handler uses: the persistence layer sends its own (raw) commands through it. */
  dynamodb: DynamoDBDocumentClient;
  sqs: SQSClient;
  verifier: WebhookSignatureVerifier;
  secrets: string[];
  idempotencyTable: string;
  queueUrl: string;
}

export function createPowertoolsHandler(deps: PowertoolsDeps): WebhookHandler {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: deps.idempotencyTable,
    awsSdkV3Client: deps.dynamodb as unknown as ConstructorParameters<
      typeof DynamoDBPersistenceLayer
    >[0]['awsSdkV3Client'],
  });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'powertools_json(body).id' });

  const verifyAndEnqueue: WebhookHandler = async (event) => {
    const rawBody = event.body ?? '';
    deps.verifier.verify(rawBody, signatureOf(event), deps.secrets, new Date());
    const { id, type } = JSON.parse(rawBody) as { id: string; type: string };
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.queueUrl,
        MessageBody: JSON.stringify({ stripeEventId: id, eventType: type, rawEvent: rawBody }),
        MessageDeduplicationId: id,
        MessageGroupId: id,
      }),
    );
    return json(200, { received: true });
  };
  const idempotent = makeIdempotent(verifyAndEnqueue, { persistenceStore, config });

  return async (event, context) => {
    try {
      return await idempotent(event, context);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'IdempotencyAlreadyInProgressError') return json(409, { error: 'In progress' });
      if (name === 'WebhookSignatureError') return json(400, { error: 'Bad signature' });
      throw error;
    }
  };
}
