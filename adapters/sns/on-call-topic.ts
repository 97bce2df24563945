/**
 * The on-call SNS topic (the one every alarm notifies): one notification per page, its subject naming the kind,
 * district and count, its body the page as JSON (e-mail and HTTPS subscribers get both), with the kind and district
 * as message attributes so a subscription can filter on them.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type OnCallNotifier, type OnCallPage, pageSubject } from '../../domain/alerts/on-call-pages.js';

export class SnsOnCallTopic implements OnCallNotifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(page: OnCallPage): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: pageSubject(page),
        Message: JSON.stringify(page, null, 2),
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: page.kind },
          ...(page.districtId ? { districtId: { DataType: 'String', StringValue: page.districtId } } : {}),
          count: { DataType: 'Number', StringValue: String(page.count) },
        },
      }),
    );
  }
}
