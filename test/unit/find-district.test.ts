import { describe, expect, it } from 'vitest';
import type { District } from '../../domain/model.js';
import type { DistrictStore } from '../../domain/ports.js';
import { customerIdOf, districtIdFromInvoice, findDistrict } from '../../domain/revenue-share/find-district.js';
import { PermanentEventError } from '../../domain/revenue-share/permanent-event-error.js';

const district = (districtId: string, stripeCustomerIds: string[] = []): District => ({
  districtId,
  stripeAccountId: `acct_${districtId}`,
  shareBps: 1_500,
  currency: 'usd',
  autoTransfer: true,
  stripeCustomerIds,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** An in-memory DistrictStore: this test is about the lookup order, not storage. */
const storeOf = (...districts: District[]): DistrictStore => ({
  get: async (id) => districts.find((d) => d.districtId === id),
  put: async () => {},
  list: async () => districts,
  findByCustomerId: async (customerId) => districts.filter((d) => d.stripeCustomerIds.includes(customerId)),
});

const allSources = {
  id: 'in_1',
  customer: 'cus_d',
  metadata: { districtId: 'a' },
  parent: { subscription_details: { metadata: { districtId: 'b' } } },
  subscription_details: { metadata: { districtId: 'c' } },
};

describe('district resolution order', () => {
  it('prefers invoice.metadata, then parent.subscription_details, then subscription_details, then the customer', async () => {
    // Prepare
    const store = storeOf(district('a'), district('b'), district('c'), district('d', ['cus_d']));
    const withoutMetadata = { ...allSources, metadata: {} };
    const withoutParent = { ...withoutMetadata, parent: null };
    const customerOnly = { ...withoutParent, subscription_details: undefined };

    // Act
    const resolved = await Promise.all(
      [allSources, withoutMetadata, withoutParent, customerOnly].map((invoice) => findDistrict(invoice, store)),
    );

    // Assess
    expect(resolved.map((r) => [r.district.districtId, r.source])).toEqual([
      ['a', 'invoice.metadata.districtId'],
      ['b', 'invoice.parent.subscription_details.metadata.districtId'],
      ['c', 'invoice.subscription_details.metadata.districtId'],
      ['d', 'invoice.customer'],
    ]);
  });

  it('treats an empty districtId as absent', () => {
    expect(
      districtIdFromInvoice({ metadata: { districtId: '' }, subscription_details: { metadata: { districtId: 'c' } } }),
    ).toEqual({ districtId: 'c', source: 'invoice.subscription_details.metadata.districtId' });
  });

  it('reads the customer id from a string or an expanded customer', () => {
    expect(customerIdOf({ customer: 'cus_1' })).toBe('cus_1');
    expect(customerIdOf({ customer: { id: 'cus_2', object: 'customer' } })).toBe('cus_2');
    expect(customerIdOf({ customer: null })).toBeUndefined();
  });

  it('matches an expanded customer object against the configured ids', async () => {
    // Act
    const resolved = await findDistrict({ id: 'in_1', customer: { id: 'cus_x' } }, storeOf(district('x', ['cus_x'])));

    // Assess
    expect(resolved.district.districtId).toBe('x');
  });

  it('fails when the named district is not configured, without falling back to the customer', async () => {
    // Prepare
    const store = storeOf(district('d', ['cus_d']));

    // Act
    const act = findDistrict({ id: 'in_1', customer: 'cus_d', metadata: { districtId: 'typo' } }, store);

    // Assess
    await expect(act).rejects.toThrow(PermanentEventError);
    await expect(act).rejects.toThrow('district "typo" named by invoice.metadata.districtId is not configured');
  });

  it('fails when nothing names a district', async () => {
    await expect(findDistrict({ id: 'in_1', customer: 'cus_nobody' }, storeOf(district('a')))).rejects.toThrow(
      'no district is configured for customer cus_nobody',
    );
  });

  it('fails when a customer is configured on two districts', async () => {
    // Prepare
    const store = storeOf(district('a', ['cus_1']), district('b', ['cus_1']));

    // Act / Assess
    await expect(findDistrict({ id: 'in_1', customer: 'cus_1' }, store)).rejects.toThrow(
      'customer cus_1 is configured on several districts: a, b',
    );
  });
});
