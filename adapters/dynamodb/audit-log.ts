/**
 * WebhookAuditLog on DynamoDB: one row per Stripe event (pk stripeEventId), sparse GSI byOpenStatusCreatedAt: a row
 * carries `openStatus` (= its status) only while it is RECEIVED or FAILED, so the listings see the open rows and a row
 * leaves the index when it is done.
 *
 * The claim is one conditional PutItem. A new event needs only `attribute_not_exists(stripeEventId)`. When
 * the row exists, the failed condition returns the old row (ReturnValuesOnConditionCheckFailure ALL_OLD);
 * if that row may be re-claimed (FAILED, or RECEIVED with an expired lease) it is updated with the re-claim
 * condition AND `attempts = <the attempts just read>`, writing attempts + 1 (and keeping the stored event).
 * So every successful claim increments attempts exactly once, and of any number of concurrent deliveries
 * exactly one wins: the others fail the condition and see the winner's fresh RECEIVED lease.
 *
 * The raw event travels in the queue message, not on the claim (DynamoDB bills every write of a row, an UpdateItem
 * of one attribute included, by the whole row's size: a claim without it is one write unit). It is stored,
 * gzip-compressed (`rawEventGzip`, Binary), on a FAILED row (for re-sync after Stripe's retention) and on a claim
 * whose event is too large for a message; a re-claim keeps it (a rare write, billed by the row's size). Older rows may
 * hold it as a plain `rawEvent` string; both read back alike.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { tables } from '#contracts/resources.js';
import type { OpenEventCounter } from '../../domain/catch-up/open-event-count.js';
import {
  AUDIT_STATUSES,
  type AuditListPosition,
  type AuditRecord,
  type AuditStatus,
  type ListedAuditStatus,
} from '../../domain/model.js';
import { type AuditLog, ClaimMovedOnError, type ClaimOutcome, type ClaimRequest } from '../../domain/ports.js';

/** IGNORED rows expire after this long; money-related rows never do. */
export const IGNORED_TTL_SECONDS = 90 * 24 * 60 * 60;
const ERROR_MESSAGE_MAX_LENGTH = 1_000;
/** A re-claim races at most a few times: each lost round means another delivery claimed the row. */
const MAX_CLAIM_ROUNDS = 3;
/** Projects only the listings' attributes (contracts/resources.ts): never the raw event. */
const BY_OPEN_STATUS_CREATED_AT = tables.webhookAuditLog.globalSecondaryIndexes[0].indexName;

export class AuditRecordNotFoundError extends Error {
  override readonly name = 'AuditRecordNotFoundError';
}

interface ExistingRow {
  status?: string;
  attempts?: number;
  leaseExpiresAt?: string;
}

