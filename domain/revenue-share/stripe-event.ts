import { PermanentEventError } from './permanent-event-error.js';

/** The parts of a stored Stripe event the workers read. `object` is checked field by field where it is used. */
export interface StoredEvent {
  id: string;
  type: string;
  object: Record<string, unknown>;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses the raw event kept on the audit row; a missing or unreadable event is a permanent failure. */
export function parseStoredEvent(stripeEventId: string, rawEvent: string | undefined): StoredEvent {
  if (rawEvent === undefined || rawEvent === '') {
    throw new PermanentEventError(`audit row of ${stripeEventId} holds no raw event`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawEvent);
  } catch {
    throw new PermanentEventError(`raw event of ${stripeEventId} is not valid JSON`);
  }
  if (!isRecord(parsed) || parsed.id !== stripeEventId || typeof parsed.type !== 'string') {
    throw new PermanentEventError(`raw event of ${stripeEventId} is not a Stripe event with that id`);
  }
  const data = parsed.data;
  if (!isRecord(data) || !isRecord(data.object)) {
    throw new PermanentEventError(`raw event of ${stripeEventId} has no data.object`);
  }
  return { id: parsed.id, type: parsed.type, object: data.object };
}

/** A non-empty string at `object[key]`, else undefined. */
export function stringField(object: Record<string, unknown>, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
