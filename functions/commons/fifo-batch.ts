/**
 * Partial batch responses for the FIFO worker queues. A failed record is reported in batchItemFailures (the
 * event source mapping needs ReportBatchItemFailures) and the rest of its message group is failed with it, so
 * order within a group holds; other groups go on. A fresh processor per invocation: it holds per-batch state.
 * A record that fails only because Stripe rate limited it is put back on its queue instead (requeue.ts).
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import { withInvocationDeadline } from './invocation-deadline.js';
import type { Observability } from './observability.js';
import { isRateLimited, type Requeuer, rateLimitedSince, requeueCount } from './requeue.js';

export interface FifoBatchOptions {
  requeue?: Requeuer;
  /** Told of each record put back (a metric and a log line; never an alert). */
  onRequeued?: (record: SQSRecord, error: unknown) => void;
}

export const processFifoBatch = (
  event: SQSEvent,
  context: Context,
  handleRecord: (record: SQSRecord) => Promise<void>,
  options: FifoBatchOptions = {},
): Promise<SQSBatchResponse> => {
  const { requeue, onRequeued } = options;
  const handle = requeue
    ? async (record: SQSRecord) => {
        try {
          await handleRecord(record);
        } catch (error) {
          if (!isRateLimited(error) || !(await requeue.requeue(record))) throw error;
          onRequeued?.(record, error);
        }
      }
    : handleRecord;
  // Stripe 429 waits stop in time for the rest of the batch and its requeues to finish inside the Lambda timeout.
  return withInvocationDeadline(context.getRemainingTimeInMillis(), () =>
    processPartialResponse(event, handle, new SqsFifoPartialProcessorAsync(), {
      context,
      skipGroupOnError: true,
      // A batch whose every record failed is still a partial response, not an invocation error.
      throwOnFullBatchFailure: false,
    }),
  );
};

/** A worker's requeue of rate-limited records: counted in StripeRateLimitedRequeues and logged as a warning. */
export const rateLimitRequeue = (
  requeue: Requeuer | undefined,
  { logger, metrics }: Observability,
): FifoBatchOptions =>
  requeue
    ? {
        requeue,
        onRequeued: (record, error) => {
          metrics.addMetric(metricNames.stripeRateLimitedRequeues, MetricUnit.Count, 1);
          logger.warn('Stripe rate limited the record; put back on its queue', {
            messageId: record.messageId,
            requeues: requeueCount(record) + 1,
            // Epoch ms of the first requeue (none on the first): the record fails an hour after it.
            rateLimitedSince: rateLimitedSince(record),
            error: error as Error,
          });
        },
      }
    : {};
