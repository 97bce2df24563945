/**
 * Every critical financial alert reaches on-call on its own, as a notification on the on-call topic: not only the
 * first one of an alarm period. A storm is grouped, not dropped: the critical alerts of one batch with the same
 * (kind, district) become one page that says how many there were and lists their invoices and events.
 */
import type { AlertKind, FinancialAlert } from '../model.js';

/** README.md section that tells on-call what to do, by kind. */
export const FINANCIAL_ALERT_RUNBOOK = 'README.md#alarm-financial-alert';

/** Ids listed on one page at most (the count says how many there were). */
export const MAX_IDS_PER_PAGE = 20;

export interface OnCallPage {
  kind: AlertKind | 'MALFORMED';
  districtId?: string;
  count: number;
  invoiceIds: string[];
  stripeEventIds: string[];
  revenueShareIds: string[];
  /** The first alert's message (all alerts of a group share kind and district, not always their message). */
  message: string;
  firstOccurredAt: string;
  lastOccurredAt: string;
  runbook: string;
}

/** A critical alert and what the page for it is made of (MALFORMED: a message on the alerts queue that was not one). */
export type PageableAlert = Pick<FinancialAlert, 'message' | 'occurredAt'> &
  Partial<Pick<FinancialAlert, 'districtId' | 'invoiceId' | 'stripeEventId' | 'revenueShareId'>> & {
    kind: OnCallPage['kind'];
  };

/** Where pages go (the on-call SNS topic: adapters/sns/on-call-topic.ts). Throws when the page was not taken. */
export interface OnCallNotifier {
  notify(page: OnCallPage): Promise<void>;
}

/** One page per (kind, district), in the order each group's first alert came. */
export function groupIntoPages<T extends PageableAlert>(alerts: readonly T[]): { page: OnCallPage; alerts: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const alert of alerts) {
    const key = JSON.stringify([alert.kind, alert.districtId ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  return [...groups.values()].map((members) => ({ page: toPage(members), alerts: members }));
}

function toPage(alerts: readonly PageableAlert[]): OnCallPage {
  const first = alerts[0] as PageableAlert;
  const ids = (pick: (alert: PageableAlert) => string | undefined): string[] =>
    [...new Set(alerts.map(pick).filter((id): id is string => id !== undefined))].slice(0, MAX_IDS_PER_PAGE);
  const times = alerts.map((alert) => alert.occurredAt).sort();
  return {
    kind: first.kind,
    ...(first.districtId === undefined ? {} : { districtId: first.districtId }),
    count: alerts.length,
    invoiceIds: ids((alert) => alert.invoiceId),
    stripeEventIds: ids((alert) => alert.stripeEventId),
    revenueShareIds: ids((alert) => alert.revenueShareId),
    message: first.message,
    firstOccurredAt: times[0] ?? first.occurredAt,
    lastOccurredAt: times.at(-1) ?? first.occurredAt,
    runbook: FINANCIAL_ALERT_RUNBOOK,
  };
}

/** The notification's subject line (SNS: at most 100 printable ASCII characters). */
export function pageSubject(page: OnCallPage): string {
  const where = page.districtId ? ` district ${page.districtId}` : '';
  const times = page.count > 1 ? ` (x${page.count})` : '';
  const invoice = page.count === 1 && page.invoiceIds[0] ? ` invoice ${page.invoiceIds[0]}` : '';
  return `[critical] ${page.kind}${where}${invoice}${times}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}
