import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeShareCents,
  InvalidAmountError,
  InvalidShareBpsError,
  MAX_SHARE_BPS,
} from '../../domain/revenue-share/share.js';

/**
 * The share arithmetic over every safe amount and every share, checked with exact integer (BigInt) arithmetic:
 * the district's share and the platform's remainder are whole cents that add up to the invoice amount, and the
 * share is the exact rational share rounded down.
 */
const amounts = fc.maxSafeNat();
const shares = fc.integer({ min: 0, max: MAX_SHARE_BPS });
/** Small amounts and the edges are where rounding goes wrong; fast-check's bias covers the rest of the range. */
const interestingAmounts = fc.oneof(
  fc.integer({ min: 0, max: 10_000 }),
  fc.constantFrom(0, 1, 9_999, 10_000, 10_001, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER),
  amounts,
);

const RUNS = { numRuns: 2_000 };

describe('share arithmetic properties (fast-check)', () => {
  it('the share is a whole number of cents from 0 to the amount', () => {
    fc.assert(
      fc.property(interestingAmounts, shares, (amount, bps) => {
        // Act
        const share = computeShareCents(amount, bps);

        // Assess
        expect(Number.isSafeInteger(share)).toBe(true);
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(amount);
      }),
      RUNS,
    );
  });

  it('share + remainder == amount, with a remainder of 0 to the amount', () => {
    fc.assert(
      fc.property(interestingAmounts, shares, (amount, bps) => {
        // Act
        const share = computeShareCents(amount, bps);
        const remainder = amount - share;

        // Assess: exact, in BigInt (a float sum could hide an off-by-one above 2^53)
        expect(BigInt(share) + BigInt(remainder)).toBe(BigInt(amount));
        expect(Number.isSafeInteger(remainder)).toBe(true);
        expect(remainder).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('the share is the exact rational share rounded down: share <= amount*bps/10000 < share + 1', () => {
    fc.assert(
      fc.property(interestingAmounts, shares, (amount, bps) => {
        // Act
        const share = BigInt(computeShareCents(amount, bps));

        // Assess
        const exactTimes10000 = BigInt(amount) * BigInt(bps);
        expect(share * 10_000n <= exactTimes10000).toBe(true);
        expect(exactTimes10000 < (share + 1n) * 10_000n).toBe(true);
      }),
      RUNS,
    );
  });

  it('never pays more for a smaller invoice or a smaller share', () => {
    fc.assert(
      fc.property(interestingAmounts, interestingAmounts, shares, shares, (a, b, bpsA, bpsB) => {
        // Prepare
        const [small, large] = a <= b ? [a, b] : [b, a];
        const [low, high] = bpsA <= bpsB ? [bpsA, bpsB] : [bpsB, bpsA];

        // Act / Assess
        expect(computeShareCents(small, high)).toBeLessThanOrEqual(computeShareCents(large, high));
        expect(computeShareCents(large, low)).toBeLessThanOrEqual(computeShareCents(large, high));
      }),
      RUNS,
    );
  });

  it('0 bps pays nothing and 10000 bps pays the whole amount', () => {
    fc.assert(
      fc.property(amounts, (amount) => {
        expect(computeShareCents(amount, 0)).toBe(0);
        expect(computeShareCents(amount, MAX_SHARE_BPS)).toBe(amount);
      }),
      RUNS,
    );
  });

  it('refuses every amount that is not a non-negative safe integer, never coercing it', () => {
    const hostileAmounts = fc.oneof(
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -1 }),
      fc.double({ noInteger: true }),
      fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2 ** 64, 1e21),
      fc.string(),
      fc.integer({ min: 0 }).map(String),
      fc.bigInt(),
      fc.boolean(),
      fc.constantFrom(null, undefined),
      fc.array(fc.integer()),
      fc.object(),
    );
    fc.assert(
      fc.property(hostileAmounts, shares, (amount, bps) => {
        expect(() => computeShareCents(amount, bps)).toThrow(InvalidAmountError);
      }),
      RUNS,
    );
  });

  it('refuses every share outside the integers 0..10000', () => {
    const hostileShares = fc.oneof(
      fc.integer({ max: -1 }),
      fc.integer({ min: MAX_SHARE_BPS + 1 }),
      fc.double({ noInteger: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
      fc.integer({ min: 0, max: MAX_SHARE_BPS }).map(String),
    );
    fc.assert(
      fc.property(amounts, hostileShares, (amount, bps) => {
        expect(() => computeShareCents(amount, bps)).toThrow(InvalidShareBpsError);
      }),
      RUNS,
    );
  });
});
