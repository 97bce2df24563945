/**
 * Stripe keeps an idempotency key for at least 24 hours. A request first sent less than this long ago is surely
 * answered from its key on a retry (the same object back, nothing made again); sent earlier, the key may be gone and
 * the retry would make the money movement a second time: what it made is looked up first.
 */
export const IDEMPOTENCY_KEY_SURELY_KEPT_MS = 23 * 60 * 60 * 1000;

/** Whether a key first sent at `sentAt` (ISO time) may be gone by `now` (an unreadable or future time: it may). */
export function idempotencyKeyMayBeGone(sentAt: string, now: Date): boolean {
  const age = now.getTime() - Date.parse(sentAt);
  return !(age >= 0 && age < IDEMPOTENCY_KEY_SURELY_KEPT_MS);
}
