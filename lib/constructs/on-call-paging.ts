import { Aws } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { env } from '#contracts/environment.js';

export interface OnCallPagingProps {
  readonly alertEmail: string;
  readonly alertHttpsUrl?: string;
}

/** The on-call topic: every alarm notifies it when it fires and again when it recovers. */
export class OnCallPaging extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: OnCallPagingProps) {
    super(scope, id);
    const cloudwatchService = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    // A customer-managed key: CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the on-call topic of the district payouts stack',
      enableKeyRotation: true,
    });
    this.key = key;
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchService],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'District payouts on-call',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchService],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
    if (props.alertHttpsUrl) {
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(props.alertHttpsUrl, { protocol: sns.SubscriptionProtocol.HTTPS }),
      );
    }
  }

  /** Lets `fn` publish to the topic (sns:Publish, and the topic key to encrypt with) and tells it the topic's ARN. */
  grantPublish(fn: lambda.Function): void {
    // Exact actions (no `kms:GenerateDataKey*`): publishing to an encrypted topic needs these two on its key.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    this.key.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
    fn.addEnvironment(env.onCallTopicArn, this.topic.topicArn);
  }

  /** Notifies on-call on ALARM and on OK, so a page is also closed by the alarm that opened it. */
  page(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}
