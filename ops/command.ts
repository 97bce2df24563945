/** What every command is given and how it is described. */
import type { ParseArgsConfig } from 'node:util';
import type { Io } from './output.js';
import type { PlatformClient } from './platform-client.js';
import type { ReconcileStripeSource } from './reconcile/stripe-source.js';
import type { Target } from './target.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  io: Io;
  json: boolean;
  target: Target;
  client: PlatformClient;
  now: () => Date;
  /** Built on first use (only reconcile talks to Stripe); throws UsageError when no key can be chosen. */
  stripeSource: () => ReconcileStripeSource;
}

export interface CommandInput {
  /** Positional arguments after the command words, one per name in `args`. */
  args: string[];
  values: OptionValues;
}

export interface Command {
  /** The words that select it: `['payouts', 'list']`, `['resync']`. */
  words: readonly string[];
  /** Names of its positional arguments, in order. */
  args: readonly string[];
  /** Options after the command, e.g. `[--status S] [--district D]`. */
  synopsis: string;
  summary: string;
  options: OptionsConfig;
  run(context: CommandContext, input: CommandInput): Promise<number>;
}

/** The command line was wrong: exit 2 with the command's usage line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
/** An API or Stripe error, or (reconcile, resync) something found that needs a person. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function usageLine(command: Command): string {
  return ['npm run ops --', ...command.words, ...command.args, command.synopsis].filter(Boolean).join(' ');
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(values: OptionValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function stringList(values: OptionValues, name: string): string[] | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  const match = allowed.find((candidate) => candidate === upper);
  if (!match) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return match;
}

/** A whole number from 1 up to `max`, for `--limit`. */
export function limitOption(values: OptionValues, max: number): number | undefined {
  const value = stringOption(values, 'limit');
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(`--limit must be a whole number from 1 to ${max}`);
  }
  return Number(value);
}

/** An ISO-8601 instant, normalised to `toISOString()` form (the API compares instants as strings). */
export function isoInstant(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const millis = Date.parse(value);
  if (Number.isNaN(millis))
    throw new UsageError(`--${name} must be an ISO-8601 date or time, e.g. 2026-11-01T00:00:00Z`);
  return new Date(millis).toISOString();
}