export class DynamoDbAuditLog implements AuditLog, OpenEventCounter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const now = request.now.toISOString();
    let existing: ExistingRow | undefined;
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const attempts = (existing?.attempts ?? 0) + 1;
      try {
        if (existing) await this.client.send(this.reclaim(request, existing, attempts));
        else await this.client.send(this.firstClaim(request));
        return { claimed: true, attempts };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        existing = readExistingRow(error.Item);
        if (!isReclaimable(existing, now)) return { claimed: false, existingStatus: auditStatus(existing.status) };
      }
    }
    return { claimed: false, existingStatus: auditStatus(existing?.status) };
  }

  /** A new row: one put of a small item (one write unit), unless the event must be kept on it. */
  private firstClaim(request: ClaimRequest): PutCommand {
    const now = request.now.toISOString();
    return new PutCommand({
      TableName: this.tableName,
      Item: {
        stripeEventId: request.stripeEventId,
        eventType: request.eventType,
        status: 'RECEIVED' satisfies AuditStatus,
        openStatus: 'RECEIVED' satisfies ListedAuditStatus,
        attempts: 1,
        createdAt: now,
        updatedAt: now,
        leaseExpiresAt: leaseEnd(request),
        ...(request.rawEvent === undefined ? {} : { rawEventGzip: compress(request.rawEvent) }),
      },
      ConditionExpression: 'attribute_not_exists(stripeEventId)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  }

  /**
   * A re-claim updates the row rather than replacing it, so the copy of the event a FAILED row keeps stays: Stripe
   * forgets the event after 30 days, and a re-claimed row whose message is then lost is replayed from that copy. The
   * rest of the old attempt (its error, district, invoice, metadata) goes, as a new claim has none.
   */
  private reclaim(request: ClaimRequest, existing: ExistingRow, attempts: number): UpdateCommand {
    const now = request.now.toISOString();
    const copy = request.rawEvent === undefined ? '' : ', rawEventGzip = :rawEventGzip';
    const condition = reclaimCondition(existing, now);
    return new UpdateCommand({
      TableName: this.tableName,
      Key: { stripeEventId: request.stripeEventId },
      UpdateExpression:
        'SET eventType = :eventType, #status = :receivedStatus, openStatus = :receivedStatus, ' +
        `attempts = :newAttempts, createdAt = if_not_exists(createdAt, :now), updatedAt = :now, leaseExpiresAt = :lease${copy} ` +
        `REMOVE errorMessage, districtId, invoiceId, metadata, expiresAt${copy ? ', rawEvent' : ''}`,
      ConditionExpression: condition.expression,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ...condition.values,
        ':eventType': request.eventType,
        ':receivedStatus': 'RECEIVED' satisfies AuditStatus,
        ':newAttempts': attempts,
        ':now': now,
        ':lease': leaseEnd(request),
        ...(request.rawEvent === undefined ? {} : { ':rawEventGzip': compress(request.rawEvent) }),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  }

  async markIgnored(stripeEventId: string, now: Date): Promise<void> {
    await this.update(
      stripeEventId,
      'SET #status = :ignored, updatedAt = :now, expiresAt = :expiresAt REMOVE openStatus, leaseExpiresAt',
      {
        ':ignored': 'IGNORED' satisfies AuditStatus,
        ':now': now.toISOString(),
        ':expiresAt': Math.floor(now.getTime() / 1000) + IGNORED_TTL_SECONDS,
      },
    );
  }

  async markProcessed(
    stripeEventId: string,
    now: Date,
    details: { districtId?: string; invoiceId?: string; metadata?: Record<string, string> } = {},
  ): Promise<void> {
    const { sets, names, values } = optionalSets(details);
    await this.update(
      stripeEventId,
      `SET #status = :processed, updatedAt = :now${sets} REMOVE openStatus, leaseExpiresAt, errorMessage, expiresAt`,
      { ':processed': 'PROCESSED' satisfies AuditStatus, ':now': now.toISOString(), ...values },
      names,
    );
  }

  async markFailed(
    stripeEventId: string,
    errorMessage: string,
    now: Date,
    {
      rawEvent,
      claimAttempt,
      ...details
    }: { districtId?: string; invoiceId?: string; eventType?: string; rawEvent?: string; claimAttempt?: number } = {},
  ): Promise<void> {
    const { sets, names, values } = optionalSets({
      ...details,
      ...(rawEvent === undefined ? {} : { rawEventGzip: compress(rawEvent) }),
    });
    const inClaim =
      claimAttempt === undefined
        ? undefined
        : {
            expression: '#status = :received AND attempts = :claimAttempt',
            values: { ':received': 'RECEIVED' satisfies AuditStatus, ':claimAttempt': claimAttempt },
          };
    await this.update(
      stripeEventId,
      `SET #status = :failed, openStatus = :failed, errorMessage = :errorMessage, updatedAt = :now${sets} ` +
        'REMOVE leaseExpiresAt, expiresAt',
      {
        ':failed': 'FAILED' satisfies AuditStatus,
        ':errorMessage': errorMessage.slice(0, ERROR_MESSAGE_MAX_LENGTH),
        ':now': now.toISOString(),
        ...values,
      },
      names,
      inClaim,
    );
  }

  async get(stripeEventId: string): Promise<AuditRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { stripeEventId }, ConsistentRead: true }),
    );
    return Item ? toAuditRecord(Item) : undefined;
  }

  /**
   * Open rows with `status` created at or after `since`, oldest first (the GSI is eventually consistent), starting
   * after the row at `after` when given (its index key: the row need not exist any more). Without their raw event,
   * which the index does not hold: `get` a row for it.
   */
  async listByStatus(
    status: ListedAuditStatus,
    since: Date,
    limit = 100,
    after?: AuditListPosition,
  ): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    // A start key outside the key condition is refused (ValidationException): a position before `since` is moot.
    const start = after && after.createdAt >= since.toISOString() ? after : undefined;
    const pages = paginateQuery(
      {
        client: this.client,
        pageSize: Math.min(limit, 100),
        ...(start
          ? { startingToken: { openStatus: status, createdAt: start.createdAt, stripeEventId: start.stripeEventId } }
          : {}),
      },
      {
        TableName: this.tableName,
        IndexName: BY_OPEN_STATUS_CREATED_AT,
        KeyConditionExpression: 'openStatus = :status AND createdAt >= :since',
        ExpressionAttributeValues: { ':status': status, ':since': since.toISOString() },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        records.push(toAuditRecord(item, { withRawEvent: false }));
        if (records.length >= limit) return records;
      }
    }
    return records;
  }

  /** A count over the status index (Select COUNT: no item comes back, the index's small entries are read). */
  async countOpenCreatedBefore(
    status: ListedAuditStatus,
    createdBefore: Date,
    leaseEndedBefore?: Date,
  ): Promise<number> {
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        IndexName: BY_OPEN_STATUS_CREATED_AT,
        Select: 'COUNT',
        KeyConditionExpression: 'openStatus = :status AND createdAt < :before',
        ...(leaseEndedBefore ? { FilterExpression: 'leaseExpiresAt <= :leaseEnded' } : {}),
        ExpressionAttributeValues: {
          ':status': status,
          ':before': createdBefore.toISOString(),
          ...(leaseEndedBefore ? { ':leaseEnded': leaseEndedBefore.toISOString() } : {}),
        },
      },
    );
    let count = 0;
    for await (const page of pages) count += page.Count ?? 0;
    return count;
  }

  /**
   * An update of an existing row; with `condition`, only while it holds too (else ClaimMovedOnError, naming the row's
   * status now: the failed condition returns the row).
   */
  private async update(
    stripeEventId: string,
    expression: string,
    values: Record<string, unknown>,
    extraNames: Record<string, string> = {},
    condition?: { expression: string; values: Record<string, unknown> },
  ): Promise<void> {
    const names = { ...(expression.includes('#status') ? { '#status': 'status' } : {}), ...extraNames };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { stripeEventId },
          UpdateExpression: expression,
          ConditionExpression: condition
            ? `attribute_exists(stripeEventId) AND ${condition.expression}`
            : 'attribute_exists(stripeEventId)',
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: { ...values, ...condition?.values },
          ...(condition ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (condition && error.Item) {
        throw new ClaimMovedOnError(stripeEventId, auditStatus(readExistingRow(error.Item).status));
      }
      throw new AuditRecordNotFoundError(`No audit row for Stripe event ${stripeEventId}`);
    }
  }
}

