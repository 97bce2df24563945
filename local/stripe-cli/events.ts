/**
 * `events`: the emulator's recent events with their delivery status, as the Dashboard's event list shows it:
 * `pending_webhooks` (endpoints that have not had the event successfully) and the attempts made.
 */
import type Stripe from 'stripe';
import type { DeliveryAttempt } from '../stripe-emulator/index.js';
import { deliveryAttempts, type EmulatorConnection } from './emulator.js';

/**
 * delivered: every subscribed endpoint answered 2xx. not_sent: no endpoint is subscribed to the type (nothing was
 * attempted). failing: attempts failed and an endpoint still lacks it. pending: not attempted yet.
 */
export type DeliveryStatus = 'delivered' | 'not_sent' | 'failing' | 'pending';

export interface EventDelivery {
  id: string;
  type: string;
  created: string;
  /** The object the event is about (in_..., ch_..., du_...). */
  objectId: string | undefined;
  pendingWebhooks: number;
  delivery: DeliveryStatus;
  attempts: number;
  /** The HTTP status of the newest attempt: null when it got no answer (a timeout, a refused connection). */
  lastStatus: number | null | undefined;
}

export function deliveryOf(event: Stripe.Event, attempts: readonly DeliveryAttempt[]): EventDelivery {
  const mine = attempts.filter((attempt) => attempt.eventId === event.id);
  const last = mine.at(-1);
  const delivery: DeliveryStatus =
    event.pending_webhooks === 0
      ? mine.some((attempt) => attempt.ok)
        ? 'delivered'
        : 'not_sent'
      : mine.length > 0
        ? 'failing'
        : 'pending';
  const object = event.data.object as { id?: unknown };
  return {
    id: event.id,
    type: event.type,
    created: new Date(event.created * 1000).toISOString(),
    objectId: typeof object.id === 'string' ? object.id : undefined,
    pendingWebhooks: event.pending_webhooks,
    delivery,
    attempts: mine.length,
    lastStatus: last?.status,
  };
}

export async function recentEvents(
  emulator: EmulatorConnection,
  options: { limit: number; failedOnly?: boolean; endingBefore?: string },
): Promise<EventDelivery[]> {
  const { data } = await emulator.stripe.events.list({
    limit: options.limit,
    ...(options.failedOnly ? { delivery_success: false } : {}),
    ...(options.endingBefore ? { ending_before: options.endingBefore } : {}),
  });
  const attempts = await deliveryAttempts(emulator);
  return data.map((event) => deliveryOf(event, attempts));
}

/** A fixed-width table of events for the terminal. */
export function formatEvents(events: readonly EventDelivery[]): string {
  if (events.length === 0) return 'No events.';
  const rows = [
    ['EVENT', 'TYPE', 'OBJECT', 'CREATED', 'PENDING_WEBHOOKS', 'DELIVERY', 'ATTEMPTS', 'LAST'],
    ...events.map((e) => [
      e.id,
      e.type,
      e.objectId ?? '',
      e.created,
      String(e.pendingWebhooks),
      e.delivery,
      String(e.attempts),
      e.lastStatus === undefined ? '' : e.lastStatus === null ? 'no answer' : String(e.lastStatus),
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
