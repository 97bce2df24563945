import type { Template } from 'aws-cdk-lib/assertions';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '#contracts/api-routes.js';
import { env } from '#contracts/environment.js';
import { catchUpDefaults } from '#contracts/operations.js';
import { catchUpConfig } from '../../functions/catch-up/config.js';
import { webhookConfig } from '../../functions/commons/config.js';
import {
  markPaidWorkerConfig,
  revenueShareWorkerConfig,
  transferWorkerConfig,
} from '../../functions/commons/worker-config.js';
import { financialAlertConfig } from '../../functions/financial-alert/config.js';
import { platformApiConfig } from '../../functions/platform-api/config.js';
import { reconcileConfig } from '../../functions/reconcile/config.js';
import { resyncConfig } from '../../functions/resync/config.js';
import type { DistrictPayoutsStack } from '../../lib/district-payouts-stack.js';
import { STRIPE_REQUESTS_PER_SECOND, stripeWorkerConcurrency } from '../../lib/stripe-budget.js';
import { accessOf, actionsOf, resourcesOf, roleStatements } from './support/iam.js';
import { exampleContext, logicalIdOf, synthesize } from './support/synth.js';

let stack: DistrictPayoutsStack;
let template: Template;

beforeAll(() => {
  // Prepare
  ({ stack, template } = synthesize());
});

const functionNames: FunctionName[] = [
  'stripe-webhook',
  'revenue-share',
  'transfer',
  'mark-paid',
  'financial-alert',
  'platform-api',
  'resync',
  'catch-up',
  'reconcile',
];

const functionProperties = (fn: FunctionName): Record<string, unknown> =>
  template.toJSON().Resources[logicalIdOf(stack, stack.functions.all[fn])].Properties;

const environmentOf = (fn: FunctionName): Record<string, unknown> =>
  (functionProperties(fn).Environment as { Variables: Record<string, unknown> }).Variables;

/**
 * What each function may touch: the product's design, written down once. DynamoDB access is the exact action list
 * each function's adapters call, so a new grant is a visible change here; nothing may delete or batch-write.
 */
const intendedAccess: Record<FunctionName, string[]> = {
  'stripe-webhook': [
    'queue:alerts:send',
    'queue:revenueShare:send',
    'secret:webhookSecrets:read',
    'table:webhookAuditLog:PutItem,UpdateItem',
  ],
  'revenue-share': [
    'queue:alerts:send',
    'queue:revenueShare:consume',
    'queue:revenueShare:send',
    'queue:transfer:send',
    'secret:apiKey:read',
    'table:districts:GetItem,Scan',
    'table:revenueShares:GetItem,PutItem,UpdateItem',
    'table:webhookAuditLog:GetItem,UpdateItem',
  ],
  transfer: [
    'queue:alerts:send',
    'queue:markPaid:send',
    'queue:transfer:consume',
    'queue:transfer:send',
    'secret:apiKey:read',
    'table:districts:GetItem',
    'table:revenueShares:GetItem,PutItem,Query,UpdateItem',
  ],
  'mark-paid': [
    'queue:alerts:send',
    'queue:markPaid:consume',
    'queue:markPaid:send',
    'secret:apiKey:read',
    'table:districts:GetItem',
    'table:revenueShares:GetItem,UpdateItem',
  ],
  // Publishes each critical alert to the on-call topic, which is encrypted with its own key.
  'financial-alert': [
    'key:onCallTopic:kms:Decrypt,kms:GenerateDataKey',
    'queue:alerts:consume',
    'topic:onCall:sns:Publish',
  ],
  'platform-api': [
    'queue:markPaid:send',
    'queue:transfer:send',
    'table:districts:GetItem,PutItem,Scan',
    'table:revenueShares:BatchGetItem,GetItem,Query,Scan,UpdateItem',
    'table:webhookAuditLog:Query',
  ],
  resync: [
    'queue:alerts:send',
    'queue:revenueShare:send',
    'secret:apiKey:read',
    'table:webhookAuditLog:GetItem,PutItem,Query,UpdateItem',
  ],
  // Replays through the webhook's claim path, as resync does; Stripe is read with the API key.
  'catch-up': [
    'queue:alerts:send',
    'queue:revenueShare:send',
    'secret:apiKey:read',
    'table:webhookAuditLog:GetItem,PutItem,Query,UpdateItem',
  ],
  // Reads the day's rows (status index, then by key), a refunded or disputed row's district, and Stripe; writes
  // nothing but alerts.
  reconcile: [
    'queue:alerts:send',
    'secret:apiKey:read',
    'table:districts:GetItem',
    'table:revenueShares:BatchGetItem,GetItem,Query',
  ],
};

