/**
 * `floor`: the least any design can do to acknowledge an event safely. The signature check (an HMAC, microseconds:
 * no design may skip it), one conditional PutItem that records the event, one SendMessage that carries its raw body
 * (as the deployed webhook's does). No framework, no logging, no metrics.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookSignatureVerifier } from '../../adapters/stripe/webhook-signature.js';
import { signatureOf } from './proxy-event.js';
import { json, type WebhookHandler } from './variant.js';

export interface FloorDeps {
  dynamodb: DynamoDBDocumentClient;
  sqs: SQSClient;
  verifier: WebhookSignatureVerifier;
  secrets: string[];
  auditTable: string;
  queueUrl: string;
}

export function createFloorHandler(deps: FloorDeps): WebhookHandler {
  return async (event) => {
    const rawBody = event.body ?? '';
    try {
      deps.verifier.verify(rawBody, signatureOf(event), deps.secrets, new Date());
    } catch {
      return json(400, { error: 'Bad signature' });
    }
    const { id, type } = JSON.parse(rawBody) as { id: string; type: string };
    const now = new Date().toISOString();
    try {
      await deps.dynamodb.send(
        new PutCommand({
          TableName: deps.auditTable,
          Item: {
            stripeEventId: id,
            eventType: type,
            status: 'RECEIVED',
            openStatus: 'RECEIVED',
            createdAt: now,
            updatedAt: now,
          },
          ConditionExpression: 'attribute_not_exists(stripeEventId)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return json(200, { duplicate: true });
      throw error;
    }
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
}
