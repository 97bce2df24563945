import type { AlertInput, AlertSink, Clock } from '../ports.js';

/** Raises a financial alert stamped with the clock; severity defaults to critical (money could be wrong). */
export const raiseAlert = (alerts: AlertSink, clock: Clock, alert: AlertInput): Promise<void> =>
  alerts.raise({ ...alert, severity: alert.severity ?? 'critical', occurredAt: clock.now().toISOString() });
