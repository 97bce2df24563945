/**
 * transfer.reversed -> the ledger row that owns the transfer (found through its guard item) becomes REVERSED,
 * on-call is alerted, the audit row is PROCESSED. A transfer no row owns is a permanent failure.
 */
import type { RevenueShare } from '../model.js';
import { raiseAlert } from '../payouts/raise-alert.js';
import { canTransition } from '../payouts/transitions.js';
import type { AlertSink, AuditLog, Clock, LedgerStore } from '../ports.js';
import { PermanentEventError } from './permanent-event-error.js';
import { type StoredEvent, stringField } from './stripe-event.js';

export interface ProcessTransferReversedDeps {
  auditLog: AuditLog;
  ledger: LedgerStore;
  alerts: AlertSink;
  clock: Clock;
}

export interface TransferReversedResult {
  outcome: 'reversed';
  revenueShareId: string;
  districtId: string;
  invoiceId: string;
}

const MAX_VERSION_RACES = 3;

export async function processTransferReversed(
  event: StoredEvent,
  deps: ProcessTransferReversedDeps,
): Promise<TransferReversedResult> {
  const transfer = event.object;
  const transferId = stringField(transfer, 'id');
  if (!transferId) throw new PermanentEventError(`transfer.reversed event ${event.id} carries no transfer id`);
  const found = await deps.ledger.findByTransferId(transferId);
  if (!found) throw new PermanentEventError(`transfer ${transferId} was reversed but no ledger row owns it`);

  const reason =
    `transfer ${transferId} reversed: ${String(transfer.amount_reversed)} of ` +
    `${String(transfer.amount)} ${String(transfer.currency)}`;
  const row = await markReversed(found, reason, deps);
  const { revenueShareId, districtId, invoiceId } = row;
  // Alert before PROCESSED: a crash in between repeats the alert rather than losing it.
  await raiseAlert(deps.alerts, deps.clock, {
    kind: 'TRANSFER_REVERSED',
    message: `${reason}; ledger row ${revenueShareId} is REVERSED`,
    stripeEventId: event.id,
    districtId,
    invoiceId,
    revenueShareId,
  });
  await deps.auditLog.markProcessed(event.id, deps.clock.now(), {
    districtId,
    invoiceId,
    metadata: { revenueShareId, stripeTransferId: transferId },
  });
  return { outcome: 'reversed', revenueShareId, districtId, invoiceId };
}

async function markReversed(start: RevenueShare, reason: string, deps: ProcessTransferReversedDeps) {
  let row = start;
  for (let race = 0; race < MAX_VERSION_RACES; race++) {
    if (row.payoutStatus === 'REVERSED') return row;
    if (!canTransition(row.payoutStatus, 'REVERSED')) {
      throw new PermanentEventError(`ledger row ${row.revenueShareId} is ${row.payoutStatus} and cannot be REVERSED`, {
        districtId: row.districtId,
        invoiceId: row.invoiceId,
      });
    }
    const result = await deps.ledger.update({
      revenueShareId: row.revenueShareId,
      expectedVersion: row.version,
      changes: { payoutStatus: 'REVERSED', lastError: reason, updatedAt: deps.clock.now().toISOString() },
    });
    if (result.updated) return result.row;
    if (!result.current) break;
    row = result.current;
  }
  throw new Error(`ledger row ${row.revenueShareId} kept changing while being marked REVERSED`);
}
