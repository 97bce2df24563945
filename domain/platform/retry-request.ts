/**
 * The body of POST /platform/payout/retry: `{ "revenueShareId": "rs_..." }`, plus `by` and `reason` when the retry
 * moves the row to its district's current account (domain/platform/account-move.ts); given on a retry that moves
 * nothing, they are checked and not recorded.
 */

import type { MoveRequest } from './account-move.js';
import { InvalidRequestError } from './errors.js';
import { parseRevenueShareId } from './revenue-share-request.js';
import { MAX_DECIDED_BY_LENGTH, MAX_REASON_LENGTH } from './review-payout.js';
import { optionalString, rejectUnknownFields, requireObject } from './validate.js';

export interface RetryRequest extends MoveRequest {
  revenueShareId: string;
}

export function parseRetryRequest(body: unknown): RetryRequest {
  const input = requireObject(body);
  rejectUnknownFields(input, ['revenueShareId', 'by', 'reason']);
  const revenueShareId = parseRevenueShareId(input.revenueShareId);
  const by = trimmed(input.by, 'by', MAX_DECIDED_BY_LENGTH, 'by must name who decides');
  const reason = trimmed(input.reason, 'reason', MAX_REASON_LENGTH, 'reason must say why');
  return { revenueShareId, ...(by === undefined ? {} : { by }), ...(reason === undefined ? {} : { reason }) };
}

function trimmed(value: unknown, field: string, maxLength: number, emptyMessage: string): string | undefined {
  const text = optionalString(value, field)?.trim();
  if (text === undefined) return undefined;
  if (text === '') throw new InvalidRequestError(field, emptyMessage);
  if (text.length > maxLength) throw new InvalidRequestError(field, `${field} must be at most ${maxLength} characters`);
  return text;
}
