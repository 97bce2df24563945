/**
 * Parsing of the payout queues' message bodies. A body that is not the expected message is thrown as
 * InvalidQueueMessageError: the record fails, is retried, and lands in the DLQ (whose alarm pages) for a human.
 */
import type { MarkPaidMessage, ProcessEventMessage, TransferMessage } from '../../domain/model.js';

export class InvalidQueueMessageError extends Error {
  override readonly name = 'InvalidQueueMessageError';
}

function parseObject(body: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidQueueMessageError(`${what} body is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidQueueMessageError(`${what} body is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function nonEmptyString(object: Record<string, unknown>, field: string, what: string): string {
  const value = object[field];
  if (typeof value !== 'string' || value === '') throw new InvalidQueueMessageError(`${what} has no ${field}`);
  return value;
}

export function parseProcessEventMessage(body: string): ProcessEventMessage {
  const what = 'ProcessEventMessage';
  const object = parseObject(body, what);
  const message: ProcessEventMessage = {
    stripeEventId: nonEmptyString(object, 'stripeEventId', what),
    eventType: nonEmptyString(object, 'eventType', what),
  };
  if (object.rawEvent !== undefined) message.rawEvent = nonEmptyString(object, 'rawEvent', what);
  return message;
}

export function parseTransferMessage(body: string): TransferMessage {
  const what = 'TransferMessage';
  const object = parseObject(body, what);
  const attempt = object.transferAttempt;
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1) {
    throw new InvalidQueueMessageError(`${what} has no positive integer transferAttempt`);
  }
  return { revenueShareId: nonEmptyString(object, 'revenueShareId', what), transferAttempt: attempt };
}

export function parseMarkPaidMessage(body: string): MarkPaidMessage {
  const what = 'MarkPaidMessage';
  return { revenueShareId: nonEmptyString(parseObject(body, what), 'revenueShareId', what) };
}
