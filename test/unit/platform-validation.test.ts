import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../domain/platform/errors.js';
import { parseDistrictInput } from '../../domain/platform/put-district.js';
import { isoInstant } from '../../domain/platform/validate.js';
import { parseResyncRequest } from '../../domain/resync/resync-request.js';

const district = {
  stripeAccountId: 'acct_1Abc',
  shareBps: 1500,
  currency: 'usd',
  autoTransfer: true,
  stripeCustomerIds: ['cus_1'],
};

/** The field an invalid request names (undefined when it was accepted). */
function refusedField(act: () => unknown): string | undefined {
  try {
    act();
    return undefined;
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.field;
    throw error;
  }
}

describe('district input', () => {
  it('accepts every integer share from 0 to 10000 basis points', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (shareBps) => {
        expect(parseDistrictInput({ ...district, shareBps }).shareBps).toBe(shareBps);
      }),
    );
  });

  it('refuses any other share, naming shareBps', () => {
    const invalid = fc.oneof(
      fc.integer({ max: -1 }),
      fc.integer({ min: 10_001 }),
      fc.double({ noInteger: true }),
      fc.string(),
      fc.constant(null),
      fc.boolean(),
    );
    fc.assert(
      fc.property(invalid, (shareBps) => {
        expect(refusedField(() => parseDistrictInput({ ...district, shareBps }))).toBe('shareBps');
      }),
    );
  });

  it('refuses an upper-case currency and says which lower-case code to send', () => {
    // Act
    const act = () => parseDistrictInput({ ...district, currency: 'USD' });

    // Assess
    expect(act).toThrow(InvalidRequestError);
    expect(act).toThrow('e.g. "usd"');
  });

  it('keeps the customer ids as given', () => {
    expect(parseDistrictInput({ ...district, stripeCustomerIds: [] }).stripeCustomerIds).toEqual([]);
    expect(parseDistrictInput({ ...district, stripeCustomerIds: ['cus_b', 'cus_demo_a'] }).stripeCustomerIds).toEqual([
      'cus_b',
      'cus_demo_a',
    ]);
  });
});

describe('ISO-8601 instants', () => {
  it.each([
    ['2025-01-31', '2025-01-31T00:00:00.000Z'],
    ['2025-01-31T12:30Z', '2025-01-31T12:30:00.000Z'],
    ['2025-01-31T12:30:15.250Z', '2025-01-31T12:30:15.250Z'],
    ['2025-01-31T12:30:15+05:30', '2025-01-31T07:00:15.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(isoInstant(text, 'since').toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    '2025-02-29',
    '2025-13-01',
    '2025-01-31T24:00:00Z',
    '2025-01-31T12:00:00',
    '1738326000',
    '2025-1-3',
  ])('refuses %s, naming the field', (text) => {
    expect(refusedField(() => isoInstant(text, 'since'))).toBe('since');
  });
});

describe('re-sync request', () => {
  const now = new Date('2026-03-31T00:00:00Z');

  it('defaults to every FAILED event of the last 30 days, 25 at a time, for real', () => {
    expect(parseResyncRequest(undefined, now)).toEqual({
      selection: { kind: 'since', since: new Date('2026-03-01T00:00:00Z'), limit: 25 },
      dryRun: false,
    });
  });

  it('takes a list of event ids instead of a time', () => {
    expect(parseResyncRequest({ stripeEventIds: ['evt_1', 'evt_2'], dryRun: true }, now)).toEqual({
      selection: { kind: 'ids', stripeEventIds: ['evt_1', 'evt_2'] },
      dryRun: true,
    });
  });

  it('refuses more than 100 ids, naming the field', () => {
    const ids = Array.from({ length: 101 }, (_, i) => `evt_${i}`);
    expect(refusedField(() => parseResyncRequest({ stripeEventIds: ids }, now))).toBe('stripeEventIds');
  });
});
