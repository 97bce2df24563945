/**
 * The ledger row a charge paid, found through Stripe rather than a guard item written with every row: the invoices
 * the charge's payment intent paid (its paid invoice payments; a charge without an intent paid none), each invoice's
 * row (its id derives from the invoice alone), and of those the one whose source charges name the charge. A charge
 * that paid two rows' invoices is for a person to sort out: the money event FAILS (with an alert) rather than clawing
 * back from a guess.
 */
import type { RevenueShare } from '../model.js';
import type { ClawbackProvider, LedgerStore } from '../ports.js';
import { PermanentEventError } from '../revenue-share/permanent-event-error.js';
import { deriveRevenueShareId } from '../revenue-share/revenue-share-id.js';
import type { ChargeSnapshot } from './charge-state.js';

/** What names a charge's invoices: the charge and the payment intent that made it (none: it paid no invoice). */
export type ChargeRef = Pick<ChargeSnapshot, 'chargeId' | 'paymentIntentId'>;

export interface RowLookupDeps {
  provider: Pick<ClawbackProvider, 'invoicesPaidWith'>;
  ledger: Pick<LedgerStore, 'get'>;
}

export async function rowPaidBy(charge: ChargeRef, deps: RowLookupDeps): Promise<RevenueShare | undefined> {
  const paid = await rowsPaidBy(charge, deps);
  if (paid.length > 1) {
    const ids = paid.map((row) => `${row.revenueShareId} (${row.invoiceId})`).join(', ');
    throw new PermanentEventError(`charge ${charge.chargeId} paid more than one ledger row: ${ids}`);
  }
  return paid[0];
}

/** Every ledger row the charge paid: none, one, or (a person's to sort out) several. Reconcile reports several. */
export async function rowsPaidBy(charge: ChargeRef, deps: RowLookupDeps): Promise<RevenueShare[]> {
  const { chargeId, paymentIntentId } = charge;
  if (paymentIntentId === undefined) return [];
  const invoiceIds = [...new Set(await deps.provider.invoicesPaidWith(paymentIntentId))];
  const rows = await Promise.all(invoiceIds.map((invoiceId) => deps.ledger.get(deriveRevenueShareId(invoiceId))));
  return rows.filter(
    (row): row is RevenueShare => row?.sourceCharges?.some((charge) => charge.chargeId === chargeId) === true,
  );
}
