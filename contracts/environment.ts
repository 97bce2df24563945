/**
 * Names of the environment variables the functions read. The CDK constructs set them (in the same call
 * that grants access) and functions/commons/config.ts reads them; both import these names from here.
 */
export const env = {
  auditTable: 'WEBHOOK_AUDIT_LOG_TABLE',
  revenueSharesTable: 'REVENUE_SHARES_TABLE',
  districtsTable: 'DISTRICTS_TABLE',
  processEventQueueUrl: 'REVENUE_SHARE_QUEUE_URL',
  transferQueueUrl: 'TRANSFER_QUEUE_URL',
  markPaidQueueUrl: 'MARK_PAID_QUEUE_URL',
  alertsQueueUrl: 'FINANCIAL_ALERTS_QUEUE_URL',
  /** Secrets Manager name of the Stripe secret API key (a plain string secret). */
  stripeApiKeySecretName: 'STRIPE_API_KEY_SECRET_NAME',
  /** Secrets Manager name of the webhook signing secrets: a JSON array of `whsec_...` strings, or one string. */
  stripeWebhookSecretsSecretName: 'STRIPE_WEBHOOK_SECRETS_SECRET_NAME',
  /** The on-call SNS topic the financial-alert function publishes each critical alert to. */
  onCallTopicArn: 'ON_CALL_TOPIC_ARN',
  /** The catch-up's settings (contracts/operations.ts has their defaults; the stack sets them from context). */
  catchUpLookbackHours: 'CATCH_UP_LOOKBACK_HOURS',
  catchUpUndeliveredLookbackHours: 'CATCH_UP_UNDELIVERED_LOOKBACK_HOURS',
  catchUpSettleSeconds: 'CATCH_UP_SETTLE_SECONDS',
  catchUpMaxStripePages: 'CATCH_UP_MAX_STRIPE_PAGES',
  catchUpMaxReplays: 'CATCH_UP_MAX_REPLAYS',
  /** How the catch-up recognises this stack's endpoint at Stripe: its id when set, else its URL. */
  stripeWebhookEndpointId: 'STRIPE_WEBHOOK_ENDPOINT_ID',
  webhookUrl: 'WEBHOOK_URL',
  /** Read by Powertools itself: the service name in logs and the namespace of EMF metrics. */
  powertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
  powertoolsMetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Read by Node itself; the stack sets `--enable-source-maps` so stack traces point at the TypeScript. */
  nodeOptions: 'NODE_OPTIONS',
  /** Local runs only (no Secrets Manager): the values themselves. Comma-separated for the webhook secrets. */
  stripeApiKey: 'STRIPE_API_KEY',
  stripeWebhookSecrets: 'STRIPE_WEBHOOK_SECRETS',
  /** Local runs only: where the Stripe API emulator listens, e.g. http://127.0.0.1:12111. */
  stripeApiBaseUrl: 'STRIPE_API_BASE_URL',
  /** Local runs only: endpoints of DynamoDB Local and the SQS/SNS server (the AWS SDK reads these itself too). */
  dynamodbEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  sqsEndpoint: 'AWS_ENDPOINT_URL_SQS',
  snsEndpoint: 'AWS_ENDPOINT_URL_SNS',
} as const;

export type EnvName = (typeof env)[keyof typeof env];

/** The Stripe API version every Stripe client in this project pins. */
export const STRIPE_API_VERSION = '2026-10-28.endive';
