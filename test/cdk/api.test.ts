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
/** Every HTTP API route by its route key, `METHOD /path`. */
let routes: Map<string, Record<string, unknown>>;

beforeAll(() => {
  // Prepare
  ({ stack, template } = synthesize());
  resources = template.toJSON().Resources as Record<string, Resource>;
  routes = new Map(
    Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => [
      route.Properties.RouteKey as string,
      route.Properties,
    ]),
  );
});

/** The integration a route targets (`integrations/<id>`). */
function integrationOf(route: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const target = JSON.stringify(route?.Target);
  const id = Object.keys(resources).find(
    (key) => resources[key]?.Type === 'AWS::ApiGatewayV2::Integration' && target.includes(`"${key}"`),
  );
  return id ? resources[id]?.Properties : undefined;
}

const stageProperties = (): Record<string, unknown> =>
  Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties as Record<string, unknown>;

describe('HTTP API', () => {
  it('is an HTTP API (API Gateway v2), with no REST API left', () => {
    // Assess
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
  });

  it('serves exactly the routes of contracts/api-routes.ts', () => {
    // Assess
    expect([...routes.keys()].sort()).toEqual(apiRoutes.map((route) => `${route.method} ${route.resource}`).sort());
  });

  it('requires AWS_IAM (SigV4) on every /platform route', () => {
    // Act
    const platform = [...routes].filter(([key]) => key.split(' ')[1]?.startsWith('/platform/'));

    // Assess
    expect(platform.length).toBeGreaterThan(0);
    for (const [, route] of platform) expect(route.AuthorizationType).toBe('AWS_IAM');
  });

  it('leaves the Stripe webhook without AWS authorisation (the function verifies Stripe-Signature)', () => {
    // Act
    const webhook = [...routes].filter(([key]) => key.endsWith(' /stripe/webhook'));

    // Assess
    expect(webhook).toHaveLength(1);
    const [, route] = webhook[0] as [string, Record<string, unknown>];
    expect(route.AuthorizationType).toBe('NONE');
  });

  it.each(apiRoutes)('$method $resource goes to the $functionName function (Lambda proxy, payload 1.0)', (route) => {
    // Act
    const integration = integrationOf(routes.get(`${route.method} ${route.resource}`));

    // Assess
    expect(integration?.IntegrationType).toBe('AWS_PROXY');
    // 1.0: the REST proxy's event (resource, httpMethod, multiValueHeaders) that the handlers read.
    expect(integration?.PayloadFormatVersion).toBe('1.0');
    expect(JSON.stringify(integration?.IntegrationUri)).toContain(
      `"${logicalIdOf(stack, stack.functions.all[route.functionName])}"`,
    );
  });

  it('lets API Gateway invoke each function only through its own routes', () => {
    // Act
    // (The scheduled catch-up's and reconcile's rules have their own, for events.amazonaws.com.)
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties.Principal !== 'events.amazonaws.com',
    );

    // Assess
    expect(permissions).toHaveLength(apiRoutes.length);
    const sourceArns = permissions.map((permission) => JSON.stringify(permission.Properties.SourceArn));
    for (const permission of permissions) expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
    for (const route of apiRoutes) {
      expect(sourceArns.filter((arn) => arn.endsWith(`/*/*${route.resource}"]]}`))).toHaveLength(1);
    }
  });
});

describe('API stage', () => {
  it(`is the ${API_STAGE_NAME} stage, deployed on every change, and throttles every route`, () => {
    // Assess
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    expect(stageProperties()).toMatchObject({
      StageName: API_STAGE_NAME,
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: API_THROTTLING.rateLimit,
        ThrottlingBurstLimit: API_THROTTLING.burstLimit,
      },
    });
  });

  it('publishes per-route (detailed) metrics, which the webhook 5xx alarm reads', () => {
    // Assess
    expect(stageProperties().DefaultRouteSettings).toMatchObject({ DetailedMetricsEnabled: true });
  });

  it('logs every access as JSON to its own log group', () => {
    // Act
    const accessLog = stageProperties().AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': string[] };
      Format: string;
    };

    // Assess
    expect(accessLog.DestinationArn['Fn::GetAtt'][0]).toBe(logicalIdOf(stack, stack.api.accessLogGroup));
    expect(JSON.parse(accessLog.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      caller: '$context.identity.caller',
    });
    expect(resources[logicalIdOf(stack, stack.api.accessLogGroup)]?.Properties.RetentionInDays).toBe(
      exampleContext().logRetentionDays,
    );
  });

  it('the stack outputs the webhook and platform URLs of the stage', () => {
    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const apiId = logicalIdOf(stack, stack.api.api);

    // Assess
    for (const [output, path] of [
      ['WebhookUrl', '/stripe/webhook'],
      ['PlatformApiUrl', '/platform'],
    ] as const) {
      expect(outputs[output]?.Value).toEqual({
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: apiId },
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            `/${API_STAGE_NAME}${path}`,
          ],
        ],
      });
    }
  });
});
