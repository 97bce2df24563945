/**
 * The catch-up's state (domain/catch-up/catch-up-state.ts) as one item of the WebhookAuditLog table, under a key no
 * Stripe event id can take (`catch-up#state`; event ids are `evt_...`). It has no `openStatus`, so the listings'
 * index never holds it. Read consistently and written whole: runs are minutes apart, and two that overlap (a retry,
 * a run by hand) at worst replay a few rows twice, which the claim makes harmless.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CatchUpState, CatchUpStateStore } from '../../domain/catch-up/catch-up-state.js';
import type { AuditListPosition } from '../../domain/model.js';

export const CATCH_UP_STATE_KEY = 'catch-up#state';

export class DynamoDbCatchUpState implements CatchUpStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(): Promise<CatchUpState> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { stripeEventId: CATCH_UP_STATE_KEY }, ConsistentRead: true }),
    );
    const failedAfter = position(Item?.failedAfter);
    const text = (name: string) => (typeof Item?.[name] === 'string' ? { [name]: Item[name] as string } : {});
    return {
      ...(failedAfter ? { failedAfter } : {}),
      ...text('undeliveredAfter'),
      ...text('lookbackAfter'),
      ...(Item?.lookbackFirst === true ? { lookbackFirst: true } : {}),
    };
  }

  async save(state: CatchUpState, now: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { stripeEventId: CATCH_UP_STATE_KEY, ...state, updatedAt: now.toISOString() },
      }),
    );
  }
}

/** A stored position, or undefined for anything else (a state that cannot be read starts from the oldest). */
function position(value: unknown): AuditListPosition | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { createdAt, stripeEventId } = value as Record<string, unknown>;
  return typeof createdAt === 'string' && typeof stripeEventId === 'string' ? { createdAt, stripeEventId } : undefined;
}
