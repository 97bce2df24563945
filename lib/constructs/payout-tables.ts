import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type EnvName, env } from '#contracts/environment.js';
import { type TableDefinition, type TableKey, tables } from '#contracts/resources.js';

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

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
        ...(index.nonKeyAttributes
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.nonKeyAttributes] }
          : { projectionType: dynamodb.ProjectionType.ALL }),
      });
    }
  }

  get tableName(): string {
    return this.table.tableName;
  }

  grantRead(fn: lambda.Function): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: READ_ACTIONS, resources: this.tableAndIndexArns() }));
    fn.addEnvironment(this.envName, this.table.tableName);
  }

  grantReadWrite(fn: lambda.Function): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...READ_ACTIONS, ...WRITE_ACTIONS], resources: this.tableAndIndexArns() }),
    );
    fn.addEnvironment(this.envName, this.table.tableName);
  }

  /** Each index by name rather than `index/*`: no wildcard resource on DynamoDB. */
  private tableAndIndexArns(): string[] {
    return [
      this.table.tableArn,
      ...this.definition.globalSecondaryIndexes.map((index) => `${this.table.tableArn}/index/${index.indexName}`),
    ];
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
