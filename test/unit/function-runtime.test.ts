/**
 * awsRuntime builds a Stripe client factory only for the functions that pass `stripeClients` (so the others bundle
 * no Stripe client). The deployed runtime is not what the harness builds, so this guards the one-line choice in each
 * handler.ts: a function whose code reaches `runtime.stripe` must pass it, or it would fail on AWS only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { awsRuntime } from '../../functions/commons/runtime.js';
import { stripeClients } from '../../functions/commons/stripe-api-client.js';

const FUNCTIONS = fileURLToPath(new URL('../../functions/', import.meta.url));
const functionFolders = readdirSync(FUNCTIONS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'commons')
  .map((entry) => entry.name);
const sources = (folder: string) =>
  readdirSync(join(FUNCTIONS, folder))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(FUNCTIONS, folder, file), 'utf8'));

describe('awsRuntime and the Stripe client', () => {
  it.each(functionFolders)(
    '%s passes stripeClients to awsRuntime exactly when its code uses runtime.stripe',
    (name) => {
      // Prepare
      const usesStripe = sources(name).some((source) => /runtime\.stripe\b/.test(source));
      const handler = readFileSync(join(FUNCTIONS, name, 'handler.ts'), 'utf8');
      // Assess
      expect(/awsRuntime\([^)]*stripeClients/.test(handler)).toBe(usesStripe);
    },
  );

  it.each(functionFolders)('%s passes createSnsClient to awsRuntime exactly when its code uses runtime.sns', (name) => {
    // Prepare
    const usesSns = sources(name).some((source) => /runtime\.sns\b/.test(source));
    const handler = readFileSync(join(FUNCTIONS, name, 'handler.ts'), 'utf8');
    // Assess
    expect(/awsRuntime\([^)]*snsClient: createSnsClient/.test(handler)).toBe(usesSns);
  });

  it('gives a function built without Stripe a factory that says so, and one built with it a client', () => {
    // Prepare
    const environment = { AWS_REGION: 'us-east-1' };
    // Act
    const without = awsRuntime('stripe-webhook', environment);
    const withStripe = awsRuntime('transfer', environment, { stripeClients });
    // Assess
    expect(() => without.stripe('sk_test_x')).toThrow(/stripe-webhook function is built without a Stripe client/);
    expect(withStripe.stripe('sk_test_x').transfers).toBeDefined();
    expect(() => without.sns).toThrow(/stripe-webhook function is built without an SNS client/);
  });
});
