import type { FinancialAlert } from '../model.js';
import type { AlertInput } from '../ports.js';

/** A FinancialAlert stamped with the time it was raised; critical unless the caller says otherwise. */
export const buildAlert = (input: AlertInput, now: Date): FinancialAlert => ({
  ...input,
  severity: input.severity ?? 'critical',
  occurredAt: now.toISOString(),
});
