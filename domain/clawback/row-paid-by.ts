/**
 * The ledger row a charge paid. A charge made by a payment intent is found through Stripe rather than a guard item
 * written with every row: the invoices the intent paid (its paid invoice payments), each invoice's row (its id derives
 * from the invoice alone), and of those the one whose source charges name the charge. Stripe leads from a charge made
 * without a payment intent to no invoice, so such a row is found through the ledger's pointer item for that charge
 * (written only for such rows), again kept only if its source charges name the charge. A charge that paid two rows'
 * invoices is for a person to sort out: the money event FAILS (with an alert) rather than clawing back from a guess.
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
  /** Without findByChargeId (reconcile's readers), a charge without a payment intent finds no row. */
  ledger: Pick<LedgerStore, 'get'> & Partial<Pick<LedgerStore, 'findByChargeId'>>;
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
  const rows: Array<RevenueShare | undefined> =
    paymentIntentId === undefined
      ? ((await deps.ledger.findByChargeId?.(chargeId)) ?? [])
      : await rowsOfInvoices(await deps.provider.invoicesPaidWith(paymentIntentId), deps);
  return rows.filter(
    (row): row is RevenueShare => row?.sourceCharges?.some((charge) => charge.chargeId === chargeId) === true,
  );
}

async function rowsOfInvoices(
  invoiceIds: readonly string[],
  deps: RowLookupDeps,
): Promise<Array<RevenueShare | undefined>> {
  const unique = [...new Set(invoiceIds)];
  return await Promise.all(unique.map((invoiceId) => deps.ledger.get(deriveRevenueShareId(invoiceId))));
}
