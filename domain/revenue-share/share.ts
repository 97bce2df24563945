/**
 * A district's share of a paid invoice, in integer minor units.
 *
 * Rounding rule: floor. shareCents = floor(amountCents * shareBps / 10000), computed with BigInt so the product
 * (up to 2^53 * 10^4) is exact. The share is never above the exact value; the fraction of a cent stays with the
 * platform. Examples: 1 cent at 9999 bps -> 0; 101 cents at 5000 bps -> 50; 1 cent at 10000 bps -> 1.
 */

export const MAX_SHARE_BPS = 10_000;

/** An amount that is not a non-negative safe integer. Nothing is coerced: "1000", -1, 10.5 and NaN all fail. */
export class InvalidAmountError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field} must be a non-negative safe integer, got ${describeValue(value)}`);
    this.name = 'InvalidAmountError';
  }
}

/** Basis points outside the integers 0..10000. */
export class InvalidShareBpsError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field} must be an integer from 0 to ${MAX_SHARE_BPS}, got ${describeValue(value)}`);
    this.name = 'InvalidShareBpsError';
  }
}

/** `"1000" (string)`, `-5 (number)`, `undefined`, `null`: the value and its type, for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return `${JSON.stringify(value)} (string)`;
  if (Object.is(value, -0)) return '-0 (number)';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${String(value)} (${typeof value})`;
  }
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
}

/** Returns the amount unchanged when it is a non-negative safe integer, else throws InvalidAmountError. */
export function validateAmountCents(value: unknown, field = 'amount'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || Object.is(value, -0)) {
    throw new InvalidAmountError(field, value);
  }
  return value;
}

/** Returns the basis points unchanged when they are an integer 0..10000, else throws InvalidShareBpsError. */
export function validateShareBps(value: unknown, field = 'shareBps'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SHARE_BPS) {
    throw new InvalidShareBpsError(field, value);
  }
  return value;
}

/** floor(amountCents * shareBps / 10000) with exact integer math; validates both inputs first. */
export function computeShareCents(amountCents: unknown, shareBps: unknown): number {
  const amount = BigInt(validateAmountCents(amountCents, 'amountCents'));
  const bps = BigInt(validateShareBps(shareBps));
  // BigInt division truncates toward zero, which is floor for non-negative operands.
  return Number((amount * bps) / BigInt(MAX_SHARE_BPS));
}
