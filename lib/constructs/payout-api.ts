import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { apiRoutes, type FunctionName, WEBHOOK_PATH } from '#contracts/api-routes.js';

export const API_STAGE_NAME = 'v1';
/** Stage-wide limits (requests per second, burst). Stripe's delivery rate is far below them. */
export const API_THROTTLING = { rateLimit: 50, burstLimit: 100 } as const;

/** The API Gateway metrics of an HTTP API (AWS/ApiGateway; not the REST API's 4XXError and 5XXError). */
export type HttpApiMetricName = '5xx' | '4xx' | 'Count';

export interface PayoutApiProps {
  readonly apiName: string;
  /** The function behind each route of contracts/api-routes.ts. */
  readonly handlers: Partial<Record<FunctionName, lambda.IFunction>>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The HTTP API (API Gateway v2), built from contracts/api-routes.ts: the Stripe webhook (no authorisation: Stripe
 * signs each request and the function verifies it) and the platform routes (AWS_IAM, SigV4-signed callers only).
 * The functions get payload format 1.0, the REST proxy's event shape, which they and the local gateway read.
 *
 * What an HTTP API does not do, and the REST API did: validate request parameters (the webhook function answers
 * 400 to a request without a valid Stripe-Signature itself, and platform path ids are checked by the function),
 * answer its own refusals with a template (they stay `{"message": ...}`; the ops CLI reads both shapes), take a
 * WAF web ACL, and trace the stage with X-Ray (the functions still trace).
 */
export class PayoutApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PayoutApiProps) {
    super(scope, id);
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'Stripe webhook receiver and platform team API for district revenue-share payouts',
      createDefaultStage: false,
    });
    this.stage = this.api.addStage('Stage', {
      stageName: API_STAGE_NAME,
      autoDeploy: true,
      throttle: API_THROTTLING,
      // Per-route metrics: the webhook's 5xx alarm watches its own route.
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: accessLogFormat(),
      },
    });

    const iam = new HttpIamAuthorizer();
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of apiRoutes) {
      const handler = props.handlers[route.functionName];
      if (!handler) throw new Error(`No function given for ${route.method} ${route.resource} (${route.functionName})`);
      const integration =
        integrations.get(route.functionName) ??
        new HttpLambdaIntegration(`${route.functionName}-integration`, handler, {
          payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_1_0,
        });
      integrations.set(route.functionName, integration);
      const [httpRoute] = this.api.addRoutes({
        path: route.resource,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        authorizer: route.authorization === 'AWS_IAM' ? iam : new apigw.HttpNoneAuthorizer(),
      });
      if (httpRoute && route.authorization === 'NONE') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'Stripe cannot sign requests for AWS: the function verifies the Stripe-Signature HMAC instead.',
        });
      }
    }
  }

  /** The stage URL has no trailing slash; WEBHOOK_PATH starts with one. */
  get webhookUrl(): string {
    return `${this.stage.url}${WEBHOOK_PATH}`;
  }

  get platformUrl(): string {
    return `${this.stage.url}/platform`;
  }

  /**
   * An API Gateway metric of the webhook route, summed over its methods (the route is ANY, so the Method dimension
   * is not pinned). A Metrics Insights query over the stage's detailed metrics, whose dimensions are ApiId, Method,
   * Resource (the route's path) and Stage.
   */
  webhookMetric(metricName: HttpApiMetricName, period = Duration.minutes(5)): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression:
        `SELECT SUM("${metricName}") FROM SCHEMA("AWS/ApiGateway", ApiId, Method, Resource, Stage) ` +
        `WHERE ApiId = '${this.api.apiId}' AND Stage = '${API_STAGE_NAME}' AND Resource = '${WEBHOOK_PATH}'`,
      usingMetrics: {},
      period,
      label: `webhook ${metricName}`,
    });
  }
}

/**
 * The REST stage's JSON access-log fields, with what an HTTP API can log: its route key (method and path template)
 * in place of the REST resource path. The caller fields are set on IAM routes only.
 */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      ip: AccessLogField.contextIdentitySourceIp(),
      user: AccessLogField.contextIdentityUser(),
      caller: AccessLogField.contextIdentityCaller(),
      requestTime: AccessLogField.contextRequestTime(),
      httpMethod: AccessLogField.contextHttpMethod(),
      routeKey: AccessLogField.contextRouteKey(),
      status: AccessLogField.contextStatus(),
      protocol: AccessLogField.contextProtocol(),
      responseLength: AccessLogField.contextResponseLength(),
      integrationError: AccessLogField.contextIntegrationErrorMessage(),
    }),
  );
}
