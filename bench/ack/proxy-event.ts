/** The APIGatewayProxyEvent API Gateway's REST proxy integration hands the webhook function for one delivery. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

export const WEBHOOK_RESOURCE = '/stripe/webhook';

export function webhookProxyEvent(body: string, signature: string): APIGatewayProxyEvent {
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    'Stripe-Signature': signature,
  };
  return {
    resource: WEBHOOK_RESOURCE,
    path: WEBHOOK_RESOURCE,
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: 'POST',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: headers['User-Agent'],
        userArn: null,
      },
      path: `/bench${WEBHOOK_RESOURCE}`,
      stage: 'bench',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'bench',
      resourcePath: WEBHOOK_RESOURCE,
    },
  };
}

/** The Stripe-Signature header of a proxy event (header names keep the sender's case). */
export function signatureOf(event: APIGatewayProxyEvent): string | undefined {
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (name.toLowerCase() === 'stripe-signature') return value;
  }
  return undefined;
}
