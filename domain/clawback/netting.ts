/**
 * What a district owes (refused reversals) is netted from its next payouts: before a new transfer is made, the
 * debts are settled oldest first from the payout's amount, and only the rest is transferred. The paying row records
 * NETTED (naming the row it settled), the owing row OWED_RECOVERED (naming the paying row), in one write.
 */

export interface Debt {
  revenueShareId: string;
  partIndex: number;
  owedCents: number;
  /** When it became owed (ISO): oldest first. */
  since: string;
}

export interface NettingAllocation {
  revenueShareId: string;
  partIndex: number;
  amountCents: number;
}

export interface NettingPlan {
  nettedCents: number;
  transferCents: number;
  allocations: NettingAllocation[];
}

export function planNetting(debts: readonly Debt[], payoutCents: number): NettingPlan {
  if (!Number.isSafeInteger(payoutCents) || payoutCents < 0)
    throw new RangeError(`payout ${payoutCents} is not a cent amount`);
  const ordered = [...debts]
    .filter((d) => d.owedCents > 0)
    .sort((a, b) =>
      a.since === b.since ? a.revenueShareId.localeCompare(b.revenueShareId) : a.since < b.since ? -1 : 1,
    );
  let left = payoutCents;
  const allocations: NettingAllocation[] = [];
  for (const debt of ordered) {
    if (left === 0) break;
    const amountCents = Math.min(left, debt.owedCents);
    allocations.push({ revenueShareId: debt.revenueShareId, partIndex: debt.partIndex, amountCents });
    left -= amountCents;
  }
  return { nettedCents: payoutCents - left, transferCents: left, allocations };
}
