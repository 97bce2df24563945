/**
 * Runs the Stripe emulator standalone: `tsx local/stripe-emulator/main.ts`
 * Env: STRIPE_EMULATOR_PORT (default 12111), STRIPE_EMULATOR_API_KEY (default sk_test_emulator),
 * STRIPE_EMULATOR_HOST (default 127.0.0.1).
 */
import { startStripeEmulator } from './index.js';

const port = Number(process.env.STRIPE_EMULATOR_PORT ?? 12111);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid STRIPE_EMULATOR_PORT: ${process.env.STRIPE_EMULATOR_PORT}`);
  process.exit(1);
}

const emulator = await startStripeEmulator({
  port,
  ...(process.env.STRIPE_EMULATOR_API_KEY ? { apiKey: process.env.STRIPE_EMULATOR_API_KEY } : {}),
  ...(process.env.STRIPE_EMULATOR_HOST ? { host: process.env.STRIPE_EMULATOR_HOST } : {}),
});
console.log(`Stripe emulator listening on ${emulator.url} (API key ${emulator.apiKey})`);

let stopping = false;
const shutdown = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  console.log(`Stripe emulator: ${signal}, stopping`);
  emulator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('Stripe emulator: failed to stop cleanly', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
