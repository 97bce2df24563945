import { describe, expect, it } from 'vitest';
import { extraWebhookSecrets, parseRateLimits } from '../../local/start-options.js';
import { DEFAULT_AMOUNT, DEFAULT_EVENTS_LIMIT, parseArgs, UsageError } from '../../local/stripe-cli/args.js';

const usageError = (argv: string[]): string => {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
};

describe('npm run stripe -- arguments', () => {
  it('reads trigger with its defaults and with --district / --amount, in both option forms', () => {
    // Act + Assess
    expect(parseArgs(['trigger', 'invoice.paid'])).toEqual({
      command: 'trigger',
      event: 'invoice.paid',
      districtId: 'shahdol',
      amount: DEFAULT_AMOUNT,
    });
    expect(parseArgs(['trigger', 'charge.refunded', '--district', 'north-5', '--amount=2500'])).toEqual({
      command: 'trigger',
      event: 'charge.refunded',
      districtId: 'north-5',
      amount: 2500,
    });
    expect(parseArgs(['trigger', '--amount', '50', 'charge.dispute.created'])).toMatchObject({
      event: 'charge.dispute.created',
      amount: 50,
    });
  });

  it('reads events with its defaults and flags', () => {
    // Act + Assess
    expect(parseArgs(['events'])).toEqual({
      command: 'events',
      limit: DEFAULT_EVENTS_LIMIT,
      failedOnly: false,
      json: false,
    });
    expect(parseArgs(['events', '--limit', '100', '--failed', '--json'])).toEqual({
      command: 'events',
      limit: 100,
      failedOnly: true,
      json: true,
    });
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
  });

  it.each([
    [[], 'a command is required'],
    [['bogus'], 'unknown command "bogus"'],
    [['trigger'], 'trigger needs an event'],
    [['trigger', 'invoice.created'], 'cannot trigger "invoice.created"'],
    [['trigger', 'invoice.paid', 'extra'], 'unexpected argument "extra"'],
    [['trigger', 'invoice.paid', '--amount'], '--amount needs a value'],
    [['trigger', 'invoice.paid', '--amount', '--district', 'x'], '--amount needs a value'],
    [['trigger', 'invoice.paid', '--amount', '49'], '--amount must be a whole number from 50 to 99999999; got "49"'],
    [['trigger', 'invoice.paid', '--amount', '100000000'], '--amount must be a whole number'],
    [['trigger', 'invoice.paid', '--amount', '12.50'], '--amount must be a whole number'],
    [['trigger', 'invoice.paid', '--amount', '-100'], '--amount must be a whole number'],
    [['trigger', 'invoice.paid', '--district', 'Upper Case'], '--district must match'],
    [['trigger', 'invoice.paid', '--district', 'a', '--district', 'b'], '--district is given twice'],
    [['trigger', 'invoice.paid', '--currency', 'eur'], 'unknown option --currency'],
    [['events', '--limit', '0'], '--limit must be a whole number from 1 to 100'],
    [['events', '--limit', '101'], '--limit must be a whole number from 1 to 100'],
    [['events', '--json=yes'], '--json takes no value'],
    [['events', 'all'], 'unexpected argument "all"'],
  ])('refuses %j: %s', (argv, message) => {
    // Act + Assess
    expect(usageError(argv)).toContain(message);
  });
});

describe('npm start options', () => {
  it('reads STRIPE_EMULATOR_RATE_LIMITS: off by default, Stripe presets, anything else refused', () => {
    // Act + Assess
    expect(parseRateLimits(undefined)).toBeNull();
    expect(parseRateLimits('')).toBeNull();
    expect(parseRateLimits('off')).toBeNull();
    expect(parseRateLimits('sandbox')).toBe('sandbox');
    expect(parseRateLimits('live')).toBe('live');
    expect(() => parseRateLimits('25')).toThrow(
      'STRIPE_EMULATOR_RATE_LIMITS must be one of off, sandbox, live; got "25"',
    );
  });

  it('accepts STRIPE_WEBHOOK_SECRET besides the registered secret, and the default one only without registration', () => {
    // Act + Assess
    expect(extraWebhookSecrets(undefined, true)).toEqual([]);
    expect(extraWebhookSecrets('whsec_mine', true)).toEqual(['whsec_mine']);
    expect(extraWebhookSecrets(undefined, false)).toEqual(['whsec_local_development']);
    expect(extraWebhookSecrets(' whsec_cli ', false)).toEqual(['whsec_cli']);
    expect(() => extraWebhookSecrets('sk_test_oops', true)).toThrow('STRIPE_WEBHOOK_SECRET must be a signing secret');
  });
});
