/**
 * A row a retry moved to its district's current account (domain/platform/account-move.ts) was moved on what the
 * ledger knew: no transfer recorded. A transfer to the account it paid before can still exist unrecorded (a worker
 * that died between its create and its record, then the district changed). So the transfer worker lists a moved
 * row's transfer group before paying it, and when the group shows a transfer of this row to an account the row paid
 * before, that money went there: the row is put back on that account (a destination change by the transfer worker),
 * with an alert, and the worker then records that transfer as any it finds. Its district_changed guard refuses to pay
 * anything more of the row to the old account; a retry then refuses to move it again (money went there), so a person
 * decides. Transfers to several accounts, or to one the row never paid, are not guessed at: the attempt fails.
 */
import type { DestinationChange, RevenueShare } from '../model.js';
import type { AlertSink, Clock, LedgerStore, ProviderTransfer } from '../ports.js';
import { raiseAlert } from './raise-alert.js';

export const TRANSFER_WORKER = 'transfer worker';

/** The row's destination was changed since it was written: its group is listed before any transfer is made. */
export const wasMoved = (row: RevenueShare): boolean => (row.destinationChanges?.length ?? 0) > 0;

export interface MovedRowDeps {
  ledger: LedgerStore;
  alerts: AlertSink;
  clock: Clock;
}

/** The row to go on paying (moved back, or as it was), or why the attempt must fail without paying. */
export type MovedRowCheck = { row: RevenueShare } | { refuse: string };

/** `found`: the row's transfers at the provider (its listed transfer group). */
export async function backToAccountPaid(
  row: RevenueShare,
  found: readonly ProviderTransfer[],
  deps: MovedRowDeps,
): Promise<MovedRowCheck> {
  const elsewhere = found.filter((transfer) => transfer.destinationAccountId !== row.destinationAccountId);
  if (!wasMoved(row) || elsewhere.length === 0) return { row };
  const ids = elsewhere.map((t) => `${t.id} to ${t.destinationAccountId}`).join(', ');
  const accounts = new Set(elsewhere.map((transfer) => transfer.destinationAccountId));
  const [account] = accounts;
  const paidBefore = (row.destinationChanges ?? []).some((change) => change.from === account);
  const alsoHere = found.length > elsewhere.length;
  if (!account || accounts.size > 1 || !paidBefore || alsoHere) {
    return {
      refuse:
        `destination_mismatch: row pays ${row.destinationAccountId}, but its transfer group shows ${ids}` +
        `${alsoHere ? ' besides transfers to it' : ''}: compare them in the Stripe dashboard before paying it`,
    };
  }
  const now = deps.clock.now().toISOString();
  const change = {
    from: row.destinationAccountId,
    to: account,
    by: TRANSFER_WORKER,
    reason: `its transfer group shows ${ids}, made before the row was moved to ${row.destinationAccountId}`,
    at: now,
  };
  const outcome = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    changes: { ...destinationChangeFields(row, change), updatedAt: now },
  });
  // Someone changed the row meanwhile: retry and decide again on what it is now.
  if (!outcome.updated) throw new Error(`ledger row ${row.revenueShareId} changed while it was moved back`);
  await raiseAlert(deps.alerts, deps.clock, {
    kind: 'TRANSFER_MISMATCH',
    message:
      `ledger row ${row.revenueShareId} was moved from ${account} to ${row.destinationAccountId}, but ${ids} had ` +
      `already been made for it: the row is back on ${account} and records it. The district's account is another ` +
      'now, so nothing more is paid to it and mark-paid will not verify it: compare with finance',
    districtId: row.districtId,
    invoiceId: row.invoiceId,
    revenueShareId: row.revenueShareId,
    stripeEventId: row.stripeEventId,
  });
  return { row: outcome.row };
}

/** The row's fields once it moves to `change.to`: that account, and the change added to its history. */
export const destinationChangeFields = (row: Pick<RevenueShare, 'destinationChanges'>, change: DestinationChange) => ({
  destinationAccountId: change.to,
  destinationChanges: [...(row.destinationChanges ?? []), change],
});
