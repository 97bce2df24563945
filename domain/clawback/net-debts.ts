/**
 * Netting what a district owes (refused reversals, OWED on earlier rows) from its next payout, wired into the
 * transfer worker before a part's transfer is made. Exactly once, with a crash possible between any two writes:
 *
 *   1. intent on the paying row first: one conditional write (on its version) appends a NETTED movement per debt it
 *      settles (the owing row and part, a key `netting:<paying row>:<part>:<n>` derived from the paying row) and
 *      makes the part's transfer that much smaller (plannedCents keeps the part's share);
 *   2. the owing row is settled idempotently: an OWED_RECOVERED movement carrying the same key, conditional on the
 *      owing row's version, for what it still owes (never more: a concurrent payout may have settled it first;
 *      0 is recorded too, so the key is final);
 *   3. if the owing row gave less than the intent, the paying row's NETTED amount is lowered to it and its transfer
 *      raised by the difference, before the transfer is made.
 * Step 2 and 3 run again on every delivery while the part is not transferred, so a crash between the writes
 * converges. Nothing is netted from a part whose transfer may already exist at Stripe (found in its transfer group):
 * its amount must stay what its idempotency key was first sent with.
 */
import type { RevenueShare, TransferPart } from '../model.js';
import type { Clock, DebtLedger, LedgerStore } from '../ports.js';
import { type MoneyMovement, movementsOfPart, partTotals } from './money-movements.js';
import { type Debt, planNetting } from './netting.js';
import { partMovements, totalsOf } from './row-totals.js';

export interface NetDebtsDeps {
  ledger: LedgerStore;
  debts: DebtLedger;
  clock: Clock;
}

export const nettingKey = (revenueShareId: string, partIndex: number, sequence: number): string =>
  `netting:${revenueShareId}:${partIndex}:${sequence}`;

const MAX_CONFLICTS = 5;

/** The NETTED movements of a row that may still need their owing row settled (their part is not transferred). */
const openNettings = (row: RevenueShare): MoneyMovement[] => {
  const open = new Set((row.transferParts ?? []).filter((p) => !p.stripeTransferId).map((p) => p.index));
  return (row.moneyHistory ?? []).filter(
    (m) => m.kind === 'NETTED' && open.has(m.partIndex) && m.counterpartRowId && m.idempotencyKey,
  );
};

/** What each owing row's part still owes, oldest first (planNetting orders them). */
function debtsOf(rows: readonly RevenueShare[], payer: RevenueShare): Debt[] {
  const debts: Debt[] = [];
  for (const row of rows) {
    if (row.revenueShareId === payer.revenueShareId || row.currency !== payer.currency) continue;
    if (row.districtId !== payer.districtId) continue;
    for (const part of row.transferParts ?? []) {
      const { shareCents, movements } = partMovements(row, part);
      const owedCents = partTotals(shareCents, movements).owedCents;
      if (owedCents <= 0) continue;
      const since = movements.find((m) => m.kind === 'OWED')?.at ?? row.createdAt;
      debts.push({ revenueShareId: row.revenueShareId, partIndex: part.index, owedCents, since });
    }
  }
  return debts;
}

/**
 * Nets the district's debts from the row's untransferred parts (except `skipParts`: parts that may already have a
 * transfer at Stripe) and settles every netting still open. Returns the row as it is now.
 */
export async function netDebts(
  row: RevenueShare,
  deps: NetDebtsDeps,
  owing: readonly RevenueShare[],
  skipParts: ReadonlySet<number> = new Set(),
): Promise<RevenueShare> {
  let current = row;
  const debts = debtsOf(owing, row);
  if (debts.length > 0) current = await planRowNetting(current, debts, skipParts, deps);
  return await settleOpenNettings(current, deps);
}

async function planRowNetting(
  row: RevenueShare,
  debts: Debt[],
  skipParts: ReadonlySet<number>,
  deps: NetDebtsDeps,
): Promise<RevenueShare> {
  const at = deps.clock.now().toISOString();
  const left = new Map(debts.map((d) => [`${d.revenueShareId}#${d.partIndex}`, d]));
  const added: MoneyMovement[] = [];
  const parts: TransferPart[] = [];
  for (const part of row.transferParts ?? []) {
    const already = movementsOfPart(row.moneyHistory ?? [], part.index).filter((m) => m.kind === 'NETTED');
    // A part is netted at most once (its first plan), never once transferred or possibly made at Stripe.
    if (part.stripeTransferId || skipParts.has(part.index) || already.length > 0 || part.amountCents <= 0) {
      parts.push(part);
      continue;
    }
    const plan = planNetting([...left.values()], part.amountCents);
    plan.allocations.forEach((allocation, i) => {
      const debt = left.get(`${allocation.revenueShareId}#${allocation.partIndex}`);
      if (debt) debt.owedCents -= allocation.amountCents;
      added.push({
        kind: 'NETTED',
        amountCents: allocation.amountCents,
        partIndex: part.index,
        at,
        counterpartRowId: allocation.revenueShareId,
        counterpartPartIndex: allocation.partIndex,
        idempotencyKey: nettingKey(row.revenueShareId, part.index, i),
        note: `settles what district ${row.districtId} owes on ${allocation.revenueShareId}`,
      });
    });
    parts.push(
      plan.nettedCents > 0
        ? { ...part, amountCents: plan.transferCents, plannedCents: part.plannedCents ?? part.amountCents }
        : part,
    );
  }
  if (added.length === 0) return row;
  return await writeRow(row, parts, [...(row.moneyHistory ?? []), ...added], deps, 'netting its debts');
}

