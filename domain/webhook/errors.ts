/** Failures of the webhook path that must not be acknowledged to Stripe (the edge maps them to 503). */

/** The event could not be recorded in the audit log, so it was not claimed. */
export class AuditLogUnavailableError extends Error {
  override readonly name = 'AuditLogUnavailableError';
}

/** The event was claimed but could not be put on its queue; its row is FAILED when `markedFailed`. */
export class EventEnqueueFailedError extends Error {
  override readonly name = 'EventEnqueueFailedError';
  constructor(
    message: string,
    readonly markedFailed: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
