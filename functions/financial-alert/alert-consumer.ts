/**
 * The alerts queue's consumer: every financial alert becomes one structured log line and the EMF metric
 * `FinancialAlerts` twice: by `kind` (for dashboards) and with no dimensions at all (what the on-call alarm
 * watches, so a new kind can never slip past it). A malformed message still pages, as kind MALFORMED:
 * retrying cannot repair it, and something that meant to raise an alert sent it.
 *
 * Every critical alert is also published to the on-call topic on its own, so the second different money problem
 * inside one alarm period is announced too; the critical alerts of one batch with the same (kind, district) make one
 * notification with their count (a storm is grouped, not dropped). A notification the topic refuses fails its
 * records, which SQS delivers again (at least once: a retried record is logged and counted again).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { metricNames } from '#contracts/observability.js';
import { groupIntoPages, type OnCallNotifier, type PageableAlert } from '../../domain/alerts/on-call-pages.js';
import { type Observability, observabilityMiddlewares } from '../commons/observability.js';
import { MalformedAlertError, parseFinancialAlert } from './parse-alert.js';

export const FINANCIAL_ALERTS_METRIC = metricNames.financialAlerts;
export const MALFORMED_ALERT_KIND = 'MALFORMED';

export interface FinancialAlertHandlerDeps {
  observability: Observability;
  onCall: OnCallNotifier;
  clock: { now(): Date };
}

type CriticalRecord = PageableAlert & { messageId: string };

export function createFinancialAlertHandler({ observability, onCall, clock }: FinancialAlertHandlerDeps) {
  const { logger, metrics } = observability;

  const countAlert = (kind: string): void => {
    const byKind = metrics.singleMetric();
    byKind.addDimension('kind', kind);
    byKind.addMetric(FINANCIAL_ALERTS_METRIC, MetricUnit.Count, 1);
    const total = metrics.singleMetric();
    total.clearDefaultDimensions();
    total.addDimensions({});
    total.addMetric(FINANCIAL_ALERTS_METRIC, MetricUnit.Count, 1);
  };

  /** Logs and counts one record; returns it when it must page on its own. */
  const handleRecord = (record: SQSRecord): CriticalRecord | undefined => {
    try {
      const alert = parseFinancialAlert(record.body);
      const line = { financialAlert: alert, messageId: record.messageId };
      if (alert.severity === 'critical') logger.error('Financial alert', line);
      else logger.warn('Financial alert', line);
      countAlert(alert.kind);
      return alert.severity === 'critical' ? { ...alert, messageId: record.messageId } : undefined;
    } catch (error) {
      if (!(error instanceof MalformedAlertError)) throw error;
      const malformed = { kind: MALFORMED_ALERT_KIND, severity: 'critical', message: error.message } as const;
      logger.error('Malformed financial alert', {
        financialAlert: malformed,
        messageId: record.messageId,
        bodyLength: record.body.length,
      });
      countAlert(MALFORMED_ALERT_KIND);
      return { ...malformed, occurredAt: clock.now().toISOString(), messageId: record.messageId };
    }
  };

  const consume = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const critical = event.Records.map(handleRecord).filter((alert) => alert !== undefined);
    const failed: string[] = [];
    for (const { page, alerts } of groupIntoPages(critical)) {
      try {
        await onCall.notify(page);
      } catch (error) {
        logger.error('On-call notification failed: its alerts go back to the queue', {
          kind: page.kind,
          districtId: page.districtId,
          count: page.count,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        failed.push(...alerts.map((alert) => alert.messageId));
      }
    }
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };

  return middy<SQSEvent, SQSBatchResponse>().use(observabilityMiddlewares(observability)).handler(consume);
}
