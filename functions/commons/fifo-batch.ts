/**
 * Partial batch responses for the FIFO worker queues. A failed record is reported in batchItemFailures (the
 * event source mapping needs ReportBatchItemFailures) and the rest of its message group is failed with it, so
 * order within a group holds; other groups go on. A fresh processor per invocation: it holds per-batch state.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export const processFifoBatch = (
  event: SQSEvent,
  context: Context,
  handleRecord: (record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> =>
  processPartialResponse(event, handleRecord, new SqsFifoPartialProcessorAsync(), {
    context,
    skipGroupOnError: true,
    // A batch whose every record failed is still a partial response, not an invocation error.
    throwOnFullBatchFailure: false,
  });
