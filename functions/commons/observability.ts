/**
 * One Powertools setup for every function: structured JSON logs, EMF metrics in one namespace, X-Ray traces.
 * Each function names its service; the middlewares go first in its middy chain.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import { METRICS_NAMESPACE } from '#contracts/observability.js';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

export interface ObservabilityOptions {
  /** Overrides POWERTOOLS_LOG_LEVEL (tests that assert on log lines set it). */
  logLevel?: LogLevel;
}

export function createObservability(serviceName: string, options: ObservabilityOptions = {}): Observability {
  return {
    logger: new Logger({ serviceName, ...(options.logLevel ? { logLevel: options.logLevel } : {}) }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
    tracer: new Tracer({ serviceName }),
  };
}

/** Tracing, then the logger's Lambda context, then metrics flushing: use these first in every chain. */
export function observabilityMiddlewares({ logger, metrics, tracer }: Observability): MiddlewareObj[] {
  return [
    captureLambdaHandler(tracer) as MiddlewareObj,
    injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj,
    logMetrics(metrics, { captureColdStartMetric: true, throwOnEmptyMetrics: false }) as MiddlewareObj,
  ];
}
