/**
 * The transfer queue's consumer: each TransferMessage goes through executeTransfer. A Stripe refusal is
 * acknowledged (row TRANSFER_FAILED + alert); a transient failure fails the record, so SQS retries it with the
 * same idempotency key and finally dead-letters it.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import { type ExecuteTransferDeps, executeTransfer } from '../../domain/payouts/execute-transfer.js';
import type { SecretSource } from '../commons/config.js';
import { processFifoBatch, rateLimitRequeue } from '../commons/fifo-batch.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { parseTransferMessage } from '../commons/queue-messages.js';
import type { Requeuer } from '../commons/requeue.js';
import { stripeApiKeyMiddleware } from '../commons/secrets.js';
import type { PaymentsForContext } from '../commons/stripe-payments.js';

export interface TransferHandlerDeps extends Omit<ExecuteTransferDeps, 'payments'> {
  observability: Observability;
  /** Where the Stripe API key comes from (put on the context before the handler runs). */
  stripeApiKey: SecretSource;
  payments: PaymentsForContext;
  /** Puts a record Stripe rate limited back on the transfer queue (unset: it fails and is retried). */
  requeue?: Requeuer;
}

export function createTransferHandler({
  observability,
  stripeApiKey,
  payments,
  requeue,
  ...deps
}: TransferHandlerDeps) {
  const { logger, metrics } = observability;

  const handleRecord = async (record: SQSRecord, useCaseDeps: ExecuteTransferDeps): Promise<void> => {
    const message = parseTransferMessage(record.body);
    const keys = { ...message, messageId: record.messageId };
    let result: Awaited<ReturnType<typeof executeTransfer>>;
    try {
      result = await executeTransfer(message, useCaseDeps);
    } catch (error) {
      logger.error('Transfer failed transiently; the message will be retried', { ...keys, error: error as Error });
      throw error;
    }
    switch (result.outcome) {
      case 'transferred':
        metrics.addMetric(metricNames.transfersCreated, MetricUnit.Count, 1);
        logger.info('Transfer recorded', { ...keys, ...result });
        break;
      case 'already_transferred':
        logger.info('Transfer already recorded', { ...keys, ...result });
        break;
      case 'failed':
        metrics.addMetric(metricNames.transfersFailed, MetricUnit.Count, 1);
        logger.error('Transfer FAILED', { ...keys, ...result });
        break;
      case 'skipped':
        logger.warn('Transfer skipped', { ...keys, reason: result.reason });
        break;
    }
  };

  return middy<SQSEvent, SQSBatchResponse>()
    .use(observabilityMiddlewares(observability))
    .use(stripeApiKeyMiddleware(stripeApiKey))
    .handler((event: SQSEvent, context: Context) => {
      const provider = payments(context);
      const useCaseDeps = { ...deps, payments: provider, clawback: provider };
      return processFifoBatch(
        event,
        context,
        (record) => handleRecord(record, useCaseDeps),
        rateLimitRequeue(requeue, observability),
      );
    });
}
