/** The envelope of a Stripe event, as far as the webhook needs it. No Stripe SDK here: plain JSON checks. */

/** A signature-verified Stripe event: its id and type, and the body exactly as Stripe sent it. */
export interface WebhookEvent {
  id: string;
  type: string;
  rawBody: string;
}

export class InvalidStripeEventError extends Error {
  override readonly name = 'InvalidStripeEventError';
}

const EVENT_ID = /^evt_[A-Za-z0-9_]{1,250}$/;
const EVENT_TYPE = /^[a-z0-9_.]{1,200}$/;

/** Accepts a body only when it is a JSON Stripe event: `object: 'event'`, an `evt_` id and a type. */
export function parseStripeEvent(rawBody: string): WebhookEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    throw new InvalidStripeEventError('Body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidStripeEventError('Body is not a Stripe event');
  }
  const { object, id, type } = parsed as Record<string, unknown>;
  if (object !== 'event' || typeof id !== 'string' || !EVENT_ID.test(id)) {
    throw new InvalidStripeEventError('Body is not a Stripe event');
  }
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) {
    throw new InvalidStripeEventError('Stripe event has no valid type');
  }
  return { id, type, rawBody };
}
