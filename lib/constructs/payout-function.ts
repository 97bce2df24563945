import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionName } from '#contracts/api-routes.js';
import { env } from '#contracts/environment.js';
import { METRICS_NAMESPACE } from '#contracts/observability.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The AWS SDK's default credential chain, and what the bundles use instead (see functions/commons/lambda-credentials.ts). */
export const SDK_CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';
export const LAMBDA_CREDENTIALS = join('functions', 'commons', 'lambda-credentials.ts');
/** The AWS SDK's event-stream support, and what the bundles use instead (see functions/commons/no-event-streams.ts). */
export const SDK_EVENT_STREAMS = '@smithy/core/event-streams';
export const NO_EVENT_STREAMS = join('functions', 'commons', 'no-event-streams.ts');

/** Where every function's code lives: `functions/<name>/handler.ts`, exporting `handler`. */
export const functionEntry = (name: FunctionName): string => join('functions', name, 'handler.ts');

export interface PayoutFunctionProps {
  readonly name: FunctionName;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /** Set where money moves, so a burst cannot multiply concurrent Stripe calls. */
  readonly reservedConcurrentExecutions?: number;
  readonly logRetention: logs.RetentionDays;
  /** Added to the defaults (service name, metrics namespace, source maps); grants add more later. */
  readonly environment?: Record<string, string>;
}

/**
 * One Lambda function: bundled locally with esbuild (no Docker) as minified CommonJS with source maps and the
 * AWS SDK inside, newest Node.js runtime, ARM64, X-Ray, its own log group and its own role (which may
 * write only that log group until the tables, queues and secrets grant more).
 */
export class PayoutFunction extends NodejsFunction {
  readonly functionKey: FunctionName;

  constructor(scope: Construct, id: string, props: PayoutFunctionProps) {
    const entry = join(PROJECT_ROOT, functionEntry(props.name));
    if (!existsSync(entry)) {
      throw new Error(
        `Function entry ${functionEntry(props.name)} is missing: the "${props.name}" function must be ` +
          `implemented there, exporting \`handler\`, before the stack can be synthesized.`,
      );
    }
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, { retention: props.logRetention });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.name} function`,
    });
    super(scope, id, {
      entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      timeout: props.timeout,
      memorySize: props.memorySize,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      role,
      logGroup,
      environment: {
        [env.powertoolsServiceName]: props.name,
        [env.powertoolsMetricsNamespace]: METRICS_NAMESPACE,
        [env.nodeOptions]: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        // CommonJS, not ESM: an ESM import of a Node built-in builds its module namespace by reading every export,
        // and node:http's lazy exports (WebSocket and friends) then load undici; require() reads none of them. The
        // same bundle imports 12-15 ms faster (README, Benchmarks: cold start). No module here uses top-level await.
        format: OutputFormat.CJS,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        keepNames: true,
        externalModules: [],
        bundleAwsSDK: true,
        logLevel: LogLevel.WARNING,
        // Lambda's credentials are in the environment: the SDK's default chain is replaced by that one link
        // (functions/commons/lambda-credentials.ts), which keeps about 95 KB of unused providers out of every bundle;
        // no client here streams events, so the SDK's event-stream support (20 KB) is left out too.
        esbuildArgs: {
          [`--alias:${SDK_CREDENTIAL_CHAIN}`]: join(PROJECT_ROOT, LAMBDA_CREDENTIALS),
          [`--alias:${SDK_EVENT_STREAMS}`]: join(PROJECT_ROOT, NO_EVENT_STREAMS),
        },
      },
    });
    this.functionKey = props.name;
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource but "*".',
    });
  }
}
