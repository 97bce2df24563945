/**
 * The revenue-share worker's use case: one ProcessEventMessage, routed by the type of the event it carries (or, for
 * an event too large for a message, the one stored on its audit row). A permanent failure marks the audit row
 * FAILED with the reason (and the raw event, for re-sync) and raises an alert, and returns (the
 * message is acknowledged; re-sync replays the event once the cause is fixed). Anything else is thrown so the
 * queue retries the message and finally dead-letters it.
 */
import { type MoneyEventResult, processMoneyEvent } from '../clawback/process-money-event.js';
import type { AuditRecord, ProcessEventMessage, TransferMessage } from '../model.js';
import { raiseAlert } from '../payouts/raise-alert.js';
import type {
  AlertSink,
  AuditLog,
  ClawbackProvider,
  Clock,
  DistrictStore,
  InvoicePaymentReader,
  LedgerStore,
  MessageQueue,
} from '../ports.js';
import { PermanentEventError } from './permanent-event-error.js';
import { type InvoicePaidResult, processInvoicePaid } from './process-invoice-paid.js';
import { processTransferReversed, type TransferReversedResult } from './process-transfer-reversed.js';
import { parseStoredEvent } from './stripe-event.js';

export interface ProcessEventDeps {
  auditLog: AuditLog;
  ledger: LedgerStore;
  districts: DistrictStore;
  transferQueue: MessageQueue<TransferMessage>;
  /** How an invoice was paid (its charges), read at Stripe before its ledger row is written. */
  invoicePayments: InvoicePaymentReader;
  alerts: AlertSink;
  clock: Clock;
  /** Money that comes back (refunds, disputes): what a charge paid, and Stripe's charge and reversals. */
  clawbackProvider?: ClawbackProvider;
}

export type ProcessEventResult =
  | InvoicePaidResult
  | TransferReversedResult
  | MoneyEventResult
  | { outcome: 'failed'; errorMessage: string; districtId?: string; invoiceId?: string }
  | { outcome: 'skipped'; reason: string };

export async function processEvent(message: ProcessEventMessage, deps: ProcessEventDeps): Promise<ProcessEventResult> {
  const audit = await deps.auditLog.get(message.stripeEventId);
  // The webhook writes the audit row before it queues the message, so a missing row is not final: retry.
  if (!audit) throw new Error(`no audit row for event ${message.stripeEventId}`);
  if (audit.status === 'PROCESSED' || audit.status === 'IGNORED') {
    return { outcome: 'skipped', reason: `event ${audit.stripeEventId} is already ${audit.status}` };
  }
  const rawEvent = message.rawEvent ?? audit.rawEvent;
  try {
    const event = parseStoredEvent(audit.stripeEventId, rawEvent);
    switch (event.type) {
      case 'invoice.paid':
        return await processInvoicePaid(event, deps);
      case 'transfer.reversed':
        return await processTransferReversed(event, deps);
      case 'charge.refunded':
      case 'refund.updated':
      case 'refund.failed':
      case 'charge.dispute.created':
      case 'charge.dispute.funds_withdrawn':
      case 'charge.dispute.funds_reinstated':
      case 'charge.dispute.closed':
      case 'charge.dispute.updated':
      case 'credit_note.created':
        return await processMoneyEvent(event, moneyDeps(deps));
      default:
        throw new PermanentEventError(`event type ${event.type} is not handled by the revenue-share worker`);
    }
  } catch (error) {
    if (!(error instanceof PermanentEventError)) throw error;
    await recordPermanentFailure(audit, rawEvent, error, deps);
    return { outcome: 'failed', errorMessage: error.message, ...error.details };
  }
}

/**
 * Audit row FAILED with the reason, then an alert (EVENT_FAILED, unless the cause raised its own). If the audit write
 * fails, alert that and throw (retry).
 */
async function recordPermanentFailure(
  audit: AuditRecord,
  rawEvent: string | undefined,
  error: PermanentEventError,
  deps: ProcessEventDeps,
) {
  const { districtId, invoiceId } = error.details;
  const context = { stripeEventId: audit.stripeEventId, districtId, invoiceId };
  try {
    await deps.auditLog.markFailed(audit.stripeEventId, error.message, deps.clock.now(), {
      districtId,
      invoiceId,
      eventType: audit.eventType,
      rawEvent,
    });
  } catch (writeError) {
    await raiseAlert(deps.alerts, deps.clock, {
      kind: 'AUDIT_LOG_WRITE_FAILED',
      message: `event failed (${error.message}) and marking it FAILED failed too: ${String(writeError)}`,
      ...context,
    });
    throw writeError;
  }
  if (!error.alerted)
    await raiseAlert(deps.alerts, deps.clock, { kind: 'EVENT_FAILED', message: error.message, ...context });
}

function moneyDeps(deps: ProcessEventDeps) {
  if (!deps.clawbackProvider) throw new Error('the revenue-share worker was composed without the clawback port');
  return { ...deps, provider: deps.clawbackProvider };
}
