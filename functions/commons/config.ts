/**
 * The one place functions read their environment. Each function calls the readers it needs once, at module
 * level, so a missing required value fails the cold start with a clear message instead of a request later.
 * Readers take the environment as a parameter (default: process.env) so tests can hand in their own.
 */
import { env } from '#contracts/environment.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Where a secret comes from: Secrets Manager by name (deployed), or the values themselves (local runs). */
export type SecretSource =
  | { readonly kind: 'secretsManager'; readonly secretName: string }
  | { readonly kind: 'static'; readonly values: readonly string[] };

export function requiredEnv(name: string, source: Environment = process.env): string {
  const value = source[name]?.trim();
  if (!value) throw new ConfigError(`Missing required environment variable ${name}`);
  return value;
}

export function optionalEnv(name: string, source: Environment = process.env): string | undefined {
  const value = source[name]?.trim();
  return value ? value : undefined;
}

/** Endpoints of local DynamoDB/SQS/SNS servers; all unset when deployed. */
export interface AwsEndpoints {
  dynamodb?: string;
  sqs?: string;
  sns?: string;
}

export function awsEndpoints(source: Environment = process.env): AwsEndpoints {
  return {
    dynamodb: optionalEnv(env.dynamodbEndpoint, source),
    sqs: optionalEnv(env.sqsEndpoint, source),
    sns: optionalEnv(env.snsEndpoint, source),
  };
}

/**
 * The secret named by `secretNameVar` in Secrets Manager, or else (local runs only) the comma-separated
 * values of `localValuesVar`. Neither set is a configuration error.
 */
export function secretSource(secretNameVar: string, localValuesVar: string, source: Environment = process.env) {
  const secretName = optionalEnv(secretNameVar, source);
  if (secretName) return { kind: 'secretsManager', secretName } as const satisfies SecretSource;
  const values = (optionalEnv(localValuesVar, source) ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
  if (values.length === 0) {
    throw new ConfigError(
      `Missing required environment variable ${secretNameVar} (or ${localValuesVar} for local runs)`,
    );
  }
  return { kind: 'static', values } as const satisfies SecretSource;
}

/** The Stripe webhook signing secrets (several during a rotation). */
export const stripeWebhookSecretsSource = (source: Environment = process.env): SecretSource =>
  secretSource(env.stripeWebhookSecretsSecretName, env.stripeWebhookSecrets, source);

/** The Stripe secret API key, for the functions that call Stripe. */
export const stripeApiKeySource = (source: Environment = process.env): SecretSource =>
  secretSource(env.stripeApiKeySecretName, env.stripeApiKey, source);

/** Local runs only: the Stripe API emulator's base URL (unset when deployed: the client talks to Stripe). */
export const stripeApiBaseUrl = (source: Environment = process.env): string | undefined =>
  optionalEnv(env.stripeApiBaseUrl, source);

/** How a function reaches Stripe: the API key's source (where Stripe is, is the runtime's Stripe factory's). */
export interface StripeAccessConfig {
  stripeApiKey: SecretSource;
}

export const stripeAccessConfig = (source: Environment = process.env): StripeAccessConfig => ({
  stripeApiKey: stripeApiKeySource(source),
});

export interface AlertsConfig {
  alertsQueueUrl: string;
}

/** Every function that can raise a financial alert needs this. */
export const alertsConfig = (source: Environment = process.env): AlertsConfig => ({
  alertsQueueUrl: requiredEnv(env.alertsQueueUrl, source),
});

export interface WebhookConfig extends AlertsConfig {
  auditTable: string;
  processEventQueueUrl: string;
  webhookSecrets: SecretSource;
}

export const webhookConfig = (source: Environment = process.env): WebhookConfig => ({
  auditTable: requiredEnv(env.auditTable, source),
  processEventQueueUrl: requiredEnv(env.processEventQueueUrl, source),
  webhookSecrets: stripeWebhookSecretsSource(source),
  ...alertsConfig(source),
});