/** A re-claim needs a claimable row still holding the attempts we read. */
function reclaimCondition(existing: ExistingRow, now: string) {
  const sameAttempts = existing.attempts === undefined ? 'attribute_not_exists(attempts)' : 'attempts = :attempts';
  return {
    expression:
      '(attribute_not_exists(stripeEventId) OR #status = :failed OR ' +
      `(#status = :received AND leaseExpiresAt < :now)) AND ${sameAttempts}`,
    values: {
      ':failed': 'FAILED',
      ':received': 'RECEIVED',
      ':now': now,
      ...(existing.attempts === undefined ? {} : { ':attempts': existing.attempts }),
    },
  };
}

const leaseEnd = (request: ClaimRequest): string =>
  new Date(request.now.getTime() + request.leaseSeconds * 1000).toISOString();

/** The same rule as the condition, evaluated on the row the failed put returned. */
function isReclaimable(row: ExistingRow, now: string): boolean {
  if (row.status === 'FAILED') return true;
  return row.status === 'RECEIVED' && row.leaseExpiresAt !== undefined && row.leaseExpiresAt < now;
}

/** The old row of a failed condition arrives as raw attribute values (lib-dynamodb does not unmarshall it). */
function readExistingRow(item: Record<string, AttributeValue> | undefined): ExistingRow {
  const attempts = item?.attempts?.N;
  return {
    status: item?.status?.S,
    attempts: attempts === undefined ? undefined : Number(attempts),
    leaseExpiresAt: item?.leaseExpiresAt?.S,
  };
}

