import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type EnvName, env } from '#contracts/environment.js';
import {
  type IndexDefinition,
  indexProjection,
  type TableDefinition,
  type TableKey,
  tables,
} from '#contracts/resources.js';

/**
 * The DynamoDB actions a function may be granted, without the `dynamodb:` prefix. Each function is granted exactly
 * the ones its adapters call (a TransactWriteItems needs the action of each item it writes); nothing deletes.
 */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'ConditionCheckItem'
  | 'Query'
  | 'Scan';

const tableEnv: Record<TableKey, EnvName> = {
  webhookAuditLog: env.auditTable,
  revenueShares: env.revenueSharesTable,
  districts: env.districtsTable,
};

/** One table of lib/resources.ts. Granting access also tells the function the table's name. */
export class PayoutTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(
    scope: Construct,
    id: string,
    readonly definition: TableDefinition,
    readonly envName: EnvName,
  ) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: definition.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    });
    for (const index of definition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
        ...projectionOf(index),
      });
    }
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /** Grants exactly `actions` (Query also on each index) and tells the function the table's name. */
  grant(fn: lambda.Function, actions: readonly TableAction[]): void {
    if (actions.length === 0) throw new Error(`grant of ${this.definition.name} to ${fn.node.id} names no action`);
    const onTable = actions.map((action) => `dynamodb:${action}`);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: onTable, resources: [this.table.tableArn] }));
    if (actions.includes('Query') && this.definition.globalSecondaryIndexes.length > 0) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: this.indexArns() }));
    }
    fn.addEnvironment(this.envName, this.table.tableName);
  }

  /** Each index by name rather than `index/*`: no wildcard resource on DynamoDB. */
  private indexArns(): string[] {
    return this.definition.globalSecondaryIndexes.map((index) => `${this.table.tableArn}/index/${index.indexName}`);
  }
}

/** The three tables, built only from lib/resources.ts. */
export class PayoutTables extends Construct {
  readonly auditLog: PayoutTable;
  readonly ledger: PayoutTable;
  readonly districts: PayoutTable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.auditLog = new PayoutTable(this, 'WebhookAuditLog', tables.webhookAuditLog, tableEnv.webhookAuditLog);
    this.ledger = new PayoutTable(this, 'RevenueShares', tables.revenueShares, tableEnv.revenueShares);
    this.districts = new PayoutTable(this, 'Districts', tables.districts, tableEnv.districts);
  }

  get all(): Record<TableKey, PayoutTable> {
    return { webhookAuditLog: this.auditLog, revenueShares: this.ledger, districts: this.districts };
  }
}

function projectionOf(
  index: IndexDefinition,
): Pick<dynamodb.GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> {
  const { projectionType, nonKeyAttributes } = indexProjection(index);
  return {
    projectionType: dynamodb.ProjectionType[projectionType],
    ...(nonKeyAttributes ? { nonKeyAttributes: [...nonKeyAttributes] } : {}),
  };
}
