import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '#contracts/api-routes.js';
import { StackConfigError } from '../../lib/config.js';
import { PayoutFunction } from '../../lib/constructs/payout-function.js';
import type { DistrictPayoutsStack } from '../../lib/district-payouts-stack.js';
import { buildApp, exampleContext } from './support/synth.js';

const requiredKeys = ['stage', 'alertEmail', 'stripeApiKeySecretName', 'stripeWebhookSecretName', 'logRetentionDays'];

const withContext = (changes: Record<string, unknown>): Record<string, unknown> => {
  const context = { ...exampleContext(), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete context[key];
  return context;
};

describe('context', () => {
  it.each(requiredKeys)('a missing "%s" stops the synth with an error naming it', (key) => {
    // Act
    const synth = () => buildApp({ context: withContext({ [key]: undefined }) });

    // Assess
    expect(synth).toThrow(StackConfigError);
    expect(synth).toThrow(`Missing CDK context value "${key}"`);
  });

  it.each([
    ['stage', 'Prod_1'],
    ['alertEmail', 'not-an-address'],
    ['stripeApiKeySecretName', 'has spaces'],
    ['logRetentionDays', 42],
    ['alertHttpsUrl', 'http://plain.example/page'],
    ['stripeRequestsPerSecond', 0],
    ['stripeRequestsPerSecond', 'fast'],
  ])('an invalid "%s" (%j) stops the synth with an error naming it', (key, value) => {
    // Act
    const synth = () => buildApp({ context: withContext({ [key]: value }) });

    // Assess
    expect(synth).toThrow(`Invalid CDK context value "${key}"`);
  });

  it('accepts values given on the command line, which arrive as strings (-c logRetentionDays=30)', () => {
    // Act
    const { stack } = buildApp({ context: withContext({ logRetentionDays: '30', stage: 'prod' }) });

    // Assess
    expect(stack.stackName).toBe('DistrictPayouts-prod');
  });
});

describe('function entries', () => {
  it('a function whose entry file is missing stops the synth, naming the file to write', () => {
    // Prepare
    const stack = new Stack(new App(), 'Entries');

    // Act
    const define = () =>
      new PayoutFunction(stack, 'Missing', {
        name: 'not-written-yet' as FunctionName,
        description: 'a function nobody has written',
        timeout: Duration.seconds(5),
        memorySize: 256,
        logRetention: RetentionDays.ONE_WEEK,
      });

    // Assess
    expect(define).toThrow('Function entry functions/not-written-yet/handler.ts is missing');
  });
});

describe('synth as `npm run synth` does it: functions bundled, CDK template checks and cdk-nag', () => {
  let app: App;
  let stack: DistrictPayoutsStack;
  let assembly: CloudAssembly | undefined;
  let synthError: unknown;

  beforeAll(() => {
    // Prepare
    ({ app, stack } = buildApp({ bundle: true, builtinValidation: true }));

    // Act
    try {
      assembly = app.synth();
    } catch (error) {
      synthError = error;
    }
  });

  it('succeeds (a validation plugin finding would fail it)', () => {
    // Assess
    expect(synthError).toBeUndefined();
    const report = JSON.parse(readFileSync(join(assembly?.directory ?? '', 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });

  it('leaves cdk-nag AwsSolutions no unacknowledged finding, error or warning', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    );
    expect(findings).toEqual([]);
  });

  it('leaves no warning or error annotation on any construct', () => {
    // Act
    const annotations = Annotations.fromStack(stack);

    // Assess
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  });

  it('every acknowledged rule carries its reason', () => {
    // Act
    const acknowledgements = app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [rule, reason] of acknowledgements) {
      expect(rule).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(reason.length).toBeGreaterThan(40);
    }
  });

  it('bundles every function as minified CommonJS with a source map, importing no Node built-in as ESM', () => {
    // Act
    const template = assembly?.getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: { Code: { S3Key: string }; Handler: string } }>;
    };
    const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    const codeDirectories = functions.map((resource) =>
      join(assembly?.directory ?? '', `asset.${resource.Properties.Code.S3Key.replace(/\.zip$/, '')}`),
    );

    // Assess: an ESM import of node:http alone costs a cold start about 15 ms (its namespace loads undici)
    expect(codeDirectories).toHaveLength(Object.keys(stack.functions.all).length);
    expect(new Set(functions.map((resource) => resource.Properties.Handler))).toEqual(new Set(['index.handler']));
    for (const directory of codeDirectories) {
      const code = readFileSync(join(directory, 'index.js'), 'utf8');
      expect(code.startsWith('"use strict";')).toBe(true);
      expect(code).not.toMatch(/\bfrom\s*"(node:)?[a-z_/]+"/);
      expect(code).toContain('//# sourceMappingURL=index.js.map');
      expect(existsSync(join(directory, 'index.js.map'))).toBe(true);
      expect(code.split('\n').length).toBeLessThan(Math.max(10, code.length / 500));
    }
  });

  it('bundles no function with the official Stripe SDK: those that call Stripe carry our client instead', () => {
    // Act
    const template = assembly?.getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: { Code: { S3Key: string }; Description?: string } }>;
    };
    const sourcesOf = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => {
        const directory = join(
          assembly?.directory ?? '',
          `asset.${resource.Properties.Code.S3Key.replace(/\.zip$/, '')}`,
        );
        return (JSON.parse(readFileSync(join(directory, 'index.js.map'), 'utf8')) as { sources: string[] }).sources;
      });

    // Assess: the SDK builds every API resource when constructed (README, Cold start)
    expect(sourcesOf).toHaveLength(Object.keys(stack.functions.all).length);
    for (const sources of sourcesOf) {
      expect(sources.filter((source) => source.includes('node_modules/stripe/'))).toEqual([]);
    }
    const withClient = sourcesOf.filter((sources) =>
      sources.some((s) => s.endsWith('functions/commons/stripe-http.ts')),
    );
    expect(withClient).toHaveLength(6);
    // Nor the AWS SDK's parts that cannot run on Lambda here (README, Cold start): the default credential chain
    // and the event-stream support, aliased to functions/commons/lambda-credentials.ts and no-event-streams.ts
    for (const sources of sourcesOf) {
      expect(sources.filter((source) => /credential-provider-(ini|sso|process|web-identity)\//.test(source))).toEqual(
        [],
      );
      expect(sources.filter((source) => source.includes('submodules/event-streams/'))).toEqual([]);
      expect(sources.some((source) => source.endsWith('functions/commons/no-event-streams.ts'))).toBe(true);
    }
  });
});
