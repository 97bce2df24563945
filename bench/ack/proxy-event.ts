/** The APIGatewayProxyEvent the HTTP API (payload format 1.0) hands the webhook function for one delivery. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { WEBHOOK_PATH } from '#contracts/api-routes.js';
import { proxyEvent } from '../../local/proxy-event.js';

export function webhookProxyEvent(body: string, signature: string): APIGatewayProxyEvent {
  return proxyEvent({
    method: 'POST',
    resource: WEBHOOK_PATH,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'Stripe-Signature': signature,
    },
    body,
    stage: 'bench',
  });
}

/** The Stripe-Signature header of a proxy event (header names keep the sender's case). */
export function signatureOf(event: APIGatewayProxyEvent): string | undefined {
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (name.toLowerCase() === 'stripe-signature') return value;
  }
  return undefined;
}
