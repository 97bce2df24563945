/**
 * The mark-paid queue's consumer: each MarkPaidMessage goes through verifyAndMarkPaid. A mismatch or refusal is
 * acknowledged (recorded in lastError, mismatches alerted); a transient failure fails the record for a retry.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import { type VerifyAndMarkPaidDeps, verifyAndMarkPaid } from '../../domain/payouts/verify-and-mark-paid.js';
import type { SecretSource } from '../commons/config.js';
import { processFifoBatch, rateLimitRequeue } from '../commons/fifo-batch.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { parseMarkPaidMessage } from '../commons/queue-messages.js';
import type { Requeuer } from '../commons/requeue.js';
import { stripeApiKeyMiddleware } from '../commons/secrets.js';
import type { PaymentsForContext } from '../commons/stripe-payments.js';

export interface MarkPaidHandlerDeps extends Omit<VerifyAndMarkPaidDeps, 'payments'> {
  observability: Observability;
  stripeApiKey: SecretSource;
  payments: PaymentsForContext;
  /** Puts a record Stripe rate limited back on the mark-paid queue (unset: it fails and is retried). */
  requeue?: Requeuer;
}

export function createMarkPaidHandler({
  observability,
  stripeApiKey,
  payments,
  requeue,
  ...deps
}: MarkPaidHandlerDeps) {
  const { logger, metrics } = observability;

  const handleRecord = async (record: SQSRecord, useCaseDeps: VerifyAndMarkPaidDeps): Promise<void> => {
    const message = parseMarkPaidMessage(record.body);
    const keys = { ...message, messageId: record.messageId };
    let result: Awaited<ReturnType<typeof verifyAndMarkPaid>>;
    try {
      result = await verifyAndMarkPaid(message, useCaseDeps);
    } catch (error) {
      logger.error('Verification failed transiently; the message will be retried', { ...keys, error: error as Error });
      throw error;
    }
    switch (result.outcome) {
      case 'paid':
        metrics.addMetric(metricNames.payoutsPaid, MetricUnit.Count, 1);
        logger.info('Payout PAID', {
          ...keys,
          stripeTransferId: result.row.stripeTransferId,
          version: result.row.version,
        });
        break;
      case 'mismatch':
        logger.error('Transfer does not match the ledger; left unpaid', { ...keys, reasons: result.reasons });
        break;
      case 'refused':
      case 'skipped':
        logger.warn(`Mark-paid ${result.outcome}`, { ...keys, reason: result.reason });
        break;
      case 'already_paid':
      case 'conflict':
        logger.info(`Mark-paid ${result.outcome}`, keys);
        break;
    }
  };

  return middy<SQSEvent, SQSBatchResponse>()
    .use(observabilityMiddlewares(observability))
    .use(stripeApiKeyMiddleware(stripeApiKey))
    .handler((event: SQSEvent, context: Context) => {
      const useCaseDeps = { ...deps, payments: payments(context) };
      return processFifoBatch(
        event,
        context,
        (record) => handleRecord(record, useCaseDeps),
        rateLimitRequeue(requeue, observability),
      );
    });
}
