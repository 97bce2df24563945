/**
 * A replay is asynchronous: `replayed` means the event is back on the queue, claimed (RECEIVED). This watches
 * the replayed events leave RECEIVED and tells which of them the workers failed again.
 */
import { MAX_LIST_LIMIT, type PlatformClient, type WebhookEvent } from '../platform-client.js';

const POLL_INTERVAL_MS = 500;

export interface FollowUp {
  /** Left RECEIVED and are not FAILED: processed (or ignored). */
  done: string[];
  failedAgain: WebhookEvent[];
  /** Still RECEIVED when the wait ran out. */
  inFlight: string[];
}

export async function followReplays(
  client: PlatformClient,
  replayedIds: readonly string[],
  since: string,
  waitMs: number,
): Promise<FollowUp> {
  const replayed = new Set(replayedIds);
  const deadline = Date.now() + waitMs;
  let inFlight: string[];
  for (;;) {
    const received = await client.listWebhookEvents({ status: 'RECEIVED', since, limit: MAX_LIST_LIMIT });
    inFlight = received.map((event) => event.stripeEventId).filter((id) => replayed.has(id));
    if (inFlight.length === 0 || Date.now() + POLL_INTERVAL_MS > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  const failed = await client.listWebhookEvents({ status: 'FAILED', since, limit: MAX_LIST_LIMIT });
  const failedAgain = failed.filter((event) => replayed.has(event.stripeEventId));
  const notDone = new Set([...inFlight, ...failedAgain.map((event) => event.stripeEventId)]);
  return { done: replayedIds.filter((id) => !notDone.has(id)), failedAgain, inFlight };
}
