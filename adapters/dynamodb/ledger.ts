/**
 * The RevenueShares ledger on DynamoDB. Ledger rows: pk = revenueShareId (derived from the invoice alone, so one
 * invoice has one row whatever district it is found for), plus every RevenueShare attribute. Transfer-id guard
 * items: pk = `transfer#<tr_id>`, revenueShareId, stripeTransferId, recordedAt. Guards carry no districtId, so they stay
 * out of the indexes and out of listings. A row waiting for a person (ATTENTION_STATUSES) also carries
 * `attentionStatus` (= its payoutStatus), the key of the sparse byAttentionStatusCreatedAt index; every write that
 * sets payoutStatus sets or removes it with it. A refunded charge's row is found through Stripe
 * (domain/clawback/row-paid-by.ts), so a row is written with no guard, unless a charge that funds it was made without a
 * payment intent (Stripe leads from that charge to no invoice): then the pointer item pk = `charge#<ch_id>`, chargeId,
 * revenueShareIds (a string set) is written first. Pointers, like guards, carry no districtId and no payoutStatus.
 * Lost conditions come back as typed outcomes, never as errors; anything else (throttling, timeouts) is thrown.
 *
 * No write here is a transaction (DynamoDB bills a transaction's items twice); each is one conditional write, in an
 * order that makes every crash between two of them harmless:
 *   create: the row (put if absent). The row's put decides one row per invoice and one district per invoice. A row
 *   funded by a charge without a payment intent first adds its id to that charge's pointer (idempotent); a crash in
 *   between leaves a pointer to a row that does not exist, which findByChargeId reads as no row, as before the row.
 *   recordTransfer: the guard `transfer#<id>` (put if absent or already naming this row; another row's ->
 *   transfer_id_taken), then the row's conditional update (same version, the part without a transfer -> else
 *   row_changed). A crash in between leaves a guard naming this row's own transfer (its idempotency key derives from
 *   the row), which the retry passes. findByTransferId only answers a row that records the transfer, so a guard whose
 *   row update has not happened yet finds nothing, as before the transfer was made.
 */
import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { tables } from '#contracts/resources.js';
import type { ClawbackIntent } from '../../domain/clawback/clawback-intent.js';
import { MOVEMENT_KINDS, type MoneyMovement } from '../../domain/clawback/money-movements.js';
import {
  type DestinationChange,
  needsAttention,
  PAYOUT_STATUSES,
  type PayoutStatus,
  type RevenueShare,
  type ReviewDecision,
  type SourceCharge,
  type TransferPart,
} from '../../domain/model.js';
import type {
  CreateLedgerRowOutcome,
  DebtLedger,
  LedgerQuery,
  LedgerStore,
  LedgerUpdate,
  LedgerUpdateOutcome,
  RecordTransferOutcome,
  RecordTransferRequest,
} from '../../domain/ports.js';

export const TRANSFER_GUARD_PREFIX = 'transfer#';
export const CHARGE_POINTER_PREFIX = 'charge#';
const DEFAULT_LIST_LIMIT = 100;
const LAST_ERROR_MAX_LENGTH = 1_000;
const [BY_DISTRICT, BY_ATTENTION_STATUS, BY_OWING_DISTRICT] = tables.revenueShares.globalSecondaryIndexes;

export const transferGuardKey = (stripeTransferId: string): string => `${TRANSFER_GUARD_PREFIX}${stripeTransferId}`;
export const chargePointerKey = (chargeId: string): string => `${CHARGE_POINTER_PREFIX}${chargeId}`;
/** A transfer guard or a charge pointer: an item of the ledger table that is not a ledger row. */
export const isGuardKey = (pk: string): boolean =>
  pk.startsWith(TRANSFER_GUARD_PREFIX) || pk.startsWith(CHARGE_POINTER_PREFIX);