async function settleOpenNettings(row: RevenueShare, deps: NetDebtsDeps): Promise<RevenueShare> {
  let current = row;
  for (const netting of openNettings(row)) {
    const recovered = await settleOwingRow(current, netting, deps);
    if (recovered === netting.amountCents) continue;
    current = await lowerNetting(current, netting, recovered, deps);
  }
  return current;
}

/** Records OWED_RECOVERED on the owing row once per key; the amount it gave (what it still owed, at most asked). */
async function settleOwingRow(payer: RevenueShare, netting: MoneyMovement, deps: NetDebtsDeps): Promise<number> {
  const owingId = netting.counterpartRowId ?? '';
  const partIndex = netting.counterpartPartIndex ?? 0;
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const owing = await deps.ledger.get(owingId);
    if (!owing) return 0;
    const done = (owing.moneyHistory ?? []).find(
      (m) => m.kind === 'OWED_RECOVERED' && m.idempotencyKey === netting.idempotencyKey,
    );
    if (done) return done.amountCents;
    const part = (owing.transferParts ?? []).find((p) => p.index === partIndex);
    const stillOwed = part ? partTotals(...shareAndMovements(owing, part)).owedCents : 0;
    const amountCents = Math.max(0, Math.min(netting.amountCents, stillOwed));
    const movement: MoneyMovement = {
      kind: 'OWED_RECOVERED',
      amountCents,
      partIndex,
      at: deps.clock.now().toISOString(),
      counterpartRowId: payer.revenueShareId,
      counterpartPartIndex: netting.partIndex,
      idempotencyKey: netting.idempotencyKey as string,
      note:
        amountCents === netting.amountCents
          ? `netted from the payout of ${payer.revenueShareId}`
          : `netted from the payout of ${payer.revenueShareId}; ${amountCents} of ${netting.amountCents} was still owed`,
    };
    const moneyHistory = [...(owing.moneyHistory ?? []), movement];
    const totals = totalsOf({ ...owing, moneyHistory });
    const result = await deps.ledger.update({
      revenueShareId: owing.revenueShareId,
      expectedVersion: owing.version,
      changes: {
        moneyHistory,
        reversedCents: totals.reversedCents,
        netPaidCents: totals.netPaidCents,
        owedCents: totals.owedCents,
        updatedAt: deps.clock.now().toISOString(),
      },
    });
    if (result.updated) return amountCents;
  }
  throw new Error(`ledger row ${owingId} kept changing while its debt was netted; retrying`);
}

const shareAndMovements = (row: RevenueShare, part: TransferPart): [number, MoneyMovement[]] => {
  const { shareCents, movements } = partMovements(row, part);
  return [shareCents, movements];
};

/** The owing row gave less than the intent: the paying row nets that much and transfers the rest. */
async function lowerNetting(
  row: RevenueShare,
  netting: MoneyMovement,
  recovered: number,
  deps: NetDebtsDeps,
): Promise<RevenueShare> {
  let current = row;
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const history = current.moneyHistory ?? [];
    const entry = history.find((m) => m.kind === 'NETTED' && m.idempotencyKey === netting.idempotencyKey);
    if (!entry || entry.amountCents === recovered) return current;
    const raise = entry.amountCents - recovered;
    const moneyHistory = history.map((m) => (m === entry ? { ...m, amountCents: recovered } : m));
    const parts = (current.transferParts ?? []).map((p) =>
      p.index === entry.partIndex && !p.stripeTransferId ? { ...p, amountCents: p.amountCents + raise } : p,
    );
    const result = await deps.ledger.update({
      revenueShareId: current.revenueShareId,
      expectedVersion: current.version,
      changes: { moneyHistory, transferParts: parts, updatedAt: deps.clock.now().toISOString() },
    });
    if (result.updated) return result.row;
    if (!result.current) throw new Error(`ledger row ${current.revenueShareId} vanished`);
    current = result.current;
  }
  throw new Error(`ledger row ${row.revenueShareId} kept changing while its netting was settled; retrying`);
}

async function writeRow(
  row: RevenueShare,
  transferParts: TransferPart[],
  moneyHistory: MoneyMovement[],
  deps: NetDebtsDeps,
  what: string,
): Promise<RevenueShare> {
  const result = await deps.ledger.update({
    revenueShareId: row.revenueShareId,
    expectedVersion: row.version,
    changes: { transferParts, moneyHistory, updatedAt: deps.clock.now().toISOString() },
  });
  if (!result.updated) throw new Error(`ledger row ${row.revenueShareId} changed while ${what}; retrying`);
  return result.row;
}
