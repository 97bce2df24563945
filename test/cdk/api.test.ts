import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '#contracts/api-routes.js';
import { API_STAGE_NAME, API_THROTTLING } from '../../lib/constructs/payout-api.js';
import type { DistrictPayoutsStack } from '../../lib/district-payouts-stack.js';
import { exampleContext, logicalIdOf, synthesize } from './support/synth.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

let stack: DistrictPayoutsStack;
let template: Template;
let resources: Record<string, Resource>;
/** Every API method by `METHOD /path`, the path rebuilt from the resource tree. */
let methods: Map<string, Record<string, unknown>>;

beforeAll(() => {
  // Prepare
  ({ stack, template } = synthesize());
  resources = template.toJSON().Resources as Record<string, Resource>;
  methods = new Map(
    Object.values(template.findResources('AWS::ApiGateway::Method')).map((method) => [
      `${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId)}`,
      method.Properties,
    ]),
  );
});

function pathOf(resourceId: unknown): string {
  const ref = (resourceId as { Ref?: string }).Ref;
  const resource = ref ? resources[ref] : undefined;
  if (!resource) return '';
  return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart as string}`;
}

const stageProperties = (): Record<string, unknown> =>
  Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]?.Properties as Record<string, unknown>;

describe('REST API', () => {
  it('is regional', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });

  it('serves exactly the routes of lib/api-routes.ts', () => {
    // Assess
    expect([...methods.keys()].sort()).toEqual(apiRoutes.map((route) => `${route.method} ${route.resource}`).sort());
  });

  it('requires AWS_IAM (SigV4) on every /platform method', () => {
    // Act
    const platform = [...methods].filter(([key]) => key.split(' ')[1]?.startsWith('/platform/'));

    // Assess
    expect(platform.length).toBeGreaterThan(0);
    for (const [, method] of platform) expect(method.AuthorizationType).toBe('AWS_IAM');
  });

  it('leaves the Stripe webhook without AWS authorisation, but refuses a request without Stripe-Signature', () => {
    // Act
    const webhook = [...methods].filter(([key]) => key.endsWith(' /stripe/webhook'));

    // Assess
    expect(webhook).toHaveLength(1);
    const [, method] = webhook[0] as [string, Record<string, unknown>];
    expect(method.AuthorizationType).toBe('NONE');
    expect(method.RequestParameters).toEqual({ 'method.request.header.Stripe-Signature': true });
    const validator = resources[(method.RequestValidatorId as { Ref: string }).Ref];
    expect(validator?.Properties.ValidateRequestParameters).toBe(true);
  });

  it.each(apiRoutes)('$method $resource goes to the $functionName function (Lambda proxy)', (route) => {
    // Act
    const method = methods.get(`${route.method} ${route.resource}`);

    // Assess
    const integration = method?.Integration as { Type: string; Uri: unknown };
    expect(integration.Type).toBe('AWS_PROXY');
    expect(JSON.stringify(integration.Uri)).toContain(
      `"${logicalIdOf(stack, stack.functions.all[route.functionName])}"`,
    );
  });

  it('path parameters are required where the path names them', () => {
    // Assess
    expect(methods.get('GET /platform/revenue-shares/{revenueShareId}')?.RequestParameters).toEqual({
      'method.request.path.revenueShareId': true,
    });
    expect(methods.get('PUT /platform/districts/{districtId}')?.RequestParameters).toEqual({
      'method.request.path.districtId': true,
    });
  });

  it('lets API Gateway invoke each function only through its own methods (no test-invoke grants)', () => {
    // Act
    // (The scheduled catch-up's rule has its own, for events.amazonaws.com.)
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties.Principal !== 'events.amazonaws.com',
    );

    // Assess
    expect(permissions).toHaveLength(apiRoutes.length);
    for (const permission of permissions) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission.Properties.SourceArn)).not.toContain('test-invoke-stage');
    }
  });

  it("answers API Gateway's own refusals as JSON { error }", () => {
    // Assess
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseTemplates: { 'application/json': '{"error":$context.error.messageString}' },
      });
    }
  });
});

describe('API stage', () => {
  it('throttles every method of the stage', () => {
    // Assess
    expect(stageProperties().StageName).toBe(API_STAGE_NAME);
    expect(stageProperties().MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: API_THROTTLING.rateLimit,
        ThrottlingBurstLimit: API_THROTTLING.burstLimit,
      }),
    ]);
  });

  it('logs errors and every access as JSON, and never logs request bodies (Stripe payloads)', () => {
    // Act
    const stage = stageProperties();
    const accessLog = stage.AccessLogSetting as { DestinationArn: { 'Fn::GetAtt': string[] }; Format: string };

    // Assess
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({ LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true }),
    ]);
    expect(accessLog.DestinationArn['Fn::GetAtt'][0]).toBe(logicalIdOf(stack, stack.api.accessLogGroup));
    expect(JSON.parse(accessLog.Format)).toMatchObject({ status: '$context.status', ip: '$context.identity.sourceIp' });
    expect(resources[logicalIdOf(stack, stack.api.accessLogGroup)]?.Properties.RetentionInDays).toBe(
      exampleContext().logRetentionDays,
    );
  });

  it('traces requests with X-Ray', () => {
    // Assess
    expect(stageProperties().TracingEnabled).toBe(true);
  });
});