export class DynamoDbLedgerStore implements LedgerStore, DebtLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(row: RevenueShare): Promise<CreateLedgerRowOutcome> {
    for (const charge of row.sourceCharges ?? []) {
      if (charge.withoutPaymentIntent) await this.pointChargeAt(charge.chargeId, row.revenueShareId);
    }
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: row.revenueShareId, ...row, ...attentionKey(row.payoutStatus) },
          // One row per invoice (its id derives from the invoice): money rules 2 and 8 in one condition.
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true, row };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // lib-dynamodb leaves a failed condition's Item in raw attribute-value form.
      return await this.rowTaken(row, error.Item as Record<string, AttributeValue> | undefined);
    }
  }

  /**
   * The invoice's row exists: a redelivery when it is of the same district, else the invoice pays another one. The
   * failed condition returned the row it was evaluated on, so it is read from there, not read again.
   */
  private async rowTaken(
    row: RevenueShare,
    old: Record<string, AttributeValue> | undefined,
  ): Promise<CreateLedgerRowOutcome> {
    const existing = old ? toRevenueShare(unmarshall(old)) : await this.get(row.revenueShareId);
    if (!existing) throw new Error(`ledger row ${row.revenueShareId} exists but could not be read`);
    if (existing.districtId !== row.districtId) {
      return {
        created: false,
        invoiceTakenBy: { revenueShareId: existing.revenueShareId, districtId: existing.districtId },
      };
    }
    return { created: false, existing };
  }

  async get(revenueShareId: string): Promise<RevenueShare | undefined> {
    if (isGuardKey(revenueShareId)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: revenueShareId }, ConsistentRead: true }),
    );
    return Item ? toRevenueShare(Item) : undefined;
  }

  async update({
    revenueShareId,
    expectedVersion,
    expectedStatus,
    changes,
  }: LedgerUpdate): Promise<LedgerUpdateOutcome> {
    const sets = ['version = :next', 'updatedAt = :updatedAt'];
    const removes: string[] = [];
    const values: Record<string, unknown> = {
      ':expected': expectedVersion,
      ':next': expectedVersion + 1,
      ':updatedAt': changes.updatedAt,
    };
    if (changes.payoutStatus !== undefined) {
      sets.push('payoutStatus = :payoutStatus');
      values[':payoutStatus'] = changes.payoutStatus;
      if (needsAttention(changes.payoutStatus)) sets.push('attentionStatus = :payoutStatus');
      else removes.push('attentionStatus');
    }
    if (changes.transferAttempt !== undefined) {
      sets.push('transferAttempt = :transferAttempt');
      values[':transferAttempt'] = changes.transferAttempt;
    }
    if (changes.paidAt !== undefined) {
      sets.push('paidAt = :paidAt');
      values[':paidAt'] = changes.paidAt;
    }
    // null removes the field (an approval undone, a move put back, an intent completed).
    for (const name of ['transferParts', 'decision', 'destinationChanges', 'clawbackIntent'] as const) {
      if (changes[name] === null) removes.push(name);
      else if (changes[name] !== undefined) {
        sets.push(`${name} = :${name}`);
        values[`:${name}`] = changes[name];
      }
    }
    for (const name of [
      'destinationAccountId',
      'moneyHistory',
      'reversedCents',
      'netPaidCents',
      'owedCents',
    ] as const) {
      if (changes[name] !== undefined) {
        sets.push(`${name} = :${name}`);
        values[`:${name}`] = changes[name];
      }
    }
    // A row that owes is in the sparse byOwingDistrict index (its district's key) until it owes nothing.
    if (changes.owedCents !== undefined) {
      if (changes.owedCents > 0) sets.push('owingDistrictId = districtId');
      else removes.push('owingDistrictId');
    }
    if (changes.lastError === null) removes.push('lastError');
    else if (changes.lastError !== undefined) {
      sets.push('lastError = :lastError');
      values[':lastError'] = changes.lastError.slice(0, LAST_ERROR_MAX_LENGTH);
    }
    let condition = 'attribute_exists(pk) AND version = :expected';
    if (expectedStatus !== undefined) {
      condition += ' AND payoutStatus = :expectedStatus';
      values[':expectedStatus'] = expectedStatus;
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: revenueShareId },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!Attributes) throw new Error(`update of ledger row ${revenueShareId} returned no attributes`);
      return { updated: true, row: toRevenueShare(Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { updated: false, current: await this.get(revenueShareId) };
    }
  }

  async recordTransfer({
    revenueShareId,
    expectedVersion,
    stripeTransferId,
    partIndex,
    amountCents,
    status = 'PENDING',
    now,
  }: RecordTransferRequest): Promise<RecordTransferOutcome> {
    const recordedAt = now.toISOString();
    if (!Number.isSafeInteger(partIndex) || partIndex < 0) throw new Error(`part index ${partIndex} is not one`);
    const part = `transferParts[${partIndex}]`;
    const owner = await this.putTransferGuard(revenueShareId, stripeTransferId, recordedAt);
    if (owner !== revenueShareId) return { recorded: false, reason: 'transfer_id_taken', ownerRevenueShareId: owner };
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: revenueShareId },
          UpdateExpression:
            // The first part recorded names the row's transfer, decided by the stored row (not by the row the
            // caller read), so a row whose parts record transfers always has stripeTransferId.
            `SET ${part}.stripeTransferId = :transferId, stripeTransferId = if_not_exists(stripeTransferId, :transferId), ` +
            `${amountCents === undefined ? '' : `${part}.amountCents = :amount, `}` +
            'payoutStatus = :pending, version = :next, updatedAt = :now REMOVE lastError, attentionStatus',
          ConditionExpression:
            `attribute_exists(pk) AND version = :expected AND attribute_exists(${part}) AND ` +
            `attribute_not_exists(${part}.stripeTransferId)`,
          ExpressionAttributeValues: {
            ':transferId': stripeTransferId,
            ':pending': status satisfies PayoutStatus,
            ':expected': expectedVersion,
            ':next': expectedVersion + 1,
            ':now': recordedAt,
            ...(amountCents === undefined ? {} : { ':amount': amountCents }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!Attributes) throw new Error(`recording the transfer of ledger row ${revenueShareId} returned no row`);
      return { recorded: true, row: toRevenueShare(Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { recorded: false, reason: 'row_changed', current: await this.get(revenueShareId) };
    }
  }

  /**
   * The guard `transfer#<id>`, put unless another row owns it; returns its owner. A guard of this row (an attempt
   * that died before its row update) is written again: the transfer it names is this row's own.
   */
  private async putTransferGuard(revenueShareId: string, stripeTransferId: string, recordedAt: string) {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: transferGuardKey(stripeTransferId), revenueShareId, stripeTransferId, recordedAt },
          ConditionExpression: 'attribute_not_exists(pk) OR revenueShareId = :row',
          ExpressionAttributeValues: { ':row': revenueShareId },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return revenueShareId;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (error.Item as Record<string, AttributeValue> | undefined)?.revenueShareId?.S ?? '(unknown)';
    }
  }

  /** Adds the row to the charge's pointer item (a set, so writing it again changes nothing). */
  private async pointChargeAt(chargeId: string, revenueShareId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: chargePointerKey(chargeId) },
        UpdateExpression: 'SET chargeId = :charge ADD revenueShareIds :row',
        ExpressionAttributeValues: { ':charge': chargeId, ':row': new Set([revenueShareId]) },
      }),
    );
  }

  async findByChargeId(chargeId: string): Promise<RevenueShare[]> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: chargePointerKey(chargeId) }, ConsistentRead: true }),
    );
    const ids = Item?.revenueShareIds instanceof Set ? [...Item.revenueShareIds].map(String) : [];
    // A pointer is put before its row: a row not written yet is no row.
    const rows = await Promise.all(ids.map((id) => this.get(id)));
    return rows.filter((row): row is RevenueShare => row !== undefined);
  }

  /** Rows of the district that owe, through the sparse byOwingDistrict index, each read again consistently. */
  async listOwing(districtId: string): Promise<RevenueShare[]> {
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        IndexName: BY_OWING_DISTRICT.indexName,
        KeyConditionExpression: 'owingDistrictId = :district',
        ExpressionAttributeValues: { ':district': districtId },
      },
    );
    const ids: string[] = [];
    for await (const page of pages) {
      for (const item of page.Items ?? []) if (typeof item.pk === 'string') ids.push(item.pk);
    }
    const rows = await Promise.all(ids.map((id) => this.get(id)));
    return rows.filter((row): row is RevenueShare => row !== undefined && (row.owedCents ?? 0) > 0);
  }

  async findByTransferId(stripeTransferId: string): Promise<RevenueShare | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: transferGuardKey(stripeTransferId) },
        ConsistentRead: true,
      }),
    );
    const owner = Item?.revenueShareId;
    const row = typeof owner === 'string' ? await this.get(owner) : undefined;
    // A guard is put before its row records the transfer: until the row does, no row owns the transfer yet.
    const records = row?.stripeTransferId === stripeTransferId || partsRecord(row, stripeTransferId);
    return records ? row : undefined;
  }

  /** The rows of `keys`, read consistently 100 at a time, in the order of `keys` (a key with no row is left out). */
  private async rowsByKey(keys: readonly string[]): Promise<RevenueShare[]> {
    const byKey = new Map<string, RevenueShare>();
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + 100).map((pk) => ({ pk }));
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** round)));
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[this.tableName] ?? []) byKey.set(String(item.pk), toRevenueShare(item));
        pending = UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return keys.flatMap((pk) => {
      const row = byKey.get(pk);
      return row ? [row] : [];
    });
  }

  /**
   * The rows of an index query's keys (the index copies no status) that have `payoutStatus`, page by page in index
   * order, until `limit` of them or the index ends.
   */
  private async rowsWithStatus(
    pages: AsyncIterable<{ Items?: Record<string, unknown>[] }>,
    payoutStatus: PayoutStatus,
    limit: number,
  ): Promise<RevenueShare[]> {
    const rows: RevenueShare[] = [];
    for await (const page of pages) {
      for (const row of await this.rowsByKey((page.Items ?? []).map(rowKey))) {
        if (row.payoutStatus !== payoutStatus) continue;
        rows.push(row);
        if (rows.length >= limit) return rows;
      }
    }
    return rows;
  }

  /**
   * Newest first. districtId -> the byDistrictCreatedAt index (status, if given too, filters the rows read); a status
   * waiting for a person alone -> the sparse byAttentionStatusCreatedAt index; any other status alone, or neither -> a
   * Scan of the ledger (unordered by DynamoDB, sorted here): the rows on the happy path are in no status index.
   */
  async list({ districtId, payoutStatus, since, limit = DEFAULT_LIST_LIMIT }: LedgerQuery): Promise<RevenueShare[]> {
    const values: Record<string, unknown> = {};
    const sinceCondition = since ? ' AND createdAt >= :since' : '';
    if (since) values[':since'] = since.toISOString();
    const byDistrict = districtId !== undefined;
    if (byDistrict || (payoutStatus !== undefined && needsAttention(payoutStatus))) {
      values[':key'] = byDistrict ? districtId : payoutStatus;
      const filtered = byDistrict && payoutStatus !== undefined;
      const pages = paginateQuery(
        // A filtered listing reads whole pages of keys: most of a district's rows may have another status.
        { client: this.client, pageSize: filtered ? DEFAULT_LIST_LIMIT : Math.min(limit, DEFAULT_LIST_LIMIT) },
        {
          TableName: this.tableName,
          IndexName: byDistrict ? BY_DISTRICT.indexName : BY_ATTENTION_STATUS.indexName,
          KeyConditionExpression: `${byDistrict ? BY_DISTRICT.partitionKey : BY_ATTENTION_STATUS.partitionKey} = :key${sinceCondition}`,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
        },
      );
      // The index is eventually consistent: a row read again that has moved on since is left out.
      if (payoutStatus !== undefined) return await this.rowsWithStatus(pages, payoutStatus, limit);
      return await this.rowsByKey(await collect(pages, limit, rowKey));
    }
    const conditions = ['attribute_exists(#status)'];
    if (since) conditions.push('createdAt >= :since');
    if (payoutStatus !== undefined) {
      conditions.push('#status = :status');
      values[':status'] = payoutStatus;
    }
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: conditions.join(' AND '),
        ExpressionAttributeNames: { '#status': 'payoutStatus' },
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      },
    );
    const rows = await collect(pages, Number.POSITIVE_INFINITY, toRevenueShare);
    return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }
}

