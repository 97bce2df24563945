import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeShareCents,
  InvalidAmountError,
  InvalidShareBpsError,
  validateAmountCents,
} from '../../domain/revenue-share/share.js';

describe('shareCents = floor(amountCents * shareBps / 10000)', () => {
  it('gives 0 for 1 cent at every share below 100%', () => {
    for (let bps = 0; bps < 10_000; bps++) {
      // Act / Assess
      expect(computeShareCents(1, bps), `1 cent at ${bps} bps`).toBe(0);
    }
  });

  it('gives the whole cent at 10000 bps', () => {
    expect(computeShareCents(1, 10_000)).toBe(1);
  });

  it('rounds odd amounts down, leaving the fraction with the platform', () => {
    // Prepare / Act / Assess: exact values 50.5, 0.15, 151.515, 99.99
    expect(computeShareCents(101, 5_000)).toBe(50);
    expect(computeShareCents(1, 1_500)).toBe(0);
    expect(computeShareCents(1_011, 1_500)).toBe(151);
    expect(computeShareCents(9_999, 100)).toBe(99);
    expect(computeShareCents(3, 3_333)).toBe(0);
    expect(computeShareCents(10_000, 1)).toBe(1);
  });

  it('gives 0 at 0 bps and the whole amount at 10000 bps', () => {
    expect(computeShareCents(123_457, 0)).toBe(0);
    expect(computeShareCents(123_457, 10_000)).toBe(123_457);
    expect(computeShareCents(0, 10_000)).toBe(0);
  });

  it('stays exact at Number.MAX_SAFE_INTEGER, where floating point would not', () => {
    // Act
    const whole = computeShareCents(Number.MAX_SAFE_INTEGER, 10_000);
    const part = computeShareCents(Number.MAX_SAFE_INTEGER, 9_999);

    // Assess: 9007199254740991 * 9999 / 10000 = 9006298534815516.9009 -> floor
    expect(whole).toBe(Number.MAX_SAFE_INTEGER);
    expect(part).toBe(9_006_298_534_815_516);
  });

  it('is never above the exact share and less than one cent below it', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
        const share = BigInt(computeShareCents(amount, bps));
        const exactTimes10000 = BigInt(amount) * BigInt(bps);
        return share * 10_000n <= exactTimes10000 && exactTimes10000 < (share + 1n) * 10_000n;
      }),
    );
  });
});

describe('amount validation: a non-negative safe integer, nothing coerced', () => {
  it.each([
    ['a numeric string', '1000', 'amount_paid must be a non-negative safe integer, got "1000" (string)'],
    ['a negative amount', -1, 'amount_paid must be a non-negative safe integer, got -1 (number)'],
    ['a float', 10.5, 'amount_paid must be a non-negative safe integer, got 10.5 (number)'],
    ['NaN', Number.NaN, 'amount_paid must be a non-negative safe integer, got NaN (number)'],
    ['Infinity', Number.POSITIVE_INFINITY, 'amount_paid must be a non-negative safe integer, got Infinity (number)'],
    ['an unsafe integer', 2 ** 53, 'amount_paid must be a non-negative safe integer, got 9007199254740992 (number)'],
    ['negative zero', -0, 'amount_paid must be a non-negative safe integer, got -0 (number)'],
    ['null', null, 'amount_paid must be a non-negative safe integer, got null'],
    ['a missing amount', undefined, 'amount_paid must be a non-negative safe integer, got undefined'],
    ['a bigint', 1000n, 'amount_paid must be a non-negative safe integer, got 1000 (bigint)'],
  ])('rejects %s with a message naming the value', (_label, value, message) => {
    // Act
    const act = () => validateAmountCents(value, 'amount_paid');

    // Assess
    expect(act).toThrow(InvalidAmountError);
    expect(act).toThrow(message);
  });

  it('returns valid amounts unchanged, 0 and MAX_SAFE_INTEGER included', () => {
    expect(validateAmountCents(0)).toBe(0);
    expect(validateAmountCents(1)).toBe(1);
    expect(validateAmountCents(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses to compute a share from a string amount', () => {
    expect(() => computeShareCents('1000', 1_500)).toThrow(InvalidAmountError);
  });

  it.each([[-1], [10_001], [1.5], ['1500'], [Number.NaN]])('rejects shareBps %s', (bps) => {
    expect(() => computeShareCents(1_000, bps)).toThrow(InvalidShareBpsError);
  });
});
