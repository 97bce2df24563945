/**
 * POST /stripe/webhook (HTTP API, payload 1.0). Thin: read the request, verify the signature, parse the
 * event envelope, hand it to the domain, map the outcome or the typed error to a JSON response.
 * The ack path is: verify (an HMAC) + one conditional write + one enqueue.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import { WebhookSignatureError, type WebhookSignatureVerifier } from '../../adapters/stripe/webhook-signature.js';
import type { ProcessEventMessage } from '../../domain/model.js';
import type { AlertSink, AuditLog, Clock, MessageQueue } from '../../domain/ports.js';
import { AuditLogUnavailableError, EventEnqueueFailedError } from '../../domain/webhook/errors.js';
import { receiveWebhookEvent, type WebhookOutcome } from '../../domain/webhook/receive-event.js';
import { InvalidStripeEventError, parseStripeEvent } from '../../domain/webhook/stripe-event.js';
import type { SecretSource } from '../commons/config.js';
import { publishDimensionless } from '../commons/metrics.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { stripeWebhookSecretsFrom, stripeWebhookSecretsMiddleware } from '../commons/secrets.js';
import {
  InvalidBodyEncodingError,
  jsonResponse,
  MethodNotAllowedError,
  PayloadTooLargeError,
  readWebhookRequest,
} from './http.js';

export interface WebhookHandlerDeps {
  observability: Observability;
  /** Where the signing secrets come from (Secrets Manager, cached; or the values, in tests and local runs). */
  webhookSecrets: SecretSource;
  verifier: WebhookSignatureVerifier;
  auditLog: AuditLog;
  processEventQueue: MessageQueue<ProcessEventMessage>;
  alerts: AlertSink;
  clock: Clock;
  leaseSeconds?: number;
}

const INTERNAL_ERROR_BODY = JSON.stringify({ error: 'Internal server error' });

export function createWebhookHandler(deps: WebhookHandlerDeps) {
  const { logger, metrics } = deps.observability;

  const receive = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    try {
      const request = readWebhookRequest(event);
      deps.verifier.verify(request.rawBody, request.signature, stripeWebhookSecretsFrom(context), deps.clock.now());
      const stripeEvent = parseStripeEvent(request.rawBody.toString('utf8'));
      logger.appendKeys({ stripeEventId: stripeEvent.id, eventType: stripeEvent.type });
      const outcome = await receiveWebhookEvent(stripeEvent, {
        auditLog: deps.auditLog,
        processEventQueue: deps.processEventQueue,
        alerts: deps.alerts,
        clock: deps.clock,
        log: logger,
        ...(deps.leaseSeconds === undefined ? {} : { leaseSeconds: deps.leaseSeconds }),
      });
      metrics.addMetric(OUTCOME_METRICS[outcome], MetricUnit.Count, 1);
      // The silence alarm watches this series: paid invoices stopped arriving.
      if (outcome === 'enqueued' && stripeEvent.type === 'invoice.paid') {
        publishDimensionless(metrics, metricNames.invoicePaidAccepted, 1);
      }
      logger.info('Stripe event received', { outcome });
      return OUTCOME_RESPONSES[outcome]();
    } catch (error) {
      const response = errorResponse(error);
      if (!response) throw error;
      if (response.statusCode >= 500) {
        metrics.addMetric(metricNames.webhookUnavailable, MetricUnit.Count, 1);
        if (error instanceof EventEnqueueFailedError && error.markedFailed) {
          metrics.addMetric(metricNames.webhookEventsFailed, MetricUnit.Count, 1);
        }
      } else {
        metrics.addMetric(metricNames.webhookRejected, MetricUnit.Count, 1);
        // Its own series (the rejected-deliveries alarm): a rotation gone wrong refuses every delivery this way.
        if (error instanceof WebhookSignatureError) {
          publishDimensionless(metrics, metricNames.webhookSignatureRejected, 1);
        }
        logger.warn('Webhook request rejected', { statusCode: response.statusCode, reason: (error as Error).message });
      }
      return response;
    }
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(observabilityMiddlewares(deps.observability))
    .use(stripeWebhookSecretsMiddleware(deps.webhookSecrets))
    .use(
      httpErrorHandler({
        logger: (error: unknown) => logger.error('Unhandled error in the webhook', error as Error),
        fallbackMessage: INTERNAL_ERROR_BODY,
      }),
    )
    .handler(receive);
}

const OUTCOME_METRICS: Record<WebhookOutcome, string> = {
  enqueued: metricNames.webhookEventEnqueued,
  ignored: metricNames.webhookEventIgnored,
  duplicate: metricNames.webhookEventDuplicate,
};

const OUTCOME_RESPONSES: Record<WebhookOutcome, () => APIGatewayProxyResult> = {
  enqueued: () => jsonResponse(200, { received: true }),
  ignored: () => jsonResponse(200, { received: true, ignored: true }),
  duplicate: () => jsonResponse(200, { duplicate: true }),
};

/** Typed errors to status codes; undefined for anything unexpected (the http-error-handler makes it a 500). */
function errorResponse(error: unknown): APIGatewayProxyResult | undefined {
  if (error instanceof MethodNotAllowedError) return jsonResponse(405, { error: error.message }, { Allow: 'POST' });
  if (error instanceof PayloadTooLargeError) return jsonResponse(413, { error: error.message });
  if (error instanceof InvalidBodyEncodingError) return jsonResponse(400, { error: error.message });
  if (error instanceof WebhookSignatureError) return jsonResponse(400, { error: error.message });
  if (error instanceof InvalidStripeEventError) return jsonResponse(400, { error: error.message });
  if (error instanceof AuditLogUnavailableError || error instanceof EventEnqueueFailedError) {
    // Not acknowledged: Stripe retries, and the retry re-claims the FAILED (or lease-expired) row.
    return jsonResponse(503, { error: 'The event could not be recorded; retry later' });
  }
  return undefined;
}
