/**
 * The platform API (HTTP API, payload 1.0, IAM-authorised): routes by `event.resource` + `httpMethod` to a use
 * case in domain/platform and maps its result or typed error to JSON. Errors are `{ "error": "..." }` (plus
 * `field` for a 400 that names one); never a stack trace.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import { InvalidPayoutTransitionError } from '../../domain/payouts/transitions.js';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  TemporarilyUnavailableError,
} from '../../domain/platform/errors.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { errorResponse, jsonResponse, PayloadTooLargeError, RouteNotFoundError } from './http.js';
import { type PlatformDeps, platformRoutes, routeKey } from './routes.js';

export interface PlatformApiHandlerDeps extends PlatformDeps {
  observability: Observability;
}

export const INTERNAL_ERROR_BODY = JSON.stringify({ error: 'Internal server error' });

export function createPlatformApiHandler(deps: PlatformApiHandlerDeps) {
  const { logger, metrics } = deps.observability;

  const answer = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const key = routeKey(event);
    logger.appendKeys({ route: key });
    try {
      const route = platformRoutes[key];
      if (!route) throw new RouteNotFoundError(`no route ${key}`);
      const { statusCode, body } = await route(event, deps);
      logger.info('Platform request answered', { statusCode });
      return jsonResponse(statusCode, body);
    } catch (error) {
      const response = platformErrorResponse(error);
      if (!response) throw error;
      if (response.statusCode >= 500) {
        metrics.addMetric(metricNames.platformApiUnavailable, MetricUnit.Count, 1);
        logger.error('Platform request failed', error as Error);
      } else {
        logger.warn('Platform request refused', { statusCode: response.statusCode, reason: (error as Error).message });
      }
      return response;
    }
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(observabilityMiddlewares(deps.observability))
    .use(
      httpErrorHandler({
        logger: (error: unknown) => logger.error('Unhandled error in the platform API', error as Error),
        fallbackMessage: INTERNAL_ERROR_BODY,
      }),
    )
    .handler(answer);
}

/** Typed errors to status codes; undefined for anything unexpected (the http-error-handler makes it a 500). */
export function platformErrorResponse(error: unknown): APIGatewayProxyResult | undefined {
  if (error instanceof InvalidRequestError) return jsonResponse(400, { error: error.message, field: error.field });
  if (error instanceof NotFoundError || error instanceof RouteNotFoundError) return errorResponse(404, error.message);
  if (error instanceof ConflictError || error instanceof InvalidPayoutTransitionError) {
    return errorResponse(409, error.message);
  }
  if (error instanceof PayloadTooLargeError) return errorResponse(413, error.message);
  if (error instanceof TemporarilyUnavailableError) return errorResponse(503, error.message);
  return undefined;
}
