import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../domain/platform/errors.js';
import { parseRetryRequest } from '../../domain/platform/retry-request.js';

describe('POST /platform/payout/retry body', () => {
  it('takes the id alone, or with who and why (trimmed)', () => {
    expect(parseRetryRequest({ revenueShareId: 'rs_1' })).toEqual({ revenueShareId: 'rs_1' });
    expect(parseRetryRequest({ revenueShareId: 'rs_1', by: ' jane@example.org ', reason: ' re-onboarded ' })).toEqual({
      revenueShareId: 'rs_1',
      by: 'jane@example.org',
      reason: 're-onboarded',
    });
  });

  it.each([
    ['an empty by', { by: '  ' }, 'by'],
    ['a by that is not a string', { by: 42 }, 'by'],
    ['a reason of more than 1000 characters', { reason: 'x'.repeat(1_001) }, 'reason'],
    ['an unknown field', { destinationAccountId: 'acct_1' }, 'destinationAccountId'],
  ])('refuses %s, naming the field', (_case, fields, field) => {
    const parse = () => parseRetryRequest({ revenueShareId: 'rs_1', ...fields });
    expect(parse).toThrow(InvalidRequestError);
    expect(parse).toThrow(expect.objectContaining({ field }));
  });
});
