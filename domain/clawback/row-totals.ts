/**
 * A ledger row's money, part by part, as the clawback and mark-paid read it: each part's movements with its transfer,
 * and the row's totals (reversedCents, netPaidCents, owedCents) derived from them. What a part held back before its
 * transfer (a refund that came first: amountCents below plannedCents) counts as taken back from the moment it is held
 * back, before and after the transfer, so the totals and the status never change when the transfer is made.
 */
import type { RevenueShare, TransferPart } from '../model.js';
import { partsOf } from '../payouts/transfer-plan.js';
import { type MoneyMovement, movementsOfPart, rowMoneyTotals } from './money-movements.js';

type RowMoney = Pick<RevenueShare, 'shareCents' | 'transferParts' | 'moneyHistory' | 'paidAt'> &
  Partial<Pick<RevenueShare, 'updatedAt'>>;

/**
 * A part that was not transferred when its row was verified (paidAt: PAID, or settled by netting) is never
 * transferred: the transfer worker does not pay a verified row. Its transfer is what it sent then (0), so money that
 * comes back to it later is a re-payment, as for a part that was transferred.
 */
export const isSettledWithoutTransfer = (row: Pick<RevenueShare, 'paidAt'>, part: TransferPart): boolean =>
  part.stripeTransferId === undefined && row.paidAt !== undefined;

/** The part's share before any reduction, and its movements including its transfer. */
export function partMovements(row: RowMoney, part: TransferPart): { shareCents: number; movements: MoneyMovement[] } {
  const history = movementsOfPart(row.moneyHistory ?? [], part.index);
  const at = row.paidAt ?? row.updatedAt ?? '';
  const transfer: MoneyMovement[] = part.stripeTransferId
    ? [{ kind: 'TRANSFER', amountCents: part.amountCents, partIndex: part.index, at, stripeId: part.stripeTransferId }]
    : isSettledWithoutTransfer(row, part)
      ? [{ kind: 'TRANSFER', amountCents: part.amountCents, partIndex: part.index, at, note: 'not transferred' }]
      : [];
  return { shareCents: part.plannedCents ?? part.amountCents, movements: [...transfer, ...history] };
}

/** Row totals over its parts, each part's transfer included, or what it will send when it is not made yet. */
export function totalsOf(row: RowMoney) {
  const parts = partsOf(row);
  const movements = parts.flatMap((part) => partMovements(row, part).movements);
  const rowParts = parts.map((part) => ({
    index: part.index,
    amountCents: part.plannedCents ?? part.amountCents,
    untransferredCents: part.amountCents,
  }));
  return rowMoneyTotals(row.shareCents, rowParts, movements);
}

/** The derived totals as ledger changes: written with every change that moves them, and with the status. */
export function totalsChanges(row: RowMoney): { reversedCents: number; netPaidCents: number; owedCents: number } {
  const totals = totalsOf(row);
  return { reversedCents: totals.reversedCents, netPaidCents: totals.netPaidCents, owedCents: totals.owedCents };
}
