/** What the ack bench compares: four webhook handlers behind the same transport (an in-process Lambda call). */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type WebhookHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export const VARIANT_NAMES = ['ack', 'floor', 'powertools', 'inline'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

export const json = (statusCode: number, body: Record<string, unknown>): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});
