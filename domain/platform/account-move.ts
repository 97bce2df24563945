/**
 * A retry of a row whose district's Connect account is no longer the one the row pays (the district re-onboarded,
 * or its account was fixed with `districts put` after a transfer failed with `resource_missing`). The transfer
 * worker refuses such a row (`district_changed`), so without a move it could never be paid. The retry moves it to
 * the district's current account, in the same conditional update that starts its attempt, when:
 *   - no money went to the account it pays: no part records a transfer, no money movement records one (a transfer,
 *     re-payment or reversal), and no clawback is under way. A row paid there in part is refused (409): one row is
 *     paid to one account, and what to do with the rest is a person's decision;
 *   - a person says who moves it and why (`by`, `reason`), recorded on the row with both accounts and the time.
 * What the ledger cannot know (a transfer made at Stripe whose record was lost to a crash) the transfer worker finds:
 * it lists a moved row's transfer group before paying it, and a transfer found there to the account the row paid
 * before puts the row back on that account (domain/payouts/moved-row.ts). So a move never pays a row twice.
 */
import type { DestinationChange, District, RevenueShare } from '../model.js';
import { partsOf, partTransferIds } from '../payouts/transfer-plan.js';
import { ConflictError } from './errors.js';

/** Who moves the row and why, as the operator names themselves; either may be absent on a retry that moves nothing. */
export interface MoveRequest {
  by?: string;
  reason?: string;
}

/**
 * The change the retry makes to the row's destination, or undefined when the row already pays the district's account
 * (or the district is not configured: the worker then refuses the attempt and says so). Throws a ConflictError when
 * the row cannot be moved, or the request does not say who moves it and why.
 */
export function accountMove(
  row: RevenueShare,
  district: District | undefined,
  request: MoveRequest,
  now: Date,
  callerArn?: string,
): DestinationChange | undefined {
  if (!district || district.stripeAccountId === row.destinationAccountId) return undefined;
  const from = row.destinationAccountId;
  const to = district.stripeAccountId;
  const paid = moneySentTo(row);
  if (paid.length > 0) {
    throw new ConflictError(
      `revenue share ${row.revenueShareId} cannot be moved to ${to}, district ${row.districtId}'s account now: ` +
        `money already went to ${from} for it (${paid.join('; ')}), and one row is paid to one account. ` +
        `Nothing was changed. Its unpaid ${unpaidCents(row)} ${row.currency} cents can only be paid to ${from}: ` +
        `escalate to finance, who decide whether the rest is paid there (put the district back on ${from}, retry ` +
        'this row, then put the new account again) or settled outside the platform',
    );
  }
  const by = request.by?.trim();
  const reason = request.reason?.trim();
  if (!by || !reason) {
    throw new ConflictError(
      `revenue share ${row.revenueShareId} pays ${from}, but district ${row.districtId}'s account is now ${to}. ` +
        `No money went to ${from} for this row, so the retry can move it to ${to}: say who decides and why ` +
        `(payouts retry ${row.revenueShareId} --by WHO --reason WHY; "by" and "reason" in the request body)`,
    );
  }
  return { from, to, by, reason, at: now.toISOString(), ...(callerArn ? { callerArn } : {}) };
}

/** What went to the row's account for it, as the ledger records it: empty when nothing did. */
function moneySentTo(row: RevenueShare): string[] {
  const parts = partsOf(row);
  const sent = parts.flatMap((part) =>
    part.stripeTransferId
      ? [
          parts.length > 1
            ? `part ${part.index + 1} of ${parts.length}: ${part.stripeTransferId}`
            : part.stripeTransferId,
        ]
      : [],
  );
  if (row.stripeTransferId && !parts.some((part) => part.stripeTransferId === row.stripeTransferId)) {
    sent.push(row.stripeTransferId);
  }
  const recorded = new Set(partTransferIds(row));
  for (const movement of row.moneyHistory ?? []) {
    const stripeId = movement.stripeId ?? movement.transferId;
    const recordsTransfer =
      movement.kind === 'TRANSFER' || movement.kind === 'REPAYMENT' || movement.kind === 'REVERSAL';
    if ((recordsTransfer || stripeId) && !(movement.kind === 'TRANSFER' && stripeId && recorded.has(stripeId))) {
      sent.push(`${movement.kind} ${stripeId ?? 'without an id'}`);
    }
  }
  if (row.clawbackIntent) sent.push('a clawback under way');
  return [...new Set(sent)];
}

const unpaidCents = (row: RevenueShare): number =>
  partsOf(row)
    .filter((part) => !part.stripeTransferId)
    .reduce((sum, part) => sum + part.amountCents, 0);