/** The sparse attention index's key, on a row whose status waits for a person. */
const attentionKey = (payoutStatus: PayoutStatus): { attentionStatus?: PayoutStatus } =>
  needsAttention(payoutStatus) ? { attentionStatus: payoutStatus } : {};

const partsRecord = (row: RevenueShare | undefined, stripeTransferId: string): boolean =>
  (row?.transferParts ?? []).some((part) => part.stripeTransferId === stripeTransferId);

/** The items of a query or scan, page by page in the order given, each read by `read`, until `limit` of them. */
async function collect<T>(
  pages: AsyncIterable<{ Items?: Record<string, unknown>[] }>,
  limit: number,
  read: (item: Record<string, unknown>) => T,
): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      items.push(read(item));
      if (items.length >= limit) return items;
    }
  }
  return items;
}

/** An index entry's row key (the indexes copy keys, not rows). */
const rowKey = (item: Record<string, unknown>): string => String(item.pk);

/** A stored item as a RevenueShare; a row that is not one (wrong types) is an error, not a guess. */
export function toRevenueShare(item: Record<string, unknown>): RevenueShare {
  const text = (name: string): string => {
    const value = item[name];
    if (typeof value !== 'string') throw new Error(`ledger item ${String(item.pk)} has no string ${name}`);
    return value;
  };
  const integer = (name: string): number => {
    const value = item[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new Error(`ledger item ${String(item.pk)} has no integer ${name}`);
    }
    return value;
  };
  const optionalText = (name: string): string | undefined => (typeof item[name] === 'string' ? item[name] : undefined);
  const status = PAYOUT_STATUSES.find((candidate) => candidate === item.payoutStatus);
  if (!status) throw new Error(`ledger item ${String(item.pk)} has an unknown payoutStatus`);
  const row: RevenueShare = {
    revenueShareId: text('revenueShareId'),
    districtId: text('districtId'),
    invoiceId: text('invoiceId'),
    stripeEventId: text('stripeEventId'),
    amountCents: integer('amountCents'),
    currency: text('currency'),
    shareBps: integer('shareBps'),
    shareCents: integer('shareCents'),
    payoutStatus: status,
    destinationAccountId: text('destinationAccountId'),
    version: integer('version'),
    transferAttempt: integer('transferAttempt'),
    createdAt: text('createdAt'),
    updatedAt: text('updatedAt'),
  };
  const stripeTransferId = optionalText('stripeTransferId');
  const lastError = optionalText('lastError');
  const paidAt = optionalText('paidAt');
  const reviewReason = optionalText('reviewReason');
  if (stripeTransferId !== undefined) row.stripeTransferId = stripeTransferId;
  if (item.collectedCents !== undefined) row.collectedCents = integer('collectedCents');
  if (item.sourceCharges !== undefined) row.sourceCharges = listOf(item, 'sourceCharges', toSourceCharge);
  if (item.transferParts !== undefined) row.transferParts = listOf(item, 'transferParts', toTransferPart);
  if (reviewReason !== undefined) row.reviewReason = reviewReason;
  if (item.decision !== undefined) row.decision = toDecision(item);
  if (item.destinationChanges !== undefined) {
    row.destinationChanges = listOf(item, 'destinationChanges', toDestinationChange);
  }
  if (lastError !== undefined) row.lastError = lastError;
  if (paidAt !== undefined) row.paidAt = paidAt;
  if (item.moneyHistory !== undefined) row.moneyHistory = listOf(item, 'moneyHistory', toMoneyMovement);
  if (item.clawbackIntent !== undefined) row.clawbackIntent = item.clawbackIntent as ClawbackIntent;
  for (const name of ['reversedCents', 'netPaidCents', 'owedCents'] as const) {
    if (item[name] !== undefined) row[name] = integer(name);
  }
  return row;
}

