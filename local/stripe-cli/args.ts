/**
 * The command line of `npm run stripe -- <command>`, parsed without side effects: a mistake is a UsageError (exit 2)
 * before any request is made.
 */
import { DISTRICT_ID_PATTERN } from '../../domain/platform/validate.js';
import { DEMO_DISTRICT_ID } from '../demo-district.js';

export const TRIGGER_EVENTS = ['invoice.paid', 'charge.refunded', 'charge.dispute.created'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

/** Stripe's minimum USD charge, and the largest amount its API takes (8 digits). */
export const MIN_AMOUNT = 50;
export const MAX_AMOUNT = 99_999_999;
export const DEFAULT_AMOUNT = 10_000;
export const DEFAULT_EVENTS_LIMIT = 20;

export const USAGE = `Usage: npm run stripe -- <command>

  trigger <event> [--district ID] [--amount CENTS]
      Makes the objects at the Stripe emulator through the SDK, as Stripe's CLI does, and lets the emulator
      deliver the events to the endpoints subscribed (npm start registers the stack's). Events:
        invoice.paid            a customer's invoice paid by card (pm_card_visa)
        charge.refunded         an invoice paid by card, then its charge refunded in full
        charge.dispute.created  an invoice paid with pm_card_createDispute (disputed right after)
      --district  the district named in invoice.metadata.districtId (default ${DEMO_DISTRICT_ID})
      --amount    the invoice amount in cents, ${MIN_AMOUNT}..${MAX_AMOUNT} (default ${DEFAULT_AMOUNT})

  events [--limit N] [--failed] [--json]
      Recent events, newest first, with their delivery status (pending_webhooks, attempts, last answer).
      --limit   1..100 (default ${DEFAULT_EVENTS_LIMIT})
      --failed  only events not yet delivered to every endpoint (delivery_success: false)

Env: STRIPE_EMULATOR_PORT (default 12111).`;

export class UsageError extends Error {}

export type Command =
  | { command: 'help' }
  | { command: 'trigger'; event: TriggerEvent; districtId: string; amount: number }
  | { command: 'events'; limit: number; failedOnly: boolean; json: boolean };

/** `--name value` and `--name=value` options, and bare flags; positional arguments in order. */
function split(args: readonly string[], valued: readonly string[], flags: readonly string[]) {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (options.has(name)) throw new UsageError(`--${name} is given twice`);
    if (flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
    } else if (valued.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`--${name} needs a value`);
      }
      options.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, options };
}

function wholeNumber(value: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got "${value}"`);
  }
  return Number(value);
}

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('a command is required: trigger or events');
  if (command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === 'trigger') {
    const { positional, options } = split(rest, ['district', 'amount'], []);
    const [event, ...extra] = positional;
    if (event === undefined) throw new UsageError(`trigger needs an event: ${TRIGGER_EVENTS.join(', ')}`);
    if (!(TRIGGER_EVENTS as readonly string[]).includes(event)) {
      throw new UsageError(`cannot trigger "${event}": one of ${TRIGGER_EVENTS.join(', ')}`);
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const district = options.get('district');
    const districtId = typeof district === 'string' ? district : DEMO_DISTRICT_ID;
    if (!DISTRICT_ID_PATTERN.test(districtId)) {
      throw new UsageError(`--district must match ${DISTRICT_ID_PATTERN.source}; got "${districtId}"`);
    }
    const amount = options.get('amount');
    return {
      command: 'trigger',
      event: event as TriggerEvent,
      districtId,
      amount: typeof amount === 'string' ? wholeNumber(amount, 'amount', MIN_AMOUNT, MAX_AMOUNT) : DEFAULT_AMOUNT,
    };
  }
  if (command === 'events') {
    const { positional, options } = split(rest, ['limit'], ['failed', 'json']);
    if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const limit = options.get('limit');
    return {
      command: 'events',
      limit: typeof limit === 'string' ? wholeNumber(limit, 'limit', 1, 100) : DEFAULT_EVENTS_LIMIT,
      failedOnly: options.has('failed'),
      json: options.has('json'),
    };
  }
  throw new UsageError(`unknown command "${command}": trigger or events`);
}
