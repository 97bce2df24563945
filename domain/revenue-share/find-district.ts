/**
 * Which district an invoice belongs to. The first of these that names a district decides; a district it names
 * must be configured (it never falls through to a later source, so a typo cannot pay someone else):
 *   1. invoice.metadata.districtId
 *   2. invoice.parent.subscription_details.metadata.districtId   (API versions since 2025-03-31.basil)
 *   3. invoice.subscription_details.metadata.districtId           (older API versions)
 *   4. the district whose stripeCustomerIds include invoice.customer (a string id or an expanded customer)
 * No district, or a customer configured on several districts, is a permanent failure.
 */
import type { District } from '../model.js';
import type { DistrictStore } from '../ports.js';
import { PermanentEventError } from './permanent-event-error.js';
import { isRecord, stringField } from './stripe-event.js';

export type DistrictSource =
  | 'invoice.metadata.districtId'
  | 'invoice.parent.subscription_details.metadata.districtId'
  | 'invoice.subscription_details.metadata.districtId'
  | 'invoice.customer';

export interface DistrictReference {
  districtId: string;
  source: Exclude<DistrictSource, 'invoice.customer'>;
}

export interface ResolvedDistrict {
  district: District;
  source: DistrictSource;
}

function metadataDistrictId(holder: unknown): string | undefined {
  if (!isRecord(holder) || !isRecord(holder.metadata)) return undefined;
  return stringField(holder.metadata, 'districtId');
}

/** The district id named in the invoice's metadata, by the order above, or undefined. */
export function districtIdFromInvoice(invoice: Record<string, unknown>): DistrictReference | undefined {
  const fromInvoice = metadataDistrictId(invoice);
  if (fromInvoice) return { districtId: fromInvoice, source: 'invoice.metadata.districtId' };
  const parent = isRecord(invoice.parent) ? invoice.parent : undefined;
  const fromParent = metadataDistrictId(parent?.subscription_details);
  if (fromParent) return { districtId: fromParent, source: 'invoice.parent.subscription_details.metadata.districtId' };
  const fromLegacy = metadataDistrictId(invoice.subscription_details);
  if (fromLegacy) return { districtId: fromLegacy, source: 'invoice.subscription_details.metadata.districtId' };
  return undefined;
}

/** `invoice.customer` as an id, whether Stripe sent the id or the expanded customer object. */
export function customerIdOf(invoice: Record<string, unknown>): string | undefined {
  const customer = invoice.customer;
  if (typeof customer === 'string' && customer !== '') return customer;
  if (isRecord(customer)) return stringField(customer, 'id');
  return undefined;
}

export async function findDistrict(
  invoice: Record<string, unknown>,
  districts: DistrictStore,
): Promise<ResolvedDistrict> {
  const invoiceId = stringField(invoice, 'id');
  const named = districtIdFromInvoice(invoice);
  if (named) {
    const district = await districts.get(named.districtId);
    if (!district) {
      throw new PermanentEventError(`district "${named.districtId}" named by ${named.source} is not configured`, {
        districtId: named.districtId,
        invoiceId,
      });
    }
    return { district, source: named.source };
  }
  const customerId = customerIdOf(invoice);
  if (!customerId) {
    throw new PermanentEventError('invoice names no district (metadata.districtId) and has no customer', {
      invoiceId,
    });
  }
  const matches = await districts.findByCustomerId(customerId);
  const [only, ...others] = matches;
  if (!only) {
    throw new PermanentEventError(
      `invoice names no district (metadata.districtId) and no district is configured for customer ${customerId}`,
      { invoiceId },
    );
  }
  if (others.length > 0) {
    const ids = matches.map((d) => d.districtId).sort();
    throw new PermanentEventError(`customer ${customerId} is configured on several districts: ${ids.join(', ')}`, {
      invoiceId,
    });
  }
  return { district: only, source: 'invoice.customer' };
}
