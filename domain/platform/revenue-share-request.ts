import { REVENUE_SHARE_ID_PATTERN, rejectUnknownFields, requiredString, requireObject } from './validate.js';

/** The body of POST /platform/payout/mark-paid: `{ "revenueShareId": "rs_..." }` (retry: retry-request.ts). */
export function parseRevenueShareIdBody(body: unknown): string {
  const input = requireObject(body);
  rejectUnknownFields(input, ['revenueShareId']);
  return parseRevenueShareId(input.revenueShareId);
}

export const parseRevenueShareId = (value: unknown): string =>
  requiredString(value, 'revenueShareId', REVENUE_SHARE_ID_PATTERN, 'letters, digits, - and _');
