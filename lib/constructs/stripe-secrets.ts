import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { env } from '#contracts/environment.js';

export interface StripeSecretsProps {
  readonly apiKeySecretName: string;
  readonly webhookSecretName: string;
}

/**
 * The Stripe secrets, created outside the stack (their values never pass through CDK) and referenced by
 * name. Granting read also tells the function the secret's name; it fetches the value at run time.
 */
export class StripeSecrets extends Construct {
  readonly apiKey: secretsmanager.ISecret;
  readonly webhookSecrets: secretsmanager.ISecret;
  readonly apiKeySecretName: string;
  readonly webhookSecretName: string;

  constructor(scope: Construct, id: string, props: StripeSecretsProps) {
    super(scope, id);
    this.apiKeySecretName = props.apiKeySecretName;
    this.webhookSecretName = props.webhookSecretName;
    this.apiKey = secretsmanager.Secret.fromSecretNameV2(this, 'ApiKey', props.apiKeySecretName);
    this.webhookSecrets = secretsmanager.Secret.fromSecretNameV2(this, 'WebhookSecrets', props.webhookSecretName);
  }

  grantApiKeyRead(fn: lambda.Function): void {
    this.apiKey.grantRead(fn);
    fn.addEnvironment(env.stripeApiKeySecretName, this.apiKeySecretName);
  }

  grantWebhookSecretsRead(fn: lambda.Function): void {
    this.webhookSecrets.grantRead(fn);
    fn.addEnvironment(env.stripeWebhookSecretsSecretName, this.webhookSecretName);
  }
}
