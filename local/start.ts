/**
 * `npm start`: the whole stack on this machine. Env: PORT (3000), STRIPE_API_KEY (unset: the Stripe emulator on
 * STRIPE_EMULATOR_PORT, 12111, where the stack registers its webhook endpoint and accepts the secret registration
 * returns; an sk_test_ key: real Stripe test mode), STRIPE_WEBHOOK_SECRET (accepted as well; with real Stripe,
 * whsec_local_development when unset), STRIPE_EMULATOR_RATE_LIMITS (off | sandbox | live; default off),
 * LOCAL_NO_SEED=1 to skip the demo district.
 */
import { seedDemoDistrict } from './demo-district.js';
import { startLocalStack } from './local-stack.js';
import { extraWebhookSecrets, parseRateLimits } from './start-options.js';
import { DEFAULT_WEBHOOK_SECRET } from './webhook-secret.js';

const port = Number(process.env.PORT ?? 3000);
const stripeApiKey = process.env.STRIPE_API_KEY || undefined;
const stripeEmulatorPort = Number(process.env.STRIPE_EMULATOR_PORT ?? 12111);

if (stripeApiKey && !stripeApiKey.startsWith('sk_test_')) {
  console.error('STRIPE_API_KEY must be a test-mode key (sk_test_...): the local stack never touches live money.');
  process.exit(2);
}
const registerWebhookEndpoint = !stripeApiKey;
const settings = (() => {
  try {
    return {
      rateLimits: parseRateLimits(process.env.STRIPE_EMULATOR_RATE_LIMITS),
      webhookSecrets: extraWebhookSecrets(process.env.STRIPE_WEBHOOK_SECRET, registerWebhookEndpoint),
    };
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
})();

const stack = await startLocalStack({
  port,
  stripeApiKey,
  stripeEmulatorPort,
  stripeEmulator: { rateLimits: settings.rateLimits },
  registerWebhookEndpoint,
  webhookSecrets: settings.webhookSecrets,
  // The catch-up and the daily reconcile run on their own, as EventBridge runs them when deployed.
  schedules: {},
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
    ...webhookLines(),
    stack.stripe
      ? `  Stripe          local emulator at ${stack.stripe.url} (any sk_test_ key, e.g. ${stack.stripe.apiKey}; platform balance 10,000,000.00 USD available)`
      : `  Stripe          test mode with STRIPE_API_KEY; forward events with: stripe listen --forward-to localhost:${port}/stripe/webhook`,
    '',
    stack.stripe
      ? 'Try: npm run demo   npm run stripe -- trigger invoice.paid   npm run stripe -- events      Stop: Ctrl-C'
      : 'Stop: Ctrl-C',
    '',
  ].join('\n'),
);

/** The endpoint the emulator delivers to, the secrets the webhook accepts, and the emulator's rate limits. */
function webhookLines(): string[] {
  const endpoint = stack.webhookEndpoint;
  const [userSecret] = settings.webhookSecrets;
  const lines: string[] = [];
  if (endpoint) {
    lines.push(
      `  Registered      ${endpoint.id} at the emulator for ${endpoint.enabledEvents.join(', ')} (the emulator delivers them)`,
      `  Webhook secret  ${endpoint.secret} (returned by the registration)`,
    );
  }
  if (userSecret === DEFAULT_WEBHOOK_SECRET) lines.push(`  Webhook secret  ${userSecret} (default)`);
  else if (userSecret) lines.push('  Webhook secret  (from STRIPE_WEBHOOK_SECRET, accepted too)');
  if (stack.stripe) {
    const limits = settings.rateLimits;
    lines.push(
      `  Rate limits     ${limits ? `${limits} (Stripe's published limits; STRIPE_EMULATOR_RATE_LIMITS)` : 'off (STRIPE_EMULATOR_RATE_LIMITS=sandbox|live enforces them)'}`,
    );
  }
  return lines;
}

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
