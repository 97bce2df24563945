/**
 * The alerts queue's consumer: every financial alert becomes one structured log line and the EMF metric
 * `FinancialAlerts` twice: by `kind` (for dashboards) and with no dimensions at all (what the on-call alarm
 * watches, so a new kind can never slip past it). A malformed message still pages, as kind MALFORMED:
 * retrying cannot repair it, and something that meant to raise an alert sent it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { MalformedAlertError, parseFinancialAlert } from './parse-alert.js';

export const FINANCIAL_ALERTS_METRIC = metricNames.financialAlerts;
export const MALFORMED_ALERT_KIND = 'MALFORMED';

export interface FinancialAlertHandlerDeps {
  observability: Observability;
}

export function createFinancialAlertHandler({ observability }: FinancialAlertHandlerDeps) {
  const { logger, metrics } = observability;
  const processor = new BatchProcessor(EventType.SQS);

  const countAlert = (kind: string): void => {
    const byKind = metrics.singleMetric();
    byKind.addDimension('kind', kind);
    byKind.addMetric(FINANCIAL_ALERTS_METRIC, MetricUnit.Count, 1);
    const total = metrics.singleMetric();
    total.clearDefaultDimensions();
    total.addDimensions({});
    total.addMetric(FINANCIAL_ALERTS_METRIC, MetricUnit.Count, 1);
  };

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    let kind: string;
    try {
      const alert = parseFinancialAlert(record.body);
      kind = alert.kind;
      const line = { financialAlert: alert, messageId: record.messageId };
      if (alert.severity === 'critical') logger.error('Financial alert', line);
      else logger.warn('Financial alert', line);
    } catch (error) {
      if (!(error instanceof MalformedAlertError)) throw error;
      kind = MALFORMED_ALERT_KIND;
      logger.error('Malformed financial alert', {
        financialAlert: { kind, severity: 'critical', message: error.message },
        messageId: record.messageId,
        bodyLength: record.body.length,
      });
    }
    countAlert(kind);
  };

  return middy<SQSEvent, SQSBatchResponse>()
    .use(observabilityMiddlewares(observability))
    .handler((event: SQSEvent, context: Context) =>
      processPartialResponse(event, handleRecord, processor, { context }),
    );
}
