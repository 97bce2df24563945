/**
 * An event that can never succeed as it is (no district, bad amount, currency mismatch, missing fields).
 * It is marked FAILED with this message and an alert, and its queue message is acknowledged; re-sync replays it
 * once the cause is fixed. Anything else thrown while processing an event is treated as transient and retried.
 * `alerted`: the cause already raised its own alert (e.g. REPAYMENT_REFUSED), so no EVENT_FAILED is raised too.
 */
export class PermanentEventError extends Error {
  readonly alerted: boolean;

  constructor(
    message: string,
    readonly details: { districtId?: string; invoiceId?: string } = {},
    options: { alerted?: boolean } = {},
  ) {
    super(message);
    this.name = 'PermanentEventError';
    this.alerted = options.alerted ?? false;
  }
}
