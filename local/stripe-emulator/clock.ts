/** The emulator's clock: wall time plus whatever a test advanced it by (pending funds, idempotency key expiry). */
export class Clock {
  private offset = 0;

  /** Unix seconds, emulator time. */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.offset;
  }

  /** Moves emulator time forward by `seconds` (>= 0) and returns the new time. */
  advance(seconds: number): number {
    this.offset += Math.max(0, Math.floor(seconds));
    return this.now();
  }

  reset(): void {
    this.offset = 0;
  }
}

export const DAY = 86_400;
