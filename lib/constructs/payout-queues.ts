import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type EnvName, env } from '#contracts/environment.js';
import {
  physicalQueueName,
  type QueueDefinition,
  type QueueKey,
  queues,
  visibilityTimeoutSeconds,
} from '#contracts/resources.js';

const queueEnv: Record<QueueKey, EnvName> = {
  revenueShare: env.processEventQueueUrl,
  transfer: env.transferQueueUrl,
  markPaid: env.markPaidQueueUrl,
  alerts: env.alertsQueueUrl,
};

export interface ConsumeOptions {
  /** Caps the pollers' concurrency; set it to the function's reserved concurrency so SQS never throttles it. */
  readonly maxConcurrency?: number;
}

/** One queue of lib/resources.ts and its dead-letter queue. Granting send also tells the function the URL. */
export class PayoutQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(
    scope: Construct,
    id: string,
    readonly definition: QueueDefinition,
    readonly envName: EnvName,
    namePrefix: string,
  ) {
    super(scope, id);
    const common = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      ...(definition.fifo ? { fifo: true, contentBasedDeduplication: false } : {}),
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...common,
      queueName: physicalQueueName(namePrefix, definition, true),
      retentionPeriod: Duration.days(definition.dlqRetentionDays),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      queueName: physicalQueueName(namePrefix, definition),
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(definition)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
    });
  }

  grantSend(fn: lambda.Function): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment(this.envName, this.queue.queueUrl);
  }

  /**
   * Makes `fn` the queue's consumer (partial batch failures reported per message). The event source grants
   * receive/delete on this queue only. Refuses a function that may outlive the definition's consumer timeout,
   * since the visibility timeout (6x that timeout) would then let a message be processed twice at once.
   */
  consumeWith(fn: lambda.Function, options: ConsumeOptions = {}): SqsEventSource {
    const timeoutSeconds = fn.timeout?.toSeconds() ?? 3;
    if (timeoutSeconds > this.definition.consumerTimeoutSeconds) {
      throw new Error(
        `${fn.node.path} times out after ${timeoutSeconds} s, more than the ` +
          `${this.definition.consumerTimeoutSeconds} s ` +
          `that lib/resources.ts allows consumers of the ${this.definition.name} queue`,
      );
    }
    const source = new SqsEventSource(this.queue, {
      batchSize: this.definition.batchSize,
      reportBatchItemFailures: true,
      ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
    });
    fn.addEventSource(source);
    return source;
  }
}

/** Every queue with its DLQ, built only from lib/resources.ts. */
export class PayoutQueues extends Construct {
  readonly revenueShare: PayoutQueue;
  readonly transfer: PayoutQueue;
  readonly markPaid: PayoutQueue;
  readonly alerts: PayoutQueue;

  constructor(scope: Construct, id: string, props: { readonly namePrefix: string }) {
    super(scope, id);
    const build = (key: QueueKey, constructId: string) =>
      new PayoutQueue(this, constructId, queues[key], queueEnv[key], props.namePrefix);
    this.revenueShare = build('revenueShare', 'RevenueShare');
    this.transfer = build('transfer', 'Transfer');
    this.markPaid = build('markPaid', 'MarkPaid');
    this.alerts = build('alerts', 'FinancialAlerts');
  }

  get all(): Record<QueueKey, PayoutQueue> {
    return { revenueShare: this.revenueShare, transfer: this.transfer, markPaid: this.markPaid, alerts: this.alerts };
  }
}
