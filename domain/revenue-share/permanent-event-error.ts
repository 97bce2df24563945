/**
 * An event that can never succeed as it is (no district, bad amount, currency mismatch, missing fields).
 * It is marked FAILED with this message and an alert, and its queue message is acknowledged; re-sync replays it
 * once the cause is fixed. Anything else thrown while processing an event is treated as transient and retried.
 */
export class PermanentEventError extends Error {
  constructor(
    message: string,
    readonly details: { districtId?: string; invoiceId?: string } = {},
  ) {
    super(message);
    this.name = 'PermanentEventError';
  }
}
