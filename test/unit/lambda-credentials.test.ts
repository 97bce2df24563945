/** The credential provider the function bundles use instead of the SDK's default chain (Lambda's environment). */
import { describe, expect, it } from 'vitest';
import { defaultProvider, LambdaCredentialsMissingError } from '../../functions/commons/lambda-credentials.js';

describe('Lambda credentials from the environment', () => {
  it('reads the role credentials Lambda puts in the environment', async () => {
    // Prepare
    const source = {
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_CREDENTIAL_EXPIRATION: '2026-12-01T12:00:00.000Z',
    };
    // Act
    const credentials = await defaultProvider({}, source)();
    // Assess
    expect(credentials).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-12-01T12:00:00.000Z'),
    });
  });

  it('refuses to sign without credentials, with a clear error', async () => {
    await expect(defaultProvider({}, { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE' })()).rejects.toThrow(
      LambdaCredentialsMissingError,
    );
  });
});