/** `, #name = :name` for each defined detail (names are aliased: any could be a reserved word). */
function optionalSets(details: Record<string, unknown>) {
  let sets = '';
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(details)) {
    if (value === undefined) continue;
    sets += `, #${name} = :${name}`;
    names[`#${name}`] = name;
    values[`:${name}`] = value;
  }
  return { sets, names, values };
}

const auditStatus = (value: string | undefined): AuditStatus | undefined =>
  AUDIT_STATUSES.find((status) => status === value);

/** A stored item that is not a valid audit row: never guessed into one (a corrupt row must not look like a live claim). */
export class CorruptAuditRowError extends Error {
  override readonly name = 'CorruptAuditRowError';
}

function toAuditRecord(item: Record<string, unknown>, { withRawEvent = true } = {}): AuditRecord {
  const text = (name: string): string | undefined => (typeof item[name] === 'string' ? item[name] : undefined);
  const id = text('stripeEventId');
  const invalid = (field: string) =>
    new CorruptAuditRowError(`Audit row ${id ?? JSON.stringify(item.stripeEventId)} has no valid ${field}`);
  const required = (name: string): string => {
    const value = text(name);
    if (!value) throw invalid(name);
    return value;
  };
  const status = auditStatus(text('status'));
  if (!status) throw invalid('status');
  const attempts = item.attempts;
  if (typeof attempts !== 'number' || !Number.isSafeInteger(attempts) || attempts < 1) throw invalid('attempts');
  const rawEvent = withRawEvent ? storedRawEvent(item) : undefined;
  const record: AuditRecord = {
    stripeEventId: required('stripeEventId'),
    eventType: required('eventType'),
    status,
    createdAt: required('createdAt'),
    updatedAt: required('updatedAt'),
    attempts,
  };
  const optional = {
    errorMessage: text('errorMessage'),
    districtId: text('districtId'),
    invoiceId: text('invoiceId'),
    leaseExpiresAt: text('leaseExpiresAt'),
    rawEvent,
    metadata: isStringMap(item.metadata) ? item.metadata : undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(record, { [key]: value });
  }
  return record;
}

const compress = (rawEvent: string): Uint8Array => gzipSync(Buffer.from(rawEvent, 'utf8'));

/** The raw event in either stored form: compressed (`rawEventGzip`), or a plain `rawEvent` on older rows. */
function storedRawEvent(item: Record<string, unknown>): string | undefined {
  const compressed = item.rawEventGzip;
  if (compressed instanceof Uint8Array) return gunzipSync(compressed).toString('utf8');
  return typeof item.rawEvent === 'string' ? item.rawEvent : undefined;
}

const isStringMap = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && Object.values(value).every((entry) => typeof entry === 'string');
