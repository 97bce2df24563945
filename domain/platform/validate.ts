/**
 * Small validators for platform requests. Each takes the value and the field it came from and returns it typed,
 * or throws an InvalidRequestError naming that field. Nothing is coerced: "1500" is not a number.
 */
import { InvalidRequestError } from './errors.js';

export type JsonObject = Record<string, unknown>;

export const DISTRICT_ID_PATTERN = /^[a-z0-9][a-z0-9-_]{0,63}$/;
export const REVENUE_SHARE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const STRIPE_EVENT_ID_PATTERN = /^evt_[A-Za-z0-9_]{1,250}$/;

export function requireObject(value: unknown, field = 'body'): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError(field, `${field} must be a JSON object`);
  }
  return value as JsonObject;
}

/** Rejects fields the request does not know, so a misspelt field is an error instead of being ignored. */
export function rejectUnknownFields(body: JsonObject, known: readonly string[]): void {
  const unknown = Object.keys(body).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw new InvalidRequestError(unknown, `${unknown} is not a known field (known: ${known.join(', ')})`);
  }
}

export function requiredString(value: unknown, field: string, pattern?: RegExp, hint?: string): string {
  if (value === undefined || value === null) throw new InvalidRequestError(field, `${field} is required`);
  if (typeof value !== 'string') throw new InvalidRequestError(field, `${field} must be a string`);
  if (value.length === 0) throw new InvalidRequestError(field, `${field} must not be empty`);
  if (pattern && !pattern.test(value)) {
    throw new InvalidRequestError(field, `${field} is invalid${hint ? `: ${hint}` : ''}`);
  }
  return value;
}

export function optionalString(value: unknown, field: string, pattern?: RegExp, hint?: string): string | undefined {
  return value === undefined ? undefined : requiredString(value, field, pattern, hint);
}

export function requiredInteger(value: unknown, field: string, min: number, max: number): number {
  if (value === undefined || value === null) throw new InvalidRequestError(field, `${field} is required`);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidRequestError(field, `${field} must be an integer`);
  }
  if (value < min || value > max) throw new InvalidRequestError(field, `${field} must be between ${min} and ${max}`);
  return value;
}

export function requiredBoolean(value: unknown, field: string): boolean {
  if (value === undefined || value === null) throw new InvalidRequestError(field, `${field} is required`);
  if (typeof value !== 'boolean') throw new InvalidRequestError(field, `${field} must be true or false`);
  return value;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  return value === undefined ? undefined : requiredBoolean(value, field);
}

/** One of `allowed`, exactly as written. */
export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new InvalidRequestError(field, `${field} must be one of ${allowed.join(', ')}`);
  }
  return found;
}

/** An array of distinct strings matching `pattern`, with at most `maxItems` entries. */
export function uniqueStrings(
  value: unknown,
  field: string,
  pattern: RegExp,
  hint: string,
  maxItems: number,
): string[] {
  if (value === undefined || value === null) throw new InvalidRequestError(field, `${field} is required`);
  if (!Array.isArray(value)) throw new InvalidRequestError(field, `${field} must be an array`);
  if (value.length > maxItems) throw new InvalidRequestError(field, `${field} may hold at most ${maxItems} entries`);
  const seen = new Set<string>();
  value.forEach((entry, index) => {
    const item = requiredString(entry, `${field}[${index}]`, pattern, hint);
    if (seen.has(item)) throw new InvalidRequestError(`${field}[${index}]`, `${field} lists ${item} twice`);
    seen.add(item);
  });
  return [...seen];
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * An ISO-8601 instant: a date (`2025-01-31`, midnight UTC) or a date-time with a zone (`2025-01-31T12:00:00Z`,
 * `...+05:30`). A date-time without a zone is refused: it would mean whatever zone the server runs in.
 */
export function isoInstant(value: unknown, field: string): Date {
  const text = requiredString(value, field);
  const match = ISO_8601.exec(text);
  const hint = 'use ISO-8601, e.g. 2025-01-31 or 2025-01-31T12:00:00Z';
  if (!match) throw new InvalidRequestError(field, `${field} is not an ISO-8601 date-time: ${hint}`);
  const [, year, month, day, hour = '00', minute = '00', second = '00'] = match;
  const calendar = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)),
  );
  const real =
    calendar.getUTCFullYear() === Number(year) &&
    calendar.getUTCMonth() === Number(month) - 1 &&
    calendar.getUTCDate() === Number(day) &&
    calendar.getUTCHours() === Number(hour) &&
    calendar.getUTCMinutes() === Number(minute) &&
    calendar.getUTCSeconds() === Number(second);
  const instant = new Date(text);
  if (!real || Number.isNaN(instant.getTime())) {
    throw new InvalidRequestError(field, `${field} is not a real date-time: ${hint}`);
  }
  return instant;
}

/** A positive integer written in a query string ("25"), within 1..max. */
export function queryInteger(value: string | undefined, field: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,6}$/.test(value)) throw new InvalidRequestError(field, `${field} must be a whole number`);
  return requiredInteger(Number(value), field, 1, max);
}
