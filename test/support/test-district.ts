/** A district as the tests configure it: 15% to one Connect account, transfers automatic, no customer mapping. */
import { randomUUID } from 'node:crypto';
import type { District } from '../../domain/model.js';

export function testDistrict(stripeAccountId: string, overrides: Partial<District> = {}): District {
  const now = new Date().toISOString();
  return {
    districtId: `district-${randomUUID().slice(0, 8)}`,
    stripeAccountId,
    shareBps: 1_500,
    currency: 'usd',
    autoTransfer: true,
    stripeCustomerIds: [],
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
