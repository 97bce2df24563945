/** The platform API's read side: ledger rows, webhook events and districts, as views. */

import type { District } from '../model.js';
import { AUDIT_STATUSES, LISTED_AUDIT_STATUSES, type ListedAuditStatus, PAYOUT_STATUSES } from '../model.js';
import type { AuditLog, Clock, DebtLedger, DistrictStore, LedgerStore } from '../ports.js';
import { InvalidRequestError, NotFoundError } from './errors.js';
import { parseRevenueShareId } from './revenue-share-request.js';
import { DISTRICT_ID_PATTERN, isoInstant, oneOf, optionalString, queryInteger } from './validate.js';
import {
  districtView,
  type RevenueShareView,
  revenueShareView,
  type WebhookEventView,
  webhookEventView,
} from './views.js';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1_000;
/** GET /platform/webhook-events looks back this far unless `since` says otherwise. */
export const DEFAULT_LOOKBACK_DAYS = 30;

export type QueryParameters = Readonly<Record<string, string | undefined>>;

export interface Items<T> {
  items: T[];
}

export async function listRevenueShares(
  query: QueryParameters,
  deps: { ledger: LedgerStore },
): Promise<Items<RevenueShareView>> {
  const districtId = optionalString(query.districtId, 'districtId', DISTRICT_ID_PATTERN, 'not a district id');
  const payoutStatus = query.status === undefined ? undefined : oneOf(query.status, 'status', PAYOUT_STATUSES);
  const limit = queryInteger(query.limit, 'limit', MAX_LIST_LIMIT) ?? DEFAULT_LIST_LIMIT;
  const rows = await deps.ledger.list({
    ...(districtId === undefined ? {} : { districtId }),
    ...(payoutStatus === undefined ? {} : { payoutStatus }),
    limit,
  });
  return { items: rows.map(revenueShareView) };
}

export async function getRevenueShare(id: unknown, deps: { ledger: LedgerStore }): Promise<RevenueShareView> {
  const revenueShareId = parseRevenueShareId(id);
  const row = await deps.ledger.get(revenueShareId);
  if (!row) throw new NotFoundError(`revenue share ${revenueShareId} does not exist`);
  return revenueShareView(row);
}

export async function listWebhookEvents(
  query: QueryParameters,
  deps: { auditLog: AuditLog; clock: Clock },
): Promise<Items<WebhookEventView>> {
  const status = listedAuditStatus(query.status);
  const since =
    query.since === undefined ? daysBefore(deps.clock.now(), DEFAULT_LOOKBACK_DAYS) : isoInstant(query.since, 'since');
  const limit = queryInteger(query.limit, 'limit', MAX_LIST_LIMIT) ?? DEFAULT_LIST_LIMIT;
  const records = await deps.auditLog.listByStatus(status, since, limit);
  return { items: records.map(webhookEventView) };
}

/** Every district with what it owes now (Σ owedCents of its rows that owe: refused reversals not yet netted). */
export async function listDistricts(deps: {
  districts: DistrictStore;
  debts: DebtLedger;
}): Promise<Items<District & { owedCents: number }>> {
  const districts = await deps.districts.list();
  const items = await Promise.all(
    districts.map(async (district) => {
      const owing = await deps.debts.listOwing(district.districtId);
      return { ...districtView(district), owedCents: owing.reduce((sum, row) => sum + (row.owedCents ?? 0), 0) };
    }),
  );
  return { items };
}

export const daysBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);

/** A status the audit log lists; a done one (PROCESSED, IGNORED) is refused with why, not answered with nothing. */
function listedAuditStatus(value: unknown): ListedAuditStatus {
  const done = AUDIT_STATUSES.find(
    (status) => status === value && !LISTED_AUDIT_STATUSES.some((open) => open === status),
  );
  if (done !== undefined) {
    throw new InvalidRequestError(
      'status',
      `status must be one of ${LISTED_AUDIT_STATUSES.join(', ')}: ${done} events are not listed (the audit log ` +
        'indexes only the events still open)',
    );
  }
  return oneOf(value, 'status', LISTED_AUDIT_STATUSES);
}