function listOf<T>(item: Record<string, unknown>, name: string, read: (value: Record<string, unknown>) => T): T[] {
  const value = item[name];
  const fail = () => new Error(`ledger item ${String(item.pk)} has a malformed ${name}`);
  if (!Array.isArray(value)) throw fail();
  return value.map((entry) => {
    if (typeof entry !== 'object' || entry === null) throw fail();
    const parsed = read(entry as Record<string, unknown>);
    if (parsed === undefined) throw fail();
    return parsed;
  });
}

const isCents = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function toSourceCharge(value: Record<string, unknown>): SourceCharge {
  if (typeof value.chargeId !== 'string' || !isCents(value.amountCents)) throw new Error('malformed source charge');
  const charge: SourceCharge = { chargeId: value.chargeId, amountCents: value.amountCents };
  if (value.withoutPaymentIntent === true) charge.withoutPaymentIntent = true;
  return charge;
}

function toTransferPart(value: Record<string, unknown>): TransferPart {
  if (!isCents(value.index) || !isCents(value.amountCents)) throw new Error('malformed transfer part');
  const part: TransferPart = { index: value.index, amountCents: value.amountCents };
  if (typeof value.sourceChargeId === 'string') part.sourceChargeId = value.sourceChargeId;
  if (typeof value.stripeTransferId === 'string') part.stripeTransferId = value.stripeTransferId;
  if (isCents(value.plannedCents)) part.plannedCents = value.plannedCents;
  return part;
}

