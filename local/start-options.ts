/**
 * What `npm start` reads from its environment besides ports: the emulator's rate limits
 * (STRIPE_EMULATOR_RATE_LIMITS) and which webhook signing secrets the stack accepts. A bad value is refused before
 * anything starts.
 */
import { type RateLimitOption, STRIPE_RATE_LIMITS } from './stripe-emulator/index.js';
import { DEFAULT_WEBHOOK_SECRET } from './webhook-secret.js';

export const RATE_LIMIT_CHOICES = ['off', ...Object.keys(STRIPE_RATE_LIMITS)] as const;

/** STRIPE_EMULATOR_RATE_LIMITS: unset or `off` (the local default), `sandbox` or `live` (Stripe's published limits). */
export function parseRateLimits(value: string | undefined): RateLimitOption {
  const choice = (value ?? '').trim();
  if (choice === '' || choice === 'off') return null;
  if (choice in STRIPE_RATE_LIMITS) return choice as keyof typeof STRIPE_RATE_LIMITS;
  throw new Error(`STRIPE_EMULATOR_RATE_LIMITS must be one of ${RATE_LIMIT_CHOICES.join(', ')}; got "${choice}"`);
}

/**
 * The secrets the webhook accepts besides the one the emulator returns at registration: STRIPE_WEBHOOK_SECRET when
 * set. With real Stripe (no registration) the default local secret stands in when it is unset.
 */
export function extraWebhookSecrets(userSecret: string | undefined, registers: boolean): string[] {
  const secret = userSecret?.trim();
  if (secret) {
    if (!secret.startsWith('whsec_')) throw new Error('STRIPE_WEBHOOK_SECRET must be a signing secret (whsec_...)');
    return [secret];
  }
  return registers ? [] : [DEFAULT_WEBHOOK_SECRET];
}
