/**
 * What the platform API shows of each record. Fields are copied one by one, so a storage attribute (a key, a TTL,
 * a raw Stripe payload) can never leak into a response. Optional fields are left out when they are not set.
 */
import { DEFAULT_DISPUTE_POLICY } from '../clawback/dispute-policy.js';
import type { MoneyMovement } from '../clawback/money-movements.js';
import { totalsChanges } from '../clawback/row-totals.js';
import type {
  AuditRecord,
  DestinationChange,
  District,
  RevenueShare,
  ReviewDecision,
  SourceCharge,
  TransferPart,
} from '../model.js';

export interface RevenueShareView {
  revenueShareId: string;
  districtId: string;
  invoiceId: string;
  stripeEventId: string;
  amountCents: number;
  currency: string;
  shareBps: number;
  shareCents: number;
  payoutStatus: RevenueShare['payoutStatus'];
  stripeTransferId?: string;
  collectedCents?: number;
  sourceCharges?: SourceCharge[];
  transferParts?: TransferPart[];
  reviewReason?: string;
  decision?: ReviewDecision;
  /** Money that came back (domain/clawback): what of the share was taken back, what the district keeps, owes. */
  reversedCents?: number;
  netPaidCents?: number;
  owedCents?: number;
  /** Of this row's share, what settled the district's debts on other rows (NETTED: each names the owing row). */
  nettedCents?: number;
  moneyHistory?: MoneyMovement[];
  destinationAccountId: string;
  /** Who moved the row to another account, why and when (domain/platform/account-move.ts). */
  destinationChanges?: DestinationChange[];
  lastError?: string;
  transferAttempt: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  paidAt?: string;
}

export const revenueShareView = (row: RevenueShare): RevenueShareView => ({
  revenueShareId: row.revenueShareId,
  districtId: row.districtId,
  invoiceId: row.invoiceId,
  stripeEventId: row.stripeEventId,
  amountCents: row.amountCents,
  currency: row.currency,
  shareBps: row.shareBps,
  shareCents: row.shareCents,
  payoutStatus: row.payoutStatus,
  ...optional('stripeTransferId', row.stripeTransferId),
  ...optional('collectedCents', row.collectedCents),
  ...optional(
    'sourceCharges',
    row.sourceCharges?.map((c) => ({ chargeId: c.chargeId, amountCents: c.amountCents })),
  ),
  ...optional('transferParts', row.transferParts?.map(transferPartView)),
  ...optional('reviewReason', row.reviewReason),
  ...optional('decision', row.decision && decisionView(row.decision)),
  ...moneyTotalsOf(row),
  ...nettedOf(row),
  ...optional('moneyHistory', row.moneyHistory?.map(movementView)),
  destinationAccountId: row.destinationAccountId,
  ...optional('destinationChanges', row.destinationChanges?.map(destinationChangeView)),
  ...optional('lastError', row.lastError),
  transferAttempt: row.transferAttempt,
  version: row.version,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  ...optional('paidAt', row.paidAt),
});

/**
 * reversedCents, netPaidCents, owedCents as the row's parts and movements give them (domain/clawback/row-totals.ts),
 * so a row stored before a writer counted what its smaller transfer held back shows the same as one stored after;
 * left out for a row nothing was taken back from that stored none. A row without parts shows what it stored.
 */
function moneyTotalsOf(row: RevenueShare): Pick<RevenueShareView, 'reversedCents' | 'netPaidCents' | 'owedCents'> {
  const stored = {
    ...optional('reversedCents', row.reversedCents),
    ...optional('netPaidCents', row.netPaidCents),
    ...optional('owedCents', row.owedCents),
  };
  if (!row.transferParts?.length) return stored;
  const derived = totalsChanges(row);
  const takenBack = derived.reversedCents > 0 || derived.owedCents > 0;
  return takenBack || Object.keys(stored).length > 0 ? derived : {};
}

const nettedOf = (row: RevenueShare): { nettedCents?: number } => {
  const netted = (row.moneyHistory ?? []).filter((m) => m.kind === 'NETTED');
  return netted.length > 0 ? { nettedCents: netted.reduce((sum, m) => sum + m.amountCents, 0) } : {};
};

const transferPartView = (part: TransferPart): TransferPart => ({
  index: part.index,
  amountCents: part.amountCents,
  ...optional('sourceChargeId', part.sourceChargeId),
  ...optional('stripeTransferId', part.stripeTransferId),
  ...optional('plannedCents', part.plannedCents),
});

const movementView = (m: MoneyMovement): MoneyMovement => ({
  kind: m.kind,
  amountCents: m.amountCents,
  partIndex: m.partIndex,
  at: m.at,
  ...optional('causeEventId', m.causeEventId),
  ...optional('stripeId', m.stripeId),
  ...optional('transferId', m.transferId),
  ...optional('idempotencyKey', m.idempotencyKey),
  ...optional('chargeId', m.chargeId),
  ...optional('disputeId', m.disputeId),
  ...optional('disputeStep', m.disputeStep),
  ...optional('counterpartRowId', m.counterpartRowId),
  ...optional('counterpartPartIndex', m.counterpartPartIndex),
  ...optional('note', m.note),
  ...optional('refusals', m.refusals),
});

const decisionView = (decision: ReviewDecision): ReviewDecision => ({
  action: decision.action,
  by: decision.by,
  reason: decision.reason,
  at: decision.at,
  ...optional('callerArn', decision.callerArn),
});

const destinationChangeView = (change: DestinationChange): DestinationChange => ({
  from: change.from,
  to: change.to,
  by: change.by,
  reason: change.reason,
  at: change.at,
  ...optional('callerArn', change.callerArn),
});

/**
 * An audit row without its raw event (a whole Stripe payload). The claim's lease and enqueue times are shown so a
 * client can tell a stuck RECEIVED row from one in flight (domain/resync/stuck-event.ts).
 */
export interface WebhookEventView {
  stripeEventId: string;
  eventType: string;
  status: AuditRecord['status'];
  errorMessage?: string;
  districtId?: string;
  invoiceId?: string;
  metadata?: Record<string, string>;
  attempts: number;
  leaseExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const webhookEventView = (record: AuditRecord): WebhookEventView => ({
  stripeEventId: record.stripeEventId,
  eventType: record.eventType,
  status: record.status,
  ...optional('errorMessage', record.errorMessage),
  ...optional('districtId', record.districtId),
  ...optional('invoiceId', record.invoiceId),
  ...optional('metadata', record.metadata),
  attempts: record.attempts,
  ...optional('leaseExpiresAt', record.leaseExpiresAt),
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});

export const districtView = (district: District): District => ({
  districtId: district.districtId,
  stripeAccountId: district.stripeAccountId,
  shareBps: district.shareBps,
  currency: district.currency,
  autoTransfer: district.autoTransfer,
  autoPayOutOfBand: district.autoPayOutOfBand ?? false,
  stripeCustomerIds: [...district.stripeCustomerIds],
  disputePolicy: district.disputePolicy ?? DEFAULT_DISPUTE_POLICY,
  createdAt: district.createdAt,
  updatedAt: district.updatedAt,
});

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