function toMoneyMovement(value: Record<string, unknown>): MoneyMovement {
  if (!MOVEMENT_KINDS.includes(value.kind as MoneyMovement['kind']) || !isCents(value.amountCents)) {
    throw new Error('malformed money movement');
  }
  if (!isCents(value.partIndex) || typeof value.at !== 'string') throw new Error('malformed money movement');
  return value as unknown as MoneyMovement;
}

function toDestinationChange(value: Record<string, unknown>): DestinationChange {
  const { from, to, by, reason, at, callerArn } = value;
  if (![from, to, by, reason, at].every((field) => typeof field === 'string')) {
    throw new Error('malformed destination change');
  }
  const change: DestinationChange = {
    from: from as string,
    to: to as string,
    by: by as string,
    reason: reason as string,
    at: at as string,
  };
  if (typeof callerArn === 'string') change.callerArn = callerArn;
  return change;
}

function toDecision(item: Record<string, unknown>): ReviewDecision {
  const value = item.decision as Record<string, unknown> | null;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    (value.action === 'approve' || value.action === 'close') &&
    typeof value.by === 'string' &&
    typeof value.reason === 'string' &&
    typeof value.at === 'string';
  if (!ok) throw new Error(`ledger item ${String(item.pk)} has a malformed decision`);
  const decision: ReviewDecision = {
    action: value.action as ReviewDecision['action'],
    by: value.by as string,
    reason: value.reason as string,
    at: value.at as string,
  };
  if (typeof value.callerArn === 'string') decision.callerArn = value.callerArn;
  return decision;
}
