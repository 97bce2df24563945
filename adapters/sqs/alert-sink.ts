import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { FINANCIAL_ALERT_UNDELIVERED_MARKER } from '#contracts/observability.js';
import type { FinancialAlert } from '../../domain/model.js';
import type { AlertSink } from '../../domain/ports.js';

/** Logged when an alert could not even be sent; the stack's metric filters page on it. */
export const UNDELIVERED_ALERT_MARKER = FINANCIAL_ALERT_UNDELIVERED_MARKER;

/** Where the undelivered-alert line goes (the Powertools logger fits). */
export interface ErrorLog {
  error(message: string, attributes: Record<string, unknown>): void;
}

/**
 * Sends FinancialAlert JSON to the alerts queue (SQS only: alerting must work while DynamoDB is down).
 * If the queue is unreachable too, it logs one structured error line with the marker and the alert's
 * fields, and returns: raising an alert never throws past the caller's own failure handling.
 */
export class SqsAlertSink implements AlertSink {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly log: ErrorLog,
  ) {}

  async raise(alert: FinancialAlert): Promise<void> {
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(alert) }));
    } catch (error) {
      try {
        this.log.error(UNDELIVERED_ALERT_MARKER, {
          alertMarker: UNDELIVERED_ALERT_MARKER,
          financialAlert: alert,
          deliveryError: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      } catch {
        // The logger itself failed: write the line by hand, it is the last record of this alert.
        console.error(JSON.stringify({ message: UNDELIVERED_ALERT_MARKER, financialAlert: alert }));
      }
    }
  }
}
