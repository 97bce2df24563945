/**
 * AWS list prices, us-east-1, first usage tier, no free tier, as published on the AWS pricing pages for each
 * service (checked 2026-11-27; confirm at aws.amazon.com/<service>/pricing before relying on them).
 */
export const PRICES_CHECKED_ON = '2026-11-27';

export const prices = {
  /** DynamoDB on-demand: per million write request units (1 KB each; a transactional write is 2 per KB). */
  dynamodbWriteRequestUnitPerMillion: 0.625,
  /** DynamoDB on-demand: per million read request units (a strongly consistent read of up to 4 KB is 1). */
  dynamodbReadRequestUnitPerMillion: 0.125,
  /** SQS FIFO queues: per million requests (each 64 KB of payload is a request). */
  sqsFifoRequestPerMillion: 0.5,
  /** SQS standard queues: per million requests. */
  sqsStandardRequestPerMillion: 0.4,
  /** Lambda: per million invocations (x86 and Arm alike). */
  lambdaRequestPerMillion: 0.2,
  /** Lambda duration on Arm (the stack's functions are arm64): per GB-second, first 7.5 billion GB-s a month. */
  lambdaArmGbSecond: 0.0000133334,
  /** Lambda duration on x86: per GB-second, first 6 billion GB-s a month. */
  lambdaX86GbSecond: 0.0000166667,
  /**
   * API Gateway HTTP APIs (the stack's API): per million requests, first 300 million a month; each request is metered
   * in 512 KB increments (a webhook is far smaller: one request). Checked 2026-12-01; REST APIs were $3.50.
   */
  apiGatewayHttpRequestPerMillion: 1.0,
  /** CloudWatch Logs, standard class: per GB ingested (the first tier for Lambda logs too). */
  cloudWatchLogsIngestedGb: 0.5,
} as const;
