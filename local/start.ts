/**
 * `npm start`: the whole stack on this machine. Env: PORT (3000), STRIPE_WEBHOOK_SECRET
 * (whsec_local_development), STRIPE_API_KEY (unset: the Stripe emulator on STRIPE_EMULATOR_PORT, 12111;
 * an sk_test_ key: real Stripe test mode), LOCAL_NO_SEED=1 to skip the demo district.
 */
import { seedDemoDistrict } from './demo-district.js';
import { startLocalStack } from './local-stack.js';
import { DEFAULT_WEBHOOK_SECRET } from './webhook-secret.js';

const port = Number(process.env.PORT ?? 3000);
const stripeApiKey = process.env.STRIPE_API_KEY || undefined;
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET || DEFAULT_WEBHOOK_SECRET;
const stripeEmulatorPort = Number(process.env.STRIPE_EMULATOR_PORT ?? 12111);

if (stripeApiKey && !stripeApiKey.startsWith('sk_test_')) {
  console.error('STRIPE_API_KEY must be a test-mode key (sk_test_...): the local stack never touches live money.');
  process.exit(2);
}

const stack = await startLocalStack({
  port,
  stripeApiKey,
  stripeEmulatorPort,
  webhookSecrets: [webhookSecret],
  log: (line) => console.error(line),
}).catch((error: unknown) => {
  console.error(`The local stack did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

if (stack.stripe && process.env.LOCAL_NO_SEED !== '1') {
  await seedDemoDistrict(stack.url, stack.stripe).catch(async (error: unknown) => {
    console.error(`Seeding the demo district failed: ${error instanceof Error ? error.message : String(error)}`);
    await stack.stop();
    process.exit(1);
  });
}

console.log(
  [
    '',
    'District payouts: local stack is up',
    `  API             ${stack.url}   (GET /health)`,
    `  Webhook URL     ${stack.webhookUrl}`,
    `  Webhook secret  ${webhookSecret === DEFAULT_WEBHOOK_SECRET ? `${webhookSecret} (default)` : '(from STRIPE_WEBHOOK_SECRET)'}`,
    stack.stripe
      ? `  Stripe          local emulator at ${stack.stripe.url} (any sk_test_ key, e.g. ${stack.stripe.apiKey}; platform balance 10,000,000.00 USD available)`
      : `  Stripe          test mode with STRIPE_API_KEY; forward events with: stripe listen --forward-to localhost:${port}/stripe/webhook`,
    '',
    'Try: npm run demo      Stop: Ctrl-C',
    '',
  ].join('\n'),
);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('Stopping the local stack...');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
