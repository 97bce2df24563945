/**
 * The body of POST /platform/payout/retry: `{ "revenueShareId": "rs_..." }`, plus `by` and `reason` when the retry
 * moves the row to its district's current account (domain/platform/account-move.ts); given on a retry that moves
 * nothing, they are checked and not recorded.
 */

import type { MoveRequest } from './account-move.js';
import { parseRevenueShareId } from './revenue-share-request.js';
import { decisionText } from './review-payout.js';
import { optionalString, rejectUnknownFields, requireObject } from './validate.js';

export interface RetryRequest extends MoveRequest {
  revenueShareId: string;
}

export function parseRetryRequest(body: unknown): RetryRequest {
  const input = requireObject(body);
  rejectUnknownFields(input, ['revenueShareId', 'by', 'reason']);
  const revenueShareId = parseRevenueShareId(input.revenueShareId);
  const by = optionalDecisionText(input.by, 'by');
  const reason = optionalDecisionText(input.reason, 'reason');
  return { revenueShareId, ...(by === undefined ? {} : { by }), ...(reason === undefined ? {} : { reason }) };
}

function optionalDecisionText(value: unknown, field: 'by' | 'reason'): string | undefined {
  const text = optionalString(value, field);
  return text === undefined ? undefined : decisionText(text, field);
}
