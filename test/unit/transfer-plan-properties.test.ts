import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moneySources, planTransferParts, splitShare } from '../../domain/payouts/transfer-plan.js';
import { computeShareCents } from '../../domain/revenue-share/share.js';

/** Charges of an invoice (1 to 6, each at least a cent), and a share in basis points. */
const invoices = fc.record({
  charges: fc.array(fc.integer({ min: 1, max: 2 ** 40 }), { minLength: 1, maxLength: 6 }),
  outOfBand: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 40 })),
  shareBps: fc.integer({ min: 0, max: 10_000 }),
});

describe('splitting a share across the charges that paid the invoice', () => {
  it('makes parts that add up exactly to the share, none above its charge, each within a cent of pro rata', () => {
    fc.assert(
      fc.property(invoices, ({ charges, outOfBand, shareBps }) => {
        // Prepare
        const sources = moneySources(
          charges.map((amountCents, i) => ({ chargeId: `ch_${i}`, amountCents })),
          outOfBand,
        );
        const total = sources.reduce((sum, s) => sum + s.amountCents, 0);
        const share = computeShareCents(total, shareBps);

        // Act
        const parts = splitShare(share, sources);

        // Assess
        expect(parts.reduce((sum, part) => sum + part, 0)).toBe(share);
        parts.forEach((part, i) => {
          const source = sources[i]?.amountCents ?? 0;
          expect(part).toBeGreaterThanOrEqual(0);
          expect(part).toBeLessThanOrEqual(source);
          const exactTimesTotal = BigInt(share) * BigInt(source);
          const partTimesTotal = BigInt(part) * BigInt(total);
          // |part - share × source / total| < 1
          const difference = partTimesTotal - exactTimesTotal;
          expect(difference < BigInt(total) && difference > -BigInt(total)).toBe(true);
        });
      }),
      { numRuns: 5_000 },
    );
  });

  it('plans one transfer per paying source, naming its charge, and none of 0 cents', () => {
    fc.assert(
      fc.property(invoices, ({ charges, outOfBand, shareBps }) => {
        // Prepare
        const sources = moneySources(
          charges.map((amountCents, i) => ({ chargeId: `ch_${i}`, amountCents })),
          outOfBand,
        );
        const share = computeShareCents(
          sources.reduce((sum, s) => sum + s.amountCents, 0),
          shareBps,
        );

        // Act
        const parts = planTransferParts(share, sources);

        // Assess
        expect(parts.map((p) => p.index)).toEqual(parts.map((_, i) => i));
        expect(parts.every((p) => p.amountCents > 0)).toBe(true);
        expect(parts.reduce((sum, p) => sum + p.amountCents, 0)).toBe(share);
        for (const part of parts) {
          const source = sources.find((s) => s.chargeId === part.sourceChargeId) ?? sources.at(-1);
          expect(part.amountCents).toBeLessThanOrEqual(source?.amountCents ?? 0);
        }
        expect(parts.filter((p) => p.sourceChargeId === undefined).length).toBeLessThanOrEqual(outOfBand > 0 ? 1 : 0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the missing cent to the largest remainder, ties to the earlier charge', () => {
    // 1,500 over 6,000 + 4,001 of 10,001: 899.91 and 600.09 -> 900 and 600
    expect(splitShare(1_500, [{ amountCents: 6_000 }, { amountCents: 4_001 }])).toEqual([900, 600]);
    // 1 cent over two equal charges: the earlier one
    expect(splitShare(1, [{ amountCents: 50 }, { amountCents: 50 }])).toEqual([1, 0]);
    expect(splitShare(0, [{ amountCents: 50 }])).toEqual([0]);
  });

  it('refuses a share larger than what its sources paid', () => {
    expect(() => splitShare(101, [{ amountCents: 100 }])).toThrow(RangeError);
  });
});
