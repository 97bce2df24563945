/** The districts a bench run pays: each with a Connect account at the Stripe emulator. */
import { createStripeClient } from '../functions/commons/stripe-client.js';

export interface BenchDistrict {
  districtId: string;
  customerId: string;
  shareBps: number;
  currency: 'usd';
  stripeAccountId: string;
}

const SHARES_BPS = [1500, 1000, 2000, 2500, 500] as const;

/** Creates `count` Connect accounts at the emulator and returns the districts that pay them. */
export async function createBenchDistricts(
  emulator: { port: number; apiKey: string },
  count: number,
): Promise<BenchDistrict[]> {
  const stripe = createStripeClient(emulator.apiKey, { baseUrl: `http://127.0.0.1:${emulator.port}` });
  const districts: BenchDistrict[] = [];
  for (let i = 1; i <= count; i++) {
    const districtId = `bench-district-${i}`;
    const account = await stripe.accounts.create({ type: 'express', country: 'US', metadata: { districtId } });
    districts.push({
      districtId,
      customerId: `cus_BenchDistrict${i}`,
      shareBps: SHARES_BPS[(i - 1) % SHARES_BPS.length] as number,
      currency: 'usd',
      stripeAccountId: account.id,
    });
  }
  return districts;
}
