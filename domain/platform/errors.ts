/**
 * What a platform request can fail with, independent of HTTP. The API edge maps each to a status code:
 * InvalidRequestError 400, NotFoundError 404, ConflictError 409.
 */

/** The request itself is wrong; `field` names the part of it (a body field, a query or path parameter). */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request is well formed but the record's current state forbids it (or another request changed it first). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** A dependency (a queue) refused the work; nothing is lost and the same request may be repeated. */
export class TemporarilyUnavailableError extends Error {
  override readonly name = 'TemporarilyUnavailableError';
}
