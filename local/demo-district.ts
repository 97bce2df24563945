import { createStripeClient } from '../functions/commons/stripe-client.js';

export const DEMO_DISTRICT_ID = 'shahdol';
export const DEMO_CUSTOMER_ID = 'cus_DemoShahdol';

/**
 * Seeds the pilot district: a Connect account at the Stripe emulator, and the district configured
 * through the platform API exactly as an operator would (`PUT /platform/districts/{id}`).
 */
export async function seedDemoDistrict(apiUrl: string, emulator: { port: number; apiKey: string }): Promise<void> {
  const stripe = createStripeClient(emulator.apiKey, { baseUrl: `http://127.0.0.1:${emulator.port}` });
  const account = await stripe.accounts.create({
    type: 'express',
    country: 'US',
    email: 'finance@shahdol.example.org',
    metadata: { districtId: DEMO_DISTRICT_ID },
  });
  const response = await fetch(`${apiUrl}/platform/districts/${DEMO_DISTRICT_ID}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      stripeAccountId: account.id,
      shareBps: 1500,
      currency: 'usd',
      autoTransfer: true,
      stripeCustomerIds: [DEMO_CUSTOMER_ID],
    }),
  });
  if (!response.ok) throw new Error(`Seeding the demo district failed: ${response.status} ${await response.text()}`);
}
