/**
 * What happens to one verified Stripe event: claim it in the audit log (exactly one delivery wins), then
 * route it. Money events go to the revenue-share queue; every other type is recorded as IGNORED. Nothing is
 * acknowledged while it could be lost: a failed write or enqueue raises an alert and a typed error (5xx).
 */
import { SQS_MAX_MESSAGE_BYTES, sqsMessageBody } from '#contracts/sqs-message-body.js';
import { ROUTED_EVENT_TYPES as ROUTED } from '#contracts/stripe-events.js';
import type { ProcessEventMessage } from '../model.js';
import {
  type AlertSink,
  type AuditLog,
  ClaimMovedOnError,
  type ClaimOutcome,
  type Clock,
  type MessageQueue,
} from '../ports.js';
import { buildAlert } from './alert.js';
import { AuditLogUnavailableError, EventEnqueueFailedError } from './errors.js';
import type { WebhookEvent } from './stripe-event.js';

/** The event types this stack acts on (contracts/stripe-events.ts); the revenue-share worker handles each. */
export const ROUTED_EVENT_TYPES: ReadonlySet<string> = new Set(ROUTED);

/**
 * How long a RECEIVED claim blocks other deliveries. Longer than the webhook function's timeout, so a live
 * delivery never loses its claim; a crashed one is taken over by Stripe's next retry after this.
 */
export const CLAIM_LEASE_SECONDS = 60;

export type WebhookOutcome = 'enqueued' | 'ignored' | 'duplicate';

/**
 * One deduplication id per claim of an event. Sends within one claim (an SDK retry of a send that in fact
 * arrived) collapse into one message; a re-claim (the event FAILED, Stripe redelivered) gets a new id, so
 * FIFO deduplication's five-minute window cannot swallow the re-drive and leave the row stuck.
 */
export const processEventDeduplicationId = (stripeEventId: string, attempt: number): string =>
  `${stripeEventId}#${attempt}`;

/** Structured diagnostics (the Powertools logger fits). */
export interface DiagnosticLog {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface WebhookReceiverDeps {
  auditLog: AuditLog;
  processEventQueue: MessageQueue<ProcessEventMessage>;
  alerts: AlertSink;
  clock: Clock;
  log: DiagnosticLog;
  leaseSeconds?: number;
}

export async function receiveWebhookEvent(event: WebhookEvent, deps: WebhookReceiverDeps): Promise<WebhookOutcome> {
  const { auditLog, alerts, clock, log } = deps;
  const correlation = { stripeEventId: event.id, eventType: event.type };

  const withEvent: ProcessEventMessage = { stripeEventId: event.id, eventType: event.type, rawEvent: event.rawBody };
  const inMessage = fitsInMessage(withEvent);
  let claim: ClaimOutcome;
  try {
    claim = await auditLog.claim({
      stripeEventId: event.id,
      eventType: event.type,
      ...(inMessage ? {} : { rawEvent: event.rawBody }),
      now: clock.now(),
      leaseSeconds: deps.leaseSeconds ?? CLAIM_LEASE_SECONDS,
    });
  } catch (error) {
    log.error('Audit log write failed: the event is not recorded', { ...correlation, error: describe(error) });
    await alerts.raise(
      buildAlert(
        {
          kind: 'AUDIT_LOG_WRITE_FAILED',
          stripeEventId: event.id,
          message: `Could not record Stripe event ${event.id} (${event.type}) in the audit log: ${describe(error)}`,
        },
        clock.now(),
      ),
    );
    throw new AuditLogUnavailableError(`Could not record Stripe event ${event.id}`, { cause: error });
  }
  if (!claim.claimed) return 'duplicate';

  if (!ROUTED_EVENT_TYPES.has(event.type)) {
    try {
      await auditLog.markIgnored(event.id, clock.now());
    } catch (error) {
      // No money rides on an unhandled type: no page. The claim's lease expires and Stripe's retry re-claims.
      log.error('Could not mark the event IGNORED', { ...correlation, error: describe(error) });
      throw new AuditLogUnavailableError(`Could not record Stripe event ${event.id}`, { cause: error });
    }
    return 'ignored';
  }

  try {
    await deps.processEventQueue.send(inMessage ? withEvent : { stripeEventId: event.id, eventType: event.type }, {
      deduplicationId: processEventDeduplicationId(event.id, claim.attempts),
      groupId: event.id,
    });
  } catch (error) {
    return await failEnqueue(event, claim.attempts, error, deps);
  }
  // Nothing is written after the send: a redelivery after the lease re-claims and enqueues the event again, and the
  // worker skips whichever of the two messages comes second (it reads the row, which the first marked PROCESSED).
  return 'enqueued';
}

/**
 * Whether the event can travel in its queue message, measured on the body as sent (JSON, a string inside a string,
 * with the characters SQS refuses escaped: an emoji's 4 bytes become 12), not on the event's own bytes. An event that
 * fits leaves the claim a small item, billed one write unit; one that does not is kept on the claim itself, and the
 * worker reads it there.
 */
const fitsInMessage = (message: ProcessEventMessage): boolean =>
  Buffer.byteLength(sqsMessageBody(message), 'utf8') <= SQS_MAX_MESSAGE_BYTES;

/**
 * The row becomes FAILED (with the event, for re-sync), an alert is raised and the delivery is not acknowledged, so
 * Stripe retries. Only while the row is still this claim's: a send reported failed may in fact have arrived (a timeout
 * after SQS took it), and the worker then moved the row on (PROCESSED, or FAILED with its own reason), or another
 * delivery re-claimed it after the lease. Whoever moved it on answers for it now: nothing is marked, no alert, and
 * Stripe is told `duplicate` (200), as a redelivery would be; a 503 would only bring that redelivery.
 */
async function failEnqueue(
  event: WebhookEvent,
  attempt: number,
  error: unknown,
  deps: WebhookReceiverDeps,
): Promise<'duplicate'> {
  const { auditLog, alerts, clock, log } = deps;
  const reason = `Could not enqueue ${event.type} event: ${describe(error)}`;
  const correlation = { stripeEventId: event.id, eventType: event.type };
  let markedFailed = false;
  try {
    await auditLog.markFailed(event.id, reason, clock.now(), {
      eventType: event.type,
      rawEvent: event.rawBody,
      claimAttempt: attempt,
    });
    markedFailed = true;
    log.error('Enqueue failed: the event is marked FAILED', { ...correlation, error: describe(error) });
  } catch (markError) {
    if (markError instanceof ClaimMovedOnError) {
      log.warn('Enqueue reported a failure, but the event moved on meanwhile: it is not marked FAILED', {
        ...correlation,
        attempt,
        status: markError.status,
        error: describe(error),
      });
      return 'duplicate';
    }
    // The row stays RECEIVED: Stripe's retry re-claims it once the lease expires.
    log.error('Enqueue failed, and marking the event FAILED failed too', {
      ...correlation,
      error: describe(error),
      markError: describe(markError),
    });
  }
  await alerts.raise(
    buildAlert({ kind: 'WEBHOOK_ENQUEUE_FAILED', stripeEventId: event.id, message: reason }, clock.now()),
  );
  throw new EventEnqueueFailedError(`Could not enqueue Stripe event ${event.id}`, markedFailed, { cause: error });
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);
