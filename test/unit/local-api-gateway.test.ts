import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRoute } from '#contracts/api-routes.js';
import { type LocalApiGateway, startLocalApiGateway } from '../../local/api-gateway.js';

const district: ApiRoute = {
  method: 'PUT',
  resource: '/platform/districts/{districtId}',
  functionName: 'platform-api',
  authorization: 'AWS_IAM',
};
const failing: ApiRoute = {
  method: 'POST',
  resource: '/platform/resync',
  functionName: 'resync',
  authorization: 'AWS_IAM',
};

describe('local API gateway: what it answers itself, as an HTTP API does', () => {
  let gateway: LocalApiGateway;
  const events: APIGatewayProxyEvent[] = [];

  beforeAll(async () => {
    gateway = await startLocalApiGateway({
      port: 0,
      targets: [
        {
          route: district,
          handler: async (event) => {
            events.push(event);
            return { statusCode: 200, body: '{}' };
          },
          timeoutSeconds: 5,
        },
        {
          route: failing,
          handler: async () => {
            throw new Error('the function crashed');
          },
          timeoutSeconds: 5,
        },
      ],
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const call = async (method: string, path: string) => {
    const response = await fetch(`${gateway.url}${path}`, { method });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('hands a matched route its event: resource template, path parameters, method', async () => {
    // Act
    const response = await call('PUT', '/platform/districts/shahdol');

    // Assess
    expect(response.status).toBe(200);
    expect(events.at(-1)).toMatchObject({
      resource: '/platform/districts/{districtId}',
      httpMethod: 'PUT',
      pathParameters: { districtId: 'shahdol' },
    });
  });

  it('answers a path no route has with 404 { message: "Not Found" }', async () => {
    // Act
    const response = await call('GET', '/platform/nowhere');

    // Assess
    expect(response).toEqual({ status: 404, body: { message: 'Not Found' } });
  });

  it('answers a known path with a method no route has with 404 { message: "Not Found" } too', async () => {
    // Act
    const response = await call('GET', '/platform/districts/shahdol');

    // Assess
    expect(response).toEqual({ status: 404, body: { message: 'Not Found' } });
  });

  it('answers a function that fails with 500 { message: "Internal Server Error" }', async () => {
    // Act
    const response = await call('POST', '/platform/resync');

    // Assess
    expect(response).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
  });
});
