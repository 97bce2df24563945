/**
 * One Powertools setup for every function: structured JSON logs and EMF metrics in one namespace. Each function
 * names its service; the middlewares go first in its middy chain.
 *
 * Traces come from Lambda's active tracing (lib/constructs/payout-function.ts), not from the Powertools Tracer: its
 * X-Ray SDK (with cls-hooked's async hooks on every promise) was about 130 KB of every bundle and a fifth of every
 * cold start. Lambda still records each invocation's segment (initialization, invocation, errors) and the AWS SDK
 * still forwards the trace header (`_X_AMZN_TRACE_ID`) to SQS, so a trace follows an event from API Gateway through
 * the queues; what is gone are the subsegments of each DynamoDB/SQS/SNS call and the ColdStart/Service annotations
 * (call latencies are in each function's logs and metrics instead).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import { METRICS_NAMESPACE } from '#contracts/observability.js';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

export interface ObservabilityOptions {
  /** Overrides POWERTOOLS_LOG_LEVEL (tests that assert on log lines set it). */
  logLevel?: LogLevel;
}

export function createObservability(serviceName: string, options: ObservabilityOptions = {}): Observability {
  return {
    logger: new Logger({ serviceName, ...(options.logLevel ? { logLevel: options.logLevel } : {}) }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}

/** The logger's Lambda context, then metrics flushing: use these first in every chain. */
export function observabilityMiddlewares({ logger, metrics }: Observability): MiddlewareObj[] {
  return [
    injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj,
    logMetrics(metrics, { captureColdStartMetric: true, throwOnEmptyMetrics: false }) as MiddlewareObj,
  ];
}
