/**
 * The revenue-share queue's consumer: each ProcessEventMessage (invoice.paid or transfer.reversed) goes through
 * processEvent. A permanent failure is acknowledged (the audit row is FAILED and an alert raised, and the
 * WebhookEventsFailed metric pages); a thrown error fails the record, so SQS retries it and finally dead-letters it.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import type { ClawbackProvider, InvoicePaymentReader } from '../../domain/ports.js';
import { type ProcessEventDeps, processEvent } from '../../domain/revenue-share/process-event.js';
import type { SecretSource } from '../commons/config.js';
import { processFifoBatch, rateLimitRequeue } from '../commons/fifo-batch.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { parseProcessEventMessage } from '../commons/queue-messages.js';
import type { Requeuer } from '../commons/requeue.js';
import { stripeApiKeyMiddleware } from '../commons/secrets.js';

export interface RevenueShareHandlerDeps extends Omit<ProcessEventDeps, 'invoicePayments' | 'clawbackProvider'> {
  /** Reads charges and makes reversals and re-payments at Stripe with the invocation's API key. */
  clawbackProvider?: (context: Context) => ClawbackProvider;
  observability: Observability;
  /** Where the Stripe API key comes from (put on the context before the handler runs). */
  stripeApiKey: SecretSource;
  /** Reads an invoice's payments at Stripe with the invocation's API key. */
  invoicePayments: (context: Context) => InvoicePaymentReader;
  /** Puts a record Stripe rate limited back on the revenue-share queue (unset: it fails and is retried). */
  requeue?: Requeuer;
}

export function createRevenueShareHandler({
  observability,
  stripeApiKey,
  invoicePayments,
  clawbackProvider,
  requeue,
  ...rest
}: RevenueShareHandlerDeps) {
  const { logger, metrics } = observability;

  const handleRecord = async (record: SQSRecord, deps: ProcessEventDeps): Promise<void> => {
    const message = parseProcessEventMessage(record.body);
    const keys = { stripeEventId: message.stripeEventId, eventType: message.eventType, messageId: record.messageId };
    let result: Awaited<ReturnType<typeof processEvent>>;
    try {
      result = await processEvent(message, deps);
    } catch (error) {
      logger.error('Event processing failed; the message will be retried', { ...keys, error: error as Error });
      throw error;
    }
    switch (result.outcome) {
      case 'processed':
        if (result.rowCreated) metrics.addMetric(metricNames.revenueSharesCreated, MetricUnit.Count, 1);
        logger.info('Event processed', { ...keys, ...result });
        break;
      case 'reversed':
        metrics.addMetric(metricNames.payoutsReversed, MetricUnit.Count, 1);
        logger.warn('Transfer reversed', { ...keys, ...result });
        break;
      case 'failed':
        metrics.addMetric(metricNames.webhookEventsFailed, MetricUnit.Count, 1);
        logger.error('Event FAILED', { ...keys, ...result });
        break;
      case 'skipped':
        logger.info('Event skipped', { ...keys, reason: result.reason });
        break;
      case 'clawback':
        logger.info('Money that came back: the share is at its clawback target', { ...keys, ...result });
        break;
      case 'attributed':
        logger.info('Credit note attributed (its refund moves the money)', { ...keys, ...result });
        break;
    }
  };

  return middy<SQSEvent, SQSBatchResponse>()
    .use(observabilityMiddlewares(observability))
    .use(stripeApiKeyMiddleware(stripeApiKey))
    .handler((event: SQSEvent, context: Context) => {
      const deps = {
        ...rest,
        invoicePayments: invoicePayments(context),
        ...(clawbackProvider ? { clawbackProvider: clawbackProvider(context) } : {}),
      };
      return processFifoBatch(
        event,
        context,
        (record) => handleRecord(record, deps),
        rateLimitRequeue(requeue, observability),
      );
    });
}