describe('every function', () => {
  const newestNodeRuntime = Runtime.ALL.filter((runtime) => runtime.family === RuntimeFamily.NODEJS)
    .map((runtime) => runtime.name)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .at(-1);

  it.each(functionNames)('%s runs the newest Node.js runtime on ARM64 with X-Ray tracing', (fn) => {
    // Assess
    expect(functionProperties(fn)).toMatchObject({
      Runtime: newestNodeRuntime,
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
    });
  });

  it.each(functionNames)('%s logs to its own log group, kept as long as the context says', (fn) => {
    // Act
    const logGroupRef = (functionProperties(fn).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;

    // Assess
    expect(logGroupRef).toBe(logicalIdOf(stack, stack.functions.all[fn].logGroup));
    expect(template.toJSON().Resources[logGroupRef].Properties.RetentionInDays).toBe(exampleContext().logRetentionDays);
  });

  it.each(functionNames)('%s has a timeout and memory chosen for it', (fn) => {
    // Assess
    const properties = functionProperties(fn);
    expect(properties.Timeout).toBeGreaterThan(3);
    expect(properties.MemorySize).toBeGreaterThanOrEqual(256);
  });

  it.each(functionNames)('%s reports its name to Powertools and maps stack traces to the TypeScript', (fn) => {
    // Assess
    expect(environmentOf(fn)).toMatchObject({
      [env.powertoolsServiceName]: fn,
      [env.powertoolsMetricsNamespace]: 'DistrictPayouts',
      [env.nodeOptions]: '--enable-source-maps',
    });
  });
});

describe('concurrency where money moves', () => {
  it('comes from the Stripe request budget: test mode (25/s) by default, 2 per worker', () => {
    // Assess
    expect(stack.functions.reservedConcurrency).toEqual({ 'revenue-share': 2, transfer: 2, 'mark-paid': 2 });
  });

  it('gives each Stripe worker a third of 80% of the budget at 5 requests/s per execution (live: 100/s -> 5)', () => {
    // Assess
    expect(stripeWorkerConcurrency(STRIPE_REQUESTS_PER_SECOND.live)).toEqual({
      'revenue-share': 5,
      transfer: 5,
      'mark-paid': 5,
    });
    expect(stripeWorkerConcurrency(1_000)).toEqual({ 'revenue-share': 53, transfer: 53, 'mark-paid': 53 });
  });

  it.each(Object.entries({ 'revenue-share': 2, transfer: 2, 'mark-paid': 2 }))(
    '%s has reserved concurrency %i and its queue pollers never exceed it',
    (fn, limit) => {
      // Act
      const properties = functionProperties(fn as FunctionName);
      const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).find(
        (candidate) =>
          candidate.Properties.FunctionName.Ref === logicalIdOf(stack, stack.functions.all[fn as FunctionName]),
      );

      // Assess
      expect(properties.ReservedConcurrentExecutions).toBe(limit);
      expect(mapping?.Properties.ScalingConfig).toEqual({ MaximumConcurrency: limit });
    },
  );
});

