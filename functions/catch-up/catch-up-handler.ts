/**
 * The scheduled catch-up (an EventBridge schedule invokes it; `aws lambda invoke` may too, with any payload): run
 * the domain's catch-up inside the invocation's remaining time, log what it found and publish its metrics, with no
 * dimensions, for the alarms: events found that Stripe could not deliver or the audit log never had, replays, a
 * truncated run, open events too old for its re-sync, and whether this stack's webhook endpoint is enabled at Stripe.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import { type CatchUpResult, type CatchUpSettings, catchUp } from '../../domain/catch-up/catch-up.js';
import type { CatchUpStateStore } from '../../domain/catch-up/catch-up-state.js';
import type { EventFeed } from '../../domain/catch-up/event-feed.js';
import type { OpenEventCounter } from '../../domain/catch-up/open-event-count.js';
import type { ProcessEventMessage } from '../../domain/model.js';
import type { AlertSink, AuditLog, Clock, MessageQueue } from '../../domain/ports.js';
import type { EventSource } from '../../domain/resync/event-source.js';
import type { SecretSource } from '../commons/config.js';
import { publishDimensionless } from '../commons/metrics.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { stripeApiKeyMiddleware } from '../commons/secrets.js';

/** Time kept back from the Lambda timeout (at most a third of it) for the replays already started and the metrics. */
const SAFETY_MARGIN_MS = 30_000;

export interface CatchUpHandlerDeps {
  observability: Observability;
  stripeApiKey: SecretSource;
  settings: CatchUpSettings;
  /** Stripe for one invocation, built from the API key the secret middleware put on the context. */
  stripe: (context: Context) => { events: EventSource; feed: EventFeed };
  auditLog: AuditLog & OpenEventCounter;
  state: CatchUpStateStore;
  processEventQueue: MessageQueue<ProcessEventMessage>;
  alerts: AlertSink;
  clock: Clock;
}

export function createCatchUpHandler({ observability, stripeApiKey, settings, stripe, ...deps }: CatchUpHandlerDeps) {
  const { logger, metrics } = observability;

  const run = async (_event: unknown, context: Context): Promise<CatchUpResult> => {
    const remaining = context.getRemainingTimeInMillis();
    const deadline = new Date(deps.clock.now().getTime() + remaining - Math.min(SAFETY_MARGIN_MS, remaining / 3));
    const result = await catchUp(settings, { ...deps, ...stripe(context), log: logger, deadline });
    publish(result);
    const { found, ...summary } = result;
    const line = { ...summary, found: found.slice(0, 50) };
    if (found.length > 0 || result.errors.length > 0) logger.warn('Catch-up found events nobody had', line);
    else logger.info('Catch-up finished', line);
    return result;
  };

  const publish = (result: CatchUpResult): void => {
    publishDimensionless(metrics, metricNames.catchUpEventsUndelivered, result.undelivered.missing);
    publishDimensionless(metrics, metricNames.catchUpEventsMissing, result.lookback.missing);
    publishDimensionless(metrics, metricNames.catchUpEventsReplayed, result.replayed + result.resync.replayed);
    publishDimensionless(metrics, metricNames.catchUpTruncated, result.truncated ? 1 : 0);
    publishDimensionless(metrics, metricNames.catchUpEventsNotResynced, result.notResynced);
    const invoicesPaid = result.found.filter((e) => e.outcome === 'replayed' && e.eventType === 'invoice.paid');
    if (invoicesPaid.length > 0) {
      publishDimensionless(metrics, metricNames.invoicePaidAccepted, invoicesPaid.length);
    }
    // Not checked (no endpoint configured, or Stripe did not answer): no data point, which the alarm treats as
    // breaching, so a check that cannot run is seen too.
    if (result.endpoint.checked) {
      const enabled = result.endpoint.found && result.endpoint.enabled;
      publishDimensionless(metrics, metricNames.webhookEndpointEnabled, enabled ? 1 : 0);
    }
  };

  return middy<unknown, CatchUpResult>()
    .use(observabilityMiddlewares(observability))
    .use(stripeApiKeyMiddleware(stripeApiKey))
    .handler(run);
}
