import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type ApiRoute, apiRoutes, type FunctionName, WEBHOOK_PATH } from '#contracts/api-routes.js';

export const API_STAGE_NAME = 'v1';
/** Stage-wide limits (requests per second, burst). Stripe's delivery rate is far below them. */
export const API_THROTTLING = { rateLimit: 50, burstLimit: 100 } as const;

/** The AWS-managed policy of API Gateway's account-level logging role, as cdk-nag names it. */
const API_GATEWAY_LOGS_POLICY =
  'arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';

export interface PayoutApiProps {
  readonly restApiName: string;
  /** The function behind each route of lib/api-routes.ts. */
  readonly handlers: Partial<Record<FunctionName, lambda.IFunction>>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The regional REST API, built from lib/api-routes.ts: the Stripe webhook (no authorisation: Stripe signs
 * each request and the function verifies it) and the platform routes (AWS_IAM, SigV4-signed callers only).
 */
export class PayoutApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly accessLogGroup: logs.LogGroup;
  private readonly restApiName: string;

  constructor(scope: Construct, id: string, props: PayoutApiProps) {
    super(scope, id);
    this.restApiName = props.restApiName;
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: props.restApiName,
      description: 'Stripe webhook receiver and platform team API for district revenue-share payouts',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: API_STAGE_NAME,
        throttlingRateLimit: API_THROTTLING.rateLimit,
        throttlingBurstLimit: API_THROTTLING.burstLimit,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Never log request bodies: they are whole Stripe payloads.
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
      },
    });
    this.addJsonErrorResponses();
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'API Gateway validates request parameters (Stripe-Signature header, path ids); bodies are validated by the ' +
          'functions, since the webhook must receive the raw body byte for byte to verify the Stripe signature.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF: the webhook is authenticated by the Stripe signature, the platform routes by SigV4, and stage ' +
          'throttling bounds floods. A web ACL can be associated with the stage at deploy time if required.',
      },
      {
        id: `AwsSolutions-IAM4[Policy::${API_GATEWAY_LOGS_POLICY}]`,
        reason: "API Gateway's account-level CloudWatch role, needed for execution logging; AWS maintains its policy.",
      },
    );

    const validator = this.api.addRequestValidator('RequestParameters', {
      requestValidatorName: 'request-parameters',
      validateRequestParameters: true,
    });
    const integrations = new Map<FunctionName, apigateway.LambdaIntegration>();
    for (const route of apiRoutes) {
      const handler = props.handlers[route.functionName];
      if (!handler) throw new Error(`No function given for ${route.method} ${route.resource} (${route.functionName})`);
      const integration =
        integrations.get(route.functionName) ?? new apigateway.LambdaIntegration(handler, { allowTestInvoke: false });
      integrations.set(route.functionName, integration);
      const method = this.api.root.resourceForPath(route.resource).addMethod(route.method, integration, {
        authorizationType:
          route.authorization === 'AWS_IAM' ? apigateway.AuthorizationType.IAM : apigateway.AuthorizationType.NONE,
        requestParameters: requiredParameters(route),
        requestValidator: validator,
      });
      if (route.authorization === 'AWS_IAM') {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason: 'Platform routes are called by the platform team with AWS credentials: IAM (SigV4), not Cognito.',
        });
      } else {
        Validations.of(method).acknowledge(
          {
            id: 'AwsSolutions-APIG4',
            reason: 'Stripe cannot sign requests for AWS: the function verifies the Stripe-Signature HMAC instead.',
          },
          {
            id: 'AwsSolutions-COG4',
            reason: 'Stripe cannot use a Cognito user pool: the function verifies the Stripe-Signature HMAC instead.',
          },
        );
      }
    }
  }

  get webhookUrl(): string {
    return this.api.urlForPath(WEBHOOK_PATH);
  }

  get platformUrl(): string {
    return this.api.urlForPath('/platform');
  }

  /**
   * An API Gateway metric of the webhook resource, summed over its methods (the route is ANY, so the Method
   * dimension is not pinned). A Metrics Insights query over the stage's detailed metrics.
   */
  webhookMetric(
    metricName: '5XXError' | '4XXError' | 'Count',
    period = Duration.minutes(5),
  ): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression:
        `SELECT SUM("${metricName}") FROM SCHEMA("AWS/ApiGateway", ApiName, Method, Resource, Stage) ` +
        `WHERE ApiName = '${this.restApiName}' AND Stage = '${API_STAGE_NAME}' AND Resource = '${WEBHOOK_PATH}'`,
      usingMetrics: {},
      period,
      label: `webhook ${metricName}`,
    });
  }

  /** API Gateway's own refusals (throttled, unauthorised, bad request) answer `{ "error": "..." }` too. */
  private addJsonErrorResponses(): void {
    const templates = { 'application/json': '{"error":$context.error.messageString}' };
    this.api.addGatewayResponse('Default4xx', { type: apigateway.ResponseType.DEFAULT_4XX, templates });
    this.api.addGatewayResponse('Default5xx', { type: apigateway.ResponseType.DEFAULT_5XX, templates });
  }
}

/** The webhook must carry Stripe-Signature; a path's `{name}` segments must be present. */
function requiredParameters(route: ApiRoute): Record<string, boolean> {
  const parameters: Record<string, boolean> = {};
  if (route.resource === WEBHOOK_PATH) parameters['method.request.header.Stripe-Signature'] = true;
  for (const [, name] of route.resource.matchAll(/\{([^}]+)\}/g)) parameters[`method.request.path.${name}`] = true;
  return parameters;
}
