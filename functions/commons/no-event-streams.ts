/**
 * What the function bundles use in place of `@smithy/core/event-streams` (an esbuild alias in
 * lib/constructs/payout-function.ts). The AWS SDK's HTTP protocols load it only for an operation that streams
 * events (Kinesis, Transcribe, Bedrock and the like); DynamoDB, SQS, SNS and Secrets Manager have none, so its
 * 20 KB of every bundle never runs here. Should an operation ever need it, it fails saying so.
 * Local runs and tests do not bundle, and keep the SDK's own.
 */

export class EventStreamsLeftOutError extends Error {
  override readonly name = 'EventStreamsLeftOutError';

  constructor() {
    super(
      'This function was bundled without the AWS SDK event-stream support (functions/commons/no-event-streams.ts); ' +
        'remove that alias from lib/constructs/payout-function.ts to call an operation that streams events',
    );
  }
}

export class EventStreamSerde {
  constructor() {
    throw new EventStreamsLeftOutError();
  }
}

export const eventStreamSerdeProvider = (): never => {
  throw new EventStreamsLeftOutError();
};
