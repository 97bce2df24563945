/**
 * POST /platform/resync (HTTP API, payload 1.0, IAM-authorised): parse the request, replay FAILED events through
 * the webhook's path, answer 200 with the counts and one item per event. The same function may be invoked
 * directly (`aws lambda invoke`) with the request itself as the payload, `{ "since"?, "dryRun"?, ... }`; it then
 * returns the result object itself, or `{ "error": "...", "field"?: "..." }` for a request it refuses.
 */
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ProcessEventMessage } from '../../domain/model.js';
import type { AlertSink, AuditLog, Clock, MessageQueue } from '../../domain/ports.js';
import type { EventSource } from '../../domain/resync/event-source.js';
import { type ResyncResult, resyncFailedEvents } from '../../domain/resync/resync-failed-events.js';
import { parseResyncRequest } from '../../domain/resync/resync-request.js';
import type { SecretSource } from '../commons/config.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { stripeApiKeyMiddleware } from '../commons/secrets.js';
import { jsonResponse, readJsonBody } from '../platform-api/http.js';
import { INTERNAL_ERROR_BODY, platformErrorResponse } from '../platform-api/platform-api-handler.js';

export const RESYNC_ROUTE = { method: 'POST', resource: '/platform/resync' } as const;

/** The HTTP API gives up after 30 s: no replay starts after 20 s, so the answer (and its counts) gets back. */
export const API_GATEWAY_BUDGET_MS = 20_000;
/** Time kept back from the Lambda timeout (at most a third of it) for the replays already started and the answer. */
const SAFETY_MARGIN_MS = 15_000;

/** The event source of one invocation, built from the Stripe API key the secret middleware put on the context. */
export type EventSourceForContext = (context: Context) => EventSource;

export interface ResyncHandlerDeps {
  observability: Observability;
  stripeApiKey: SecretSource;
  events: EventSourceForContext;
  auditLog: AuditLog;
  processEventQueue: MessageQueue<ProcessEventMessage>;
  alerts: AlertSink;
  clock: Clock;
  /** How long after its lease a RECEIVED row counts as stuck (default: the domain's STUCK_AFTER_MS). */
  stuckAfterMs?: number;
}

type ResyncEvent = APIGatewayProxyEvent | Record<string, unknown>;
type ResyncResponse = APIGatewayProxyResult | ResyncResult | Record<string, unknown>;

const isProxyEvent = (event: ResyncEvent): event is APIGatewayProxyEvent =>
  typeof (event as { httpMethod?: unknown }).httpMethod === 'string';

export function createResyncHandler({ observability, stripeApiKey, events, ...deps }: ResyncHandlerDeps) {
  const { logger } = observability;

  const run = async (body: unknown, context: Context, budgetMs: number): Promise<ResyncResult> => {
    const now = deps.clock.now();
    const request = parseResyncRequest(body, now);
    const remaining = context.getRemainingTimeInMillis();
    const budget = Math.min(budgetMs, remaining - Math.min(SAFETY_MARGIN_MS, remaining / 3));
    const deadline = new Date(now.getTime() + budget);
    const result = await resyncFailedEvents(request, { ...deps, events: events(context), log: logger, deadline });
    const { items: _items, ...counts } = result;
    logger.info('Re-sync finished', { ...counts, selection: request.selection.kind });
    return result;
  };

  const answer = async (event: ResyncEvent, context: Context): Promise<ResyncResponse> => {
    try {
      if (!isProxyEvent(event)) return await run(event, context, Number.POSITIVE_INFINITY);
      if (event.httpMethod.toUpperCase() !== RESYNC_ROUTE.method || event.resource !== RESYNC_ROUTE.resource) {
        return jsonResponse(404, { error: `no route ${event.httpMethod} ${event.resource}` });
      }
      return jsonResponse(200, await run(readJsonBody(event), context, API_GATEWAY_BUDGET_MS));
    } catch (error) {
      const response = platformErrorResponse(error);
      if (!response) throw error;
      logger.warn('Re-sync request refused', { statusCode: response.statusCode, reason: (error as Error).message });
      return isProxyEvent(event) ? response : (JSON.parse(response.body) as Record<string, unknown>);
    }
  };

  return middy<ResyncEvent, ResyncResponse>()
    .use(observabilityMiddlewares(observability))
    .use(stripeApiKeyMiddleware(stripeApiKey))
    .use(
      httpErrorHandler({
        logger: (error: unknown) => logger.error('Unhandled error in re-sync', error as Error),
        fallbackMessage: INTERNAL_ERROR_BODY,
      }),
    )
    .handler(answer);
}
