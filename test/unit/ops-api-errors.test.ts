import { describe, expect, it } from 'vitest';
import { HttpPlatformClient, PlatformApiError } from '../../ops/platform-client.js';

/** A client whose every request is answered with `status` and `body`. */
const answering = (status: number, body: string) =>
  new HttpPlatformClient({
    baseUrl: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1',
    fetch: async () => new Response(body, { status, headers: { 'content-type': 'application/json' } }),
  });

const refusalOf = async (client: HttpPlatformClient): Promise<PlatformApiError> => {
  const error = await client.listDistricts().catch((caught: unknown) => caught);
  if (!(error instanceof PlatformApiError)) throw new Error(`expected a PlatformApiError, got ${String(error)}`);
  return error;
};

describe('ops: error bodies of the platform API', () => {
  it("shows a function's { error } text as it is", async () => {
    // Act
    const error = await refusalOf(answering(404, JSON.stringify({ error: 'revenue share rs_x not found' })));

    // Assess
    expect(error.status).toBe(404);
    expect(error.message).toBe('404 revenue share rs_x not found');
  });

  it("names an IAM refusal of the HTTP API ({ message }) as API Gateway's, with what to check", async () => {
    // Act
    const error = await refusalOf(answering(403, JSON.stringify({ message: 'Forbidden' })));

    // Assess
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      '403 Forbidden (refused by API Gateway: the request was not signed, or its AWS credentials may not ' +
        'execute-api:Invoke this route)',
    );
  });

  it("names the stage's throttling ({ message }) as API Gateway's", async () => {
    // Act
    const error = await refusalOf(answering(429, JSON.stringify({ message: 'Too Many Requests' })));

    // Assess
    expect(error.message).toBe(
      '429 Too Many Requests (refused by API Gateway: the stage throttled the request; retry shortly)',
    );
  });

  it('names any other API Gateway answer ({ message }) as such', async () => {
    // Act
    const error = await refusalOf(answering(500, JSON.stringify({ message: 'Internal Server Error' })));

    // Assess
    expect(error.message).toBe('500 Internal Server Error (refused by API Gateway)');
  });

  it('shows a body that is not JSON as its text', async () => {
    // Act
    const error = await refusalOf(answering(502, 'upstream closed'));

    // Assess
    expect(error.message).toBe('502 upstream closed');
  });
});
