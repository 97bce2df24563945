/**
 * A ledger row's history of money movements, per transfer part, and the totals derived from it. The history is the
 * truth: reversedCents, netPaidCents, owedCents and the Stripe-side net are computed from it, never kept apart.
 *
 *   TRANSFER        the part's transfer (its amount may be below the part's share: a refund or netting came first)
 *   NETTED          of the part's share, this much was kept to settle what the district owed on other rows
 *   REVERSAL        a transfer reversal (transfers.createReversal), from `transferId`
 *   OWED            a reversal Stripe refused (or no transfer left to reverse): the district owes it
 *   OWED_FORGIVEN   an owed amount no longer owed (the refund failed, the dispute was won) before it was recovered
 *   OWED_RECOVERED  an owed amount settled by netting it from another payout (`counterpartRowId`)
 *   REPAYMENT       a new transfer giving back what was reversed (a dispute won, a refund failed)
 *   REPAYMENT_REFUSED  a re-payment Stripe refused: nothing moved, so no total counts it. It says how many of the
 *                   part's re-payments were refused so far (`refusals`), which the next re-payment's key names; the
 *                   part keeps only its latest, so a refusal replayed on every catch-up run does not grow the row
 */

export const MOVEMENT_KINDS = [
  'TRANSFER',
  'NETTED',
  'REVERSAL',
  'OWED',
  'OWED_FORGIVEN',
  'OWED_RECOVERED',
  'REPAYMENT',
  'REPAYMENT_REFUSED',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export interface MoneyMovement {
  kind: MovementKind;
  /** Always positive cents; the kind says which way the money went. */
  amountCents: number;
  /** The transfer part it belongs to (0 for a row paid by one transfer). */
  partIndex: number;
  at: string;
  /** The Stripe event that caused it, when one did. */
  causeEventId?: string;
  /** tr_... (TRANSFER, REPAYMENT) or trr_... (REVERSAL). */
  stripeId?: string;
  /** REVERSAL: the transfer reversed. */
  transferId?: string;
  /** The idempotency key of the Stripe request that made (or was refused) it. */
  idempotencyKey?: string;
  chargeId?: string;
  disputeId?: string;
  /** The dispute step that caused it: created, funds_withdrawn, funds_reinstated, won, lost, prevented. */
  disputeStep?: string;
  /** NETTED: the row whose debt it settled; OWED_RECOVERED: the row whose payout settled it. */
  counterpartRowId?: string;
  /** NETTED: the owing row's part it settled; OWED_RECOVERED: the paying row's part. */
  counterpartPartIndex?: number;
  /** OWED, REPAYMENT_REFUSED: Stripe's code and message; otherwise a short reason. */
  note?: string;
  /** REPAYMENT_REFUSED: how many re-payments of the part Stripe refused so far, this one included. */
  refusals?: number;
}

export interface PartTotals {
  transferredCents: number;
  repaidCents: number;
  /** Σ REVERSAL (gross, at Stripe). */
  reversalsCents: number;
  nettedCents: number;
  owedRaisedCents: number;
  owedForgivenCents: number;
  owedRecoveredCents: number;
  /** Owed and not yet forgiven or recovered. */
  owedCents: number;
  hasTransfer: boolean;
  /** What of the share was taken back, by any means: a smaller transfer, reversals, debt. 0..S. */
  clawedBackCents: number;
  /** Net at Stripe: transfers + re-payments − reversals. */
  stripeNetCents: number;
}

const sum = (movements: readonly MoneyMovement[], kind: MovementKind) =>
  movements.reduce((total, m) => (m.kind === kind ? total + m.amountCents : total), 0);

export const movementsOfPart = (movements: readonly MoneyMovement[], partIndex: number): MoneyMovement[] =>
  movements.filter((m) => m.partIndex === partIndex);

/**
 * The totals of one part of share `shareCents`, from its movements. `untransferredCents`: what the transfer of a part
 * not transferred yet will send; what it holds back of the share is taken back already (counted in clawedBackCents),
 * as it is once that transfer is made. Unset: a part without a transfer counts nothing as taken back (the planner's
 * view: it only reads what moved).
 */
export function partTotals(
  shareCents: number,
  movements: readonly MoneyMovement[],
  untransferredCents?: number,
): PartTotals {
  const transferredCents = sum(movements, 'TRANSFER');
  const repaidCents = sum(movements, 'REPAYMENT');
  const reversalsCents = sum(movements, 'REVERSAL');
  const nettedCents = sum(movements, 'NETTED');
  const owedRaisedCents = sum(movements, 'OWED');
  const owedForgivenCents = sum(movements, 'OWED_FORGIVEN');
  const owedRecoveredCents = sum(movements, 'OWED_RECOVERED');
  const hasTransfer = movements.some((m) => m.kind === 'TRANSFER');
  // A transfer below the share (a refund that came first) took that much back before any money moved.
  const sentCents = hasTransfer ? transferredCents : untransferredCents;
  const reducedCents = sentCents === undefined ? 0 : Math.max(0, shareCents - nettedCents - sentCents);
  return {
    transferredCents,
    repaidCents,
    reversalsCents,
    nettedCents,
    owedRaisedCents,
    owedForgivenCents,
    owedRecoveredCents,
    owedCents: owedRaisedCents - owedForgivenCents - owedRecoveredCents,
    hasTransfer,
    clawedBackCents: reducedCents + reversalsCents - repaidCents + owedRaisedCents - owedForgivenCents,
    stripeNetCents: transferredCents + repaidCents - reversalsCents,
  };
}

/** How many re-payments of a part Stripe refused so far (its REPAYMENT_REFUSED entry keeps the count). */
export const repaymentRefusals = (movements: readonly MoneyMovement[]): number =>
  movements.reduce((count, m) => (m.kind === 'REPAYMENT_REFUSED' ? Math.max(count, m.refusals ?? 1) : count), 0);

/**
 * The history with one more refused re-payment of `refusal.partIndex`: it replaces the part's earlier refusal entry,
 * counting it (refusals + 1).
 */
export function withRefusedRepayment(history: readonly MoneyMovement[], refusal: MoneyMovement): MoneyMovement[] {
  const isEarlier = (m: MoneyMovement) => m.kind === 'REPAYMENT_REFUSED' && m.partIndex === refusal.partIndex;
  const refusals = repaymentRefusals(history.filter(isEarlier)) + 1;
  return [...history.filter((m) => !isEarlier(m)), { ...refusal, kind: 'REPAYMENT_REFUSED', refusals }];
}

/** A part's transfers (its TRANSFER and REPAYMENTs) with what is left to reverse of each, newest first. */
export function reversibleTransfers(
  movements: readonly MoneyMovement[],
): { transferId: string; remainingCents: number }[] {
  const transfers = movements.filter((m) => (m.kind === 'TRANSFER' || m.kind === 'REPAYMENT') && m.stripeId);
  return transfers
    .map((t) => {
      const reversed = movements
        .filter((m) => m.kind === 'REVERSAL' && m.transferId === t.stripeId)
        .reduce((total, m) => total + m.amountCents, 0);
      return { transferId: t.stripeId as string, remainingCents: t.amountCents - reversed };
    })
    .reverse();
}

/**
 * Σ asked back from one transfer: its reversals and the reversals Stripe refused (OWED naming it). It only grows, so
 * a key derived from it is never reused, not even after a refusal (Stripe replays a stored refusal for 24 h).
 */
export const askedFromTransfer = (movements: readonly MoneyMovement[], transferId: string): number =>
  movements
    .filter((m) => (m.kind === 'REVERSAL' || m.kind === 'OWED') && m.transferId === transferId)
    .reduce((t, m) => t + m.amountCents, 0);

/** Σ REVERSAL from one transfer: Stripe's `amount_reversed` of it once every reversal is recorded. */
export const reversedFromTransfer = (movements: readonly MoneyMovement[], transferId: string): number =>
  movements.filter((m) => m.kind === 'REVERSAL' && m.transferId === transferId).reduce((t, m) => t + m.amountCents, 0);

export interface RowPart {
  index: number;
  /** The part's share (its planned amount). */
  amountCents: number;
  /** A part not transferred yet: what its transfer will send (see partTotals). */
  untransferredCents?: number;
}

export interface RowMoneyTotals {
  /** Σ clawed back over the parts: what of the share the district no longer keeps. Never above shareCents. */
  reversedCents: number;
  /** shareCents − reversedCents: what the district keeps of this row's share. */
  netPaidCents: number;
  /** What the district still owes on this row (refused reversals not yet forgiven or netted). */
  owedCents: number;
  /** Transfers + re-payments − reversals at Stripe: what reconcile compares with Stripe. */
  stripeNetCents: number;
  /** Of this row's share, kept to settle the district's debts on other rows. */
  nettedCents: number;
}

/** Row totals over its parts (a row without parts is one part of its whole share). */
export function rowMoneyTotals(
  shareCents: number,
  parts: readonly RowPart[],
  movements: readonly MoneyMovement[],
): RowMoneyTotals {
  const list = parts.length > 0 ? parts : [{ index: 0, amountCents: shareCents }];
  const totals = list.map((part) =>
    partTotals(part.amountCents, movementsOfPart(movements, part.index), part.untransferredCents),
  );
  const add = (pick: (t: PartTotals) => number) => totals.reduce((s, t) => s + pick(t), 0);
  const reversedCents = add((t) => t.clawedBackCents);
  return {
    reversedCents,
    netPaidCents: shareCents - reversedCents,
    owedCents: add((t) => t.owedCents),
    stripeNetCents: add((t) => t.stripeNetCents),
    nettedCents: add((t) => t.nettedCents),
  };
}

export type ClawbackStatus = 'PARTIALLY_REVERSED' | 'REVERSED';

/** REVERSED when all of a positive share was taken back, PARTIALLY_REVERSED when some, undefined when none. */
export function clawbackStatus(shareCents: number, reversedCents: number): ClawbackStatus | undefined {
  if (reversedCents <= 0 || shareCents <= 0) return undefined;
  return reversedCents >= shareCents ? 'REVERSED' : 'PARTIALLY_REVERSED';
}
