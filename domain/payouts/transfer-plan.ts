/**
 * How a row's share is split into transfers, one per source of the invoice's money.
 *
 * Rule (pro rata, largest remainder): with sources of a_1..a_n cents (A = Σ a_i, the amount they paid) and a
 * share S ≤ A, part i gets floor(S × a_i / A); the cents still missing, S − Σ floor, go one each to the parts with
 * the largest remainder (S × a_i mod A), ties to the earlier source. So the parts add up to S exactly, each is within
 * one cent of its exact pro-rata value, and none exceeds its source: a part that gets the extra cent had a
 * non-zero remainder, so floor + 1 ≤ ceil(S × a_i / A) ≤ a_i. Parts of 0 cents are dropped (no transfer). BigInt
 * keeps S × a_i exact for every safe-integer amount.
 */
import { type ChargeSnapshot, partTargetCents } from '../clawback/charge-state.js';
import type { DisputePolicy } from '../clawback/dispute-policy.js';
import type { RevenueShare, SourceCharge, TransferPart } from '../model.js';

/** A source of the invoice's money: a charge (`chargeId`), or the amount paid outside Stripe (no chargeId). */
export interface MoneySource {
  chargeId?: string;
  amountCents: number;
}

/** The parts of `shareCents` for each source, in source order (see the rule above). */
export function splitShare(shareCents: number, sources: readonly MoneySource[]): number[] {
  const total = sources.reduce((sum, source) => sum + BigInt(source.amountCents), 0n);
  if (shareCents < 0 || !Number.isSafeInteger(shareCents))
    throw new RangeError(`share ${shareCents} is not a cent amount`);
  if (sources.some((s) => s.amountCents < 0 || !Number.isSafeInteger(s.amountCents))) {
    throw new RangeError('every source amount must be a non-negative safe integer');
  }
  if (BigInt(shareCents) > total)
    throw new RangeError(`share ${shareCents} exceeds the ${total} cents its sources paid`);
  if (total === 0n) return sources.map(() => 0);
  const share = BigInt(shareCents);
  const exact = sources.map((source, index) => {
    const product = share * BigInt(source.amountCents);
    return { index, floor: product / total, remainder: product % total };
  });
  let missing = share - exact.reduce((sum, part) => sum + part.floor, 0n);
  const byRemainder = [...exact].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  const parts = exact.map((part) => part.floor);
  for (const part of byRemainder) {
    if (missing === 0n) break;
    parts[part.index] = (parts[part.index] ?? 0n) + 1n;
    missing--;
  }
  return parts.map(Number);
}

/** The transfer parts of a share paid from `sources`; a source without a charge is paid from the platform balance. */
export function planTransferParts(shareCents: number, sources: readonly MoneySource[]): TransferPart[] {
  const amounts = splitShare(shareCents, sources);
  const parts: TransferPart[] = [];
  sources.forEach((source, i) => {
    const amountCents = amounts[i] ?? 0;
    if (amountCents === 0) return;
    parts.push({
      index: parts.length,
      amountCents,
      ...(source.chargeId ? { sourceChargeId: source.chargeId } : {}),
    });
  });
  return parts;
}

/**
 * The parts as the clawback leaves a part not yet transferred (domain/clawback/process-money-event.ts, reduceTransfer)
 * when its charge already gave money back as the row is written: a refund or dispute that came before invoice.paid
 * was processed, whose own event found no row. A part whose charge has a clawback target T > 0 (the same target the
 * clawback computes from the same charge state) keeps its share as plannedCents and transfers max(0, share − T), so
 * a later money event on that charge computes the same target and moves only what changed since.
 */
export function netOfChargeStates(
  parts: readonly TransferPart[],
  states: readonly ChargeSnapshot[],
  shareBps: number,
  policy: DisputePolicy,
): TransferPart[] {
  return parts.map((part) => {
    const state = states.find((s) => s.chargeId === part.sourceChargeId);
    if (!part.sourceChargeId || !state) return part;
    const targetCents = partTargetCents(part.amountCents, shareBps, state, policy);
    if (targetCents === 0) return part;
    return { ...part, amountCents: Math.max(0, part.amountCents - targetCents), plannedCents: part.amountCents };
  });
}

/** The sources of an invoice: its charges, then what was paid outside Stripe (when anything was). */
export function moneySources(charges: readonly SourceCharge[], outOfBandCents: number): MoneySource[] {
  const sources: MoneySource[] = charges.map((c) => ({ chargeId: c.chargeId, amountCents: c.amountCents }));
  if (outOfBandCents > 0) sources.push({ amountCents: outOfBandCents });
  return sources;
}

export const partsOf = (row: Pick<RevenueShare, 'transferParts'>): TransferPart[] => row.transferParts ?? [];

/** A part held back to 0 (its charge refunded, or its share netted) before any transfer of it was recorded. */
export const heldBackUntransferred = (part: TransferPart): boolean =>
  part.amountCents === 0 && part.plannedCents !== undefined && !part.stripeTransferId;

/** True when the row has a plan and every part's transfer is recorded. */
export const allPartsTransferred = (row: Pick<RevenueShare, 'transferParts'>): boolean => {
  const parts = partsOf(row);
  // A part of 0 (refunded before the transfer, or netted) has nothing to transfer: it is done without one.
  return parts.length > 0 && parts.every((part) => part.stripeTransferId !== undefined || part.amountCents === 0);
};

/** The transfer ids the row's parts record (none for a row without parts). */
export const partTransferIds = (row: Pick<RevenueShare, 'transferParts'>): string[] =>
  partsOf(row).flatMap((part) => (part.stripeTransferId ? [part.stripeTransferId] : []));

/** The recorded transfer ids of a row (its parts', or the single stripeTransferId of a row without parts). */
export function recordedTransferIds(row: Pick<RevenueShare, 'transferParts' | 'stripeTransferId'>): string[] {
  const ids = partTransferIds(row);
  if (ids.length === 0 && row.stripeTransferId) return [row.stripeTransferId];
  return ids;
}
