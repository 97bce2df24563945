/**
 * The clawback side of `payouts show` (domain/clawback/money-movements.ts): what of the share came back, what the
 * district keeps and owes, and every money movement, one line each. A row nothing came back from shows none of it.
 */
import type { MoneyMovement } from '../../domain/clawback/money-movements.js';
import { formatMoney, renderTable } from '../output.js';
import type { RevenueShareDetail } from '../platform-client.js';

/** `12.00 USD (1200)`: money as people read it, and the cents the API and the ledger hold. */
export const moneyAndCents = (cents: number, currency: string): string => `${formatMoney(cents, currency)} (${cents})`;

/** reversedCents, netPaidCents, owedCents and nettedCents, each only when the row has it. */
export function moneyTotalFields(row: RevenueShareDetail): [string, string | undefined][] {
  const total = (cents: number | undefined) => (cents === undefined ? undefined : moneyAndCents(cents, row.currency));
  return [
    ['reversedCents', total(row.reversedCents)],
    ['netPaidCents', total(row.netPaidCents)],
    ['owedCents', total(row.owedCents)],
    ['nettedCents', total(row.nettedCents)],
  ];
}

/** The row's moneyHistory as a table, one line per movement, oldest first; undefined when it has none. */
export function moneyHistoryTable(row: RevenueShareDetail): string | undefined {
  const history = row.moneyHistory ?? [];
  if (history.length === 0) return undefined;
  return renderTable(history, [
    { header: 'KIND', value: (m) => m.kind },
    { header: 'PART', value: (m) => `#${m.partIndex}`, align: 'right' },
    { header: 'AMOUNT', value: (m) => moneyAndCents(m.amountCents, row.currency), align: 'right' },
    { header: 'STRIPE ID', value: stripeIdOf },
    { header: 'AT', value: (m) => m.at },
    { header: 'NOTE', value: noteOf },
  ]);
}

/** A reversal names the transfer it came from; an OWED entry the transfer it could not reverse. */
function stripeIdOf(m: MoneyMovement): string {
  if (m.stripeId && m.transferId) return `${m.stripeId} of ${m.transferId}`;
  return m.stripeId ?? m.transferId ?? '-';
}

function noteOf(m: MoneyMovement): string {
  const counterpart =
    m.counterpartRowId &&
    `${m.kind === 'NETTED' ? 'settles' : 'settled by'} ${m.counterpartRowId}` +
      (m.counterpartPartIndex === undefined ? '' : ` #${m.counterpartPartIndex}`);
  const details = [
    m.note,
    m.disputeId && `dispute ${m.disputeId}${m.disputeStep ? ` (${m.disputeStep})` : ''}`,
    counterpart,
    m.refusals === undefined ? undefined : `refused ${m.refusals} time${m.refusals === 1 ? '' : 's'}`,
  ];
  return details.filter((detail) => detail).join('; ') || '-';
}