describe('environment set by the grants', () => {
  const table = (key: 'auditLog' | 'ledger' | 'districts') => ({ Ref: logicalIdOf(stack, stack.tables[key].table) });
  const queue = (key: 'revenueShare' | 'transfer' | 'markPaid' | 'alerts') => ({
    Ref: logicalIdOf(stack, stack.queues[key].queue),
  });
  const secrets = () => exampleContext();

  it('stripe-webhook is told its table, queues and the webhook secret name', () => {
    // Assess
    expect(environmentOf('stripe-webhook')).toMatchObject({
      [env.auditTable]: table('auditLog'),
      [env.processEventQueueUrl]: queue('revenueShare'),
      [env.alertsQueueUrl]: queue('alerts'),
      [env.stripeWebhookSecretsSecretName]: secrets().stripeWebhookSecretName,
    });
  });

  it('transfer is told the ledger, districts, mark-paid and alerts queues and the API key secret name', () => {
    // Assess
    expect(environmentOf('transfer')).toMatchObject({
      [env.revenueSharesTable]: table('ledger'),
      [env.districtsTable]: table('districts'),
      [env.markPaidQueueUrl]: queue('markPaid'),
      [env.alertsQueueUrl]: queue('alerts'),
      [env.stripeApiKeySecretName]: secrets().stripeApiKeySecretName,
    });
  });

  /** Environment variables that carry settings, not resources. */
  const settingsOf: Partial<Record<FunctionName, string[]>> = {
    'catch-up': [
      env.catchUpLookbackHours,
      env.catchUpUndeliveredLookbackHours,
      env.catchUpSettleSeconds,
      env.catchUpMaxStripePages,
      env.catchUpMaxReplays,
      env.webhookUrl,
    ],
  };

  it.each(functionNames)('%s is told of exactly the resources it may touch', (fn) => {
    // Act
    const names = Object.keys(environmentOf(fn)).filter(
      (name) =>
        ![env.powertoolsServiceName, env.powertoolsMetricsNamespace, env.nodeOptions].includes(name as never) &&
        !settingsOf[fn]?.includes(name),
    );

    // Assess
    const envNameOf: Record<string, string> = {
      'table:webhookAuditLog': env.auditTable,
      'table:revenueShares': env.revenueSharesTable,
      'table:districts': env.districtsTable,
      'queue:revenueShare': env.processEventQueueUrl,
      'queue:transfer': env.transferQueueUrl,
      'queue:markPaid': env.markPaidQueueUrl,
      'queue:alerts': env.alertsQueueUrl,
      'secret:apiKey': env.stripeApiKeySecretName,
      'secret:webhookSecrets': env.stripeWebhookSecretsSecretName,
      'topic:onCall': env.onCallTopicArn,
    };
    const expected = intendedAccess[fn]
      .filter((access) => !access.endsWith(':consume') && !access.startsWith('key:'))
      .map((access) => envNameOf[access.split(':').slice(0, 2).join(':')]);
    expect(names.sort()).toEqual([...new Set(expected)].sort());
  });

  it('catch-up is told its bounds (the context defaults), the webhook URL and no endpoint id unless configured', () => {
    // Act
    const environment = environmentOf('catch-up');
    const deployed = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [name, typeof value === 'string' ? value : 'https://x']),
    );

    // Assess
    expect(environment).toMatchObject({
      [env.catchUpLookbackHours]: String(catchUpDefaults.lookbackHours),
      [env.catchUpMaxStripePages]: String(catchUpDefaults.maxStripePages),
      [env.catchUpUndeliveredLookbackHours]: String(catchUpDefaults.undeliveredLookbackHours),
    });
    expect(JSON.stringify(environment[env.webhookUrl])).toContain('/stripe/webhook');
    expect(environment[env.stripeWebhookEndpointId]).toBeUndefined();
    expect(catchUpConfig(deployed).settings).toMatchObject({
      lookbackHours: catchUpDefaults.lookbackHours,
      maxPages: catchUpDefaults.maxStripePages,
      endpoint: { url: 'https://x' },
    });
  });

  it.each([
    ['stripe-webhook', webhookConfig],
    ['revenue-share', revenueShareWorkerConfig],
    ['transfer', transferWorkerConfig],
    ['mark-paid', markPaidWorkerConfig],
    ['platform-api', platformApiConfig],
    ['resync', resyncConfig],
    ['financial-alert', financialAlertConfig],
    ['reconcile', reconcileConfig],
  ] as const)("satisfies %s's own configuration reader (no missing variable at cold start)", (fn, readConfig) => {
    // Act
    const deployedEnvironment = Object.fromEntries(
      Object.entries(environmentOf(fn)).map(([name, value]) => [name, JSON.stringify(value)]),
    );

    // Assess
    expect(() => readConfig(deployedEnvironment)).not.toThrow();
  });
});

