/**
 * District configuration on DynamoDB (pk districtId). `list` and `findByCustomerId` Scan the table: a platform
 * has a handful of districts, so a Scan costs a page or two; a customer index would be the next step if that grows.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { isDisputePolicy } from '../../domain/clawback/dispute-policy.js';
import type { District } from '../../domain/model.js';
import type { DistrictStore } from '../../domain/ports.js';

export class DynamoDbDistrictStore implements DistrictStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(districtId: string): Promise<District | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { districtId }, ConsistentRead: true }),
    );
    return Item ? toDistrict(Item) : undefined;
  }

  async put(district: District): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...district } }));
  }

  async list(): Promise<District[]> {
    return (await this.scan()).sort((a, b) => a.districtId.localeCompare(b.districtId));
  }

  async findByCustomerId(customerId: string): Promise<District[]> {
    return await this.scan({
      FilterExpression: 'contains(stripeCustomerIds, :customerId)',
      ExpressionAttributeValues: { ':customerId': customerId },
    });
  }

  private async scan(filter: { FilterExpression?: string; ExpressionAttributeValues?: Record<string, unknown> } = {}) {
    const districts: District[] = [];
    // Consistent, so a district configured a moment ago is seen by the next invoice.
    const pages = paginateScan({ client: this.client }, { TableName: this.tableName, ConsistentRead: true, ...filter });
    for await (const page of pages) {
      for (const item of page.Items ?? []) districts.push(toDistrict(item));
    }
    return districts;
  }
}

/** A stored item as a District; a malformed item is an error, never a guessed default. */
export function toDistrict(item: Record<string, unknown>): District {
  const text = (name: string): string => {
    const value = item[name];
    if (typeof value !== 'string') throw new Error(`district item ${String(item.districtId)} has no string ${name}`);
    return value;
  };
  const customerIds = item.stripeCustomerIds ?? [];
  if (!Array.isArray(customerIds) || !customerIds.every((id) => typeof id === 'string')) {
    throw new Error(`district item ${String(item.districtId)} has malformed stripeCustomerIds`);
  }
  if (typeof item.shareBps !== 'number' || typeof item.autoTransfer !== 'boolean') {
    throw new Error(`district item ${String(item.districtId)} has malformed shareBps or autoTransfer`);
  }
  // Absent on districts stored before the setting existed: they never opted in.
  if (item.autoPayOutOfBand !== undefined && typeof item.autoPayOutOfBand !== 'boolean') {
    throw new Error(`district item ${String(item.districtId)} has a malformed autoPayOutOfBand`);
  }
  if (item.disputePolicy !== undefined && !isDisputePolicy(item.disputePolicy)) {
    throw new Error(`district item ${String(item.districtId)} has a malformed disputePolicy`);
  }
  return {
    districtId: text('districtId'),
    stripeAccountId: text('stripeAccountId'),
    shareBps: item.shareBps,
    currency: text('currency'),
    autoTransfer: item.autoTransfer,
    ...(typeof item.autoPayOutOfBand === 'boolean' ? { autoPayOutOfBand: item.autoPayOutOfBand } : {}),
    ...(isDisputePolicy(item.disputePolicy) ? { disputePolicy: item.disputePolicy } : {}),
    stripeCustomerIds: customerIds,
    createdAt: text('createdAt'),
    updatedAt: text('updatedAt'),
  };
}
