import { ALERT_KINDS, type AlertKind, type FinancialAlert } from '../../domain/model.js';

export class MalformedAlertError extends Error {
  override readonly name = 'MalformedAlertError';
}

const OPTIONAL_IDS = ['stripeEventId', 'districtId', 'invoiceId', 'revenueShareId'] as const;

/** A FinancialAlert from a queue message body, or MalformedAlertError. */
export function parseFinancialAlert(body: string): FinancialAlert {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new MalformedAlertError('Alert message is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new MalformedAlertError('Alert message is not an object');
  const fields = parsed as Record<string, unknown>;
  const { kind, severity, message, occurredAt } = fields;
  if (!ALERT_KINDS.includes(kind as AlertKind)) throw new MalformedAlertError('Alert has an unknown kind');
  if (severity !== 'critical' && severity !== 'warning') throw new MalformedAlertError('Alert has no severity');
  if (typeof message !== 'string' || typeof occurredAt !== 'string') {
    throw new MalformedAlertError('Alert has no message or time');
  }
  const alert: FinancialAlert = { kind: kind as AlertKind, severity, message, occurredAt };
  for (const id of OPTIONAL_IDS) {
    const value = fields[id];
    if (typeof value === 'string') alert[id] = value;
  }
  return alert;
}