describe('IAM: each function may touch only its own tables, queues and secrets', () => {
  it.each(functionNames)('%s has exactly its intended access', (fn) => {
    // Assess
    expect(accessOf(template, stack, fn)).toEqual([...intendedAccess[fn]].sort());
  });

  it('no function may delete or batch-write, and only the transfer worker (what a district owes), the platform API, resync, catch-up and reconcile query an index', () => {
    // Act
    const byFunction = Object.fromEntries(
      functionNames.map((fn) => [fn, roleStatements(template, stack, fn).flatMap(actionsOf)]),
    );
    const queriesAnIndex = functionNames.filter((fn) =>
      roleStatements(template, stack, fn).some(
        (statement) =>
          actionsOf(statement).includes('dynamodb:Query') && JSON.stringify(statement.Resource).includes('/index/'),
      ),
    );

    // Assess
    for (const actions of Object.values(byFunction)) {
      expect(actions.filter((action) => /^dynamodb:(DeleteItem|BatchWriteItem)$/.test(action))).toEqual([]);
    }
    expect(queriesAnIndex).toEqual(['transfer', 'platform-api', 'resync', 'catch-up', 'reconcile']);
  });

  it('financial-alert has no DynamoDB access at all', () => {
    // Act
    const actions = roleStatements(template, stack, 'financial-alert').flatMap(actionsOf);

    // Assess
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
  });

  it('transfer cannot write (or read) the webhook audit log', () => {
    // Assess
    expect(
      accessOf(template, stack, 'transfer').filter((access) => access.startsWith('table:webhookAuditLog')),
    ).toEqual([]);
  });

  it('only revenue-share, transfer, mark-paid, resync, catch-up and reconcile can read the Stripe API key; only stripe-webhook the signing secrets', () => {
    // Act
    const readers = (secret: string) =>
      functionNames.filter((fn) => accessOf(template, stack, fn).includes(`secret:${secret}:read`));

    // Assess
    expect(readers('apiKey')).toEqual(['revenue-share', 'transfer', 'mark-paid', 'resync', 'catch-up', 'reconcile']);
    expect(readers('webhookSecrets')).toEqual(['stripe-webhook']);
  });

  it.each(functionNames)('%s has no wildcard on DynamoDB, SQS or Secrets Manager; "*" only for X-Ray', (fn) => {
    // Act
    const statements = roleStatements(template, stack, fn);

    // Assess
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/\*/);
      const resources = resourcesOf(statement);
      if (resources.includes('*')) {
        expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        continue;
      }
      for (const resource of resources) expect(JSON.stringify(resource)).not.toContain('*');
    }
  });

  it.each(functionNames)('%s writes only its own log group and carries no managed policy', (fn) => {
    // Act
    const logStatements = roleStatements(template, stack, fn).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('logs:')),
    );
    const roleLogicalId = (functionProperties(fn).Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;

    // Assess
    expect(logStatements.flatMap(resourcesOf)).toEqual([
      { 'Fn::GetAtt': [logicalIdOf(stack, stack.functions.all[fn].logGroup), 'Arn'] },
    ]);
    expect(template.toJSON().Resources[roleLogicalId].Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('a function that reads a table may query each of its indexes, by name', () => {
    // Act
    const queryResources = roleStatements(template, stack, 'platform-api')
      .filter((statement) => actionsOf(statement).includes('dynamodb:Query'))
      .flatMap(resourcesOf)
      .map((resource) => JSON.stringify(resource));

    // Assess
    for (const index of ['byOpenStatusCreatedAt', 'byDistrictCreatedAt', 'byAttentionStatusCreatedAt']) {
      expect(queryResources.some((resource) => resource.includes(`/index/${index}"`))).toBe(true);
    }
  });
});
