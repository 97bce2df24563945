import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env } from '#contracts/environment.js';
import type { AuditLog } from '../../domain/ports.js';
import { ConfigError, webhookConfig } from '../../functions/commons/config.js';
import { stripeWebhookSecretsFrom } from '../../functions/commons/secrets.js';
import { composeWebhook } from '../../functions/stripe-webhook/compose.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { unitEnvironment, unitRuntime } from '../support/unit-runtime.js';
import { signedWebhookEvent } from '../support/webhook-requests.js';

const deployed = {
  [env.auditTable]: 'prod-WebhookAuditLog',
  [env.processEventQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/1/revenue-share.fifo',
  [env.alertsQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/1/financial-alerts',
  [env.stripeWebhookSecretsSecretName]: 'district-payouts/stripe-webhook-secrets',
};

describe('webhook configuration', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('reads the deployed configuration: tables, queues and the secret by name', () => {
    expect(webhookConfig(deployed)).toEqual({
      auditTable: 'prod-WebhookAuditLog',
      processEventQueueUrl: deployed[env.processEventQueueUrl],
      alertsQueueUrl: deployed[env.alertsQueueUrl],
      webhookSecrets: { kind: 'secretsManager', secretName: 'district-payouts/stripe-webhook-secrets' },
    });
  });

  it('takes comma-separated signing secrets from env when no secret name is set (local runs)', () => {
    const local = {
      ...deployed,
      [env.stripeWebhookSecretsSecretName]: undefined,
      [env.stripeWebhookSecrets]: 'whsec_a, whsec_b',
    };
    expect(webhookConfig(local).webhookSecrets).toEqual({ kind: 'static', values: ['whsec_a', 'whsec_b'] });
  });

  it.each([env.auditTable, env.processEventQueueUrl, env.alertsQueueUrl, env.stripeWebhookSecretsSecretName])(
    'fails with a clear error when %s is missing',
    (name) => {
      const incomplete = { ...deployed, [name]: '' };
      expect(() => webhookConfig(incomplete)).toThrow(ConfigError);
      expect(() => webhookConfig(incomplete)).toThrow(name);
    },
  );

  it('fails the cold start of the deployed handler when its configuration is missing', async () => {
    // Prepare
    vi.stubEnv(env.auditTable, '');
    // Act
    const loading = import('../../functions/stripe-webhook/handler.js');
    // Assess
    await expect(loading).rejects.toThrow(`Missing required environment variable ${env.auditTable}`);
  });

  it('builds the handler at module level when the configuration is complete', async () => {
    // Prepare: local-run secrets, so that loading the module fetches nothing from Secrets Manager
    for (const [name, value] of Object.entries(deployed)) vi.stubEnv(name, value);
    vi.stubEnv(env.stripeWebhookSecretsSecretName, '');
    vi.stubEnv(env.stripeWebhookSecrets, 'whsec_local');
    // Act
    const module = await import('../../functions/stripe-webhook/handler.js');
    // Assess
    expect(typeof module.handler).toBe('function');
  });
});

describe('webhook signing secrets', () => {
  const asContext = (value: unknown) => ({ stripeWebhookSecrets: value }) as unknown as Context;

  it('accepts a JSON array of secrets or one plain string', () => {
    expect(stripeWebhookSecretsFrom(asContext(['whsec_a', 'whsec_b']))).toEqual(['whsec_a', 'whsec_b']);
    expect(stripeWebhookSecretsFrom(asContext('whsec_a'))).toEqual(['whsec_a']);
  });

  it.each([[undefined], [[]], [['whsec_a', '']], [{ secret: 'whsec_a' }]])('refuses %j', (value) => {
    expect(() => stripeWebhookSecretsFrom(asContext(value))).toThrow(/secrets/);
  });

  it('fetches the secrets from Secrets Manager once and verifies with any of them', async () => {
    // Prepare
    const secretsManager = mockClient(SecretsManagerClient);
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'stripe/webhook' })
      .resolves({ SecretString: JSON.stringify(['whsec_old_secret', 'whsec_new_secret']) });
    const claimed: string[] = [];
    const auditLog = {
      claim: async (request) => {
        claimed.push(request.stripeEventId);
        return { claimed: true, attempts: 1 };
      },
      markIgnored: async () => undefined,
    } as Partial<AuditLog> as AuditLog;
    const handler = composeWebhook(
      unitRuntime('stripe-webhook'),
      webhookConfig(unitEnvironment({ [env.stripeWebhookSecretsSecretName]: 'stripe/webhook' })),
      {
        auditLog,
        processEventQueue: { send: async () => undefined },
        alerts: { raise: async () => undefined },
      },
    );
    const payload = (id: string) => JSON.stringify({ id, object: 'event', type: 'customer.created', data: {} });
    // Act
    const first = await handler(
      signedWebhookEvent(payload('evt_one'), { secret: 'whsec_new_secret' }),
      lambdaContext('stripe-webhook', 10),
    );
    const second = await handler(
      signedWebhookEvent(payload('evt_two'), { secret: 'whsec_old_secret' }),
      lambdaContext('stripe-webhook', 10),
    );
    // Assess
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(claimed).toEqual(['evt_one', 'evt_two']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    secretsManager.restore();
  });

  it('answers 500 with a JSON error, and no stack, when the secrets cannot be fetched', async () => {
    // Prepare
    const secretsManager = mockClient(SecretsManagerClient);
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException: not allowed'));
    const handler = composeWebhook(
      unitRuntime('stripe-webhook'),
      webhookConfig(unitEnvironment({ [env.stripeWebhookSecretsSecretName]: 'stripe/webhook-unreachable' })),
      {
        auditLog: {} as AuditLog,
        processEventQueue: { send: async () => undefined },
        alerts: { raise: async () => undefined },
      },
    );
    const payload = JSON.stringify({ id: 'evt_three', object: 'event', type: 'invoice.paid', data: {} });
    // Act
    const response = await handler(
      signedWebhookEvent(payload, { secret: 'whsec_any' }),
      lambdaContext('stripe-webhook', 10),
    );
    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['Content-Type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({ error: 'Internal server error' });
    secretsManager.restore();
  });
});
