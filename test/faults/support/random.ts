/**
 * Seeded randomness for the fault scenarios, so a failing run can be repeated: each scenario prints its seed,
 * and `FAULTS_SEED=<seed> npm run test:faults` replays the same faults and delivery orders.
 */

export interface Random {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** A copy of `items` in random order. */
  shuffle<T>(items: readonly T[]): T[];
}

export function seededRandom(label: string): Random {
  const fromEnv = Number(process.env.FAULTS_SEED);
  const seed = Number.isSafeInteger(fromEnv) && process.env.FAULTS_SEED ? fromEnv : Math.floor(Math.random() * 2 ** 31);
  console.info(`[faults] ${label}: seed ${seed} (repeat with FAULTS_SEED=${seed})`);
  // mulberry32: small, fast, good enough to pick faults.
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    shuffle: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as (typeof copy)[number], copy[i] as (typeof copy)[number]];
      }
      return copy;
    },
  };
}

/** A number from the environment (a count a slow machine may lower), else the default. */
export function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}
