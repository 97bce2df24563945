/**
 * What the function bundles use in place of `@aws-sdk/credential-provider-node` (an esbuild alias in
 * lib/constructs/payout-function.ts): Lambda hands every function its role's credentials in the environment, the
 * first link of the SDK's default chain, so the chain's other links (shared files, SSO, web identity, containers,
 * instance metadata and the STS/SSO clients they carry, about 95 KB of each bundle) can never run there.
 * Local runs and tests do not bundle, and keep the SDK's own chain.
 */

export interface LambdaCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export class LambdaCredentialsMissingError extends Error {
  override readonly name = 'LambdaCredentialsMissingError';
}

/** The SDK's `fromEnv()`: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and (on Lambda, always) AWS_SESSION_TOKEN. */
export const defaultProvider =
  (
    _init: unknown = {},
    source: Readonly<Record<string, string | undefined>> = process.env,
  ): (() => Promise<LambdaCredentials>) =>
  async () => {
    const accessKeyId = source.AWS_ACCESS_KEY_ID;
    const secretAccessKey = source.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new LambdaCredentialsMissingError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not in the environment');
    }
    const sessionToken = source.AWS_SESSION_TOKEN;
    const expiration = source.AWS_CREDENTIAL_EXPIRATION;
    return {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
      ...(expiration ? { expiration: new Date(expiration) } : {}),
    };
  };
