/** Configures the bench districts through the platform API, as an operator would (`PUT /platform/districts/{id}`). */
import type { BenchDistrict } from '../districts.js';

export async function configureDistricts(apiUrl: string, districts: readonly BenchDistrict[]): Promise<void> {
  for (const district of districts) {
    const response = await fetch(`${apiUrl}/platform/districts/${district.districtId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        stripeAccountId: district.stripeAccountId,
        shareBps: district.shareBps,
        currency: district.currency,
        autoTransfer: true,
        stripeCustomerIds: [district.customerId],
      }),
    });
    if (!response.ok) {
      throw new Error(`Configuring ${district.districtId} failed: ${response.status} ${await response.text()}`);
    }
  }
}
