/**
 * A transfer worker that dies between `transfers.create` and recording the transfer: its ledger's recordTransfer
 * throws just before the real write, or just after it (the write is done; the worker never learns it). The
 * record fails, and its event source makes the message visible again, as SQS redelivers after a crash.
 */
import type { LedgerStore } from '../../../domain/ports.js';
import type { Random } from './random.js';

export class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';
}

export type DeathPoint = 'before_record' | 'after_record';

export interface WorkerDeaths {
  /** Deaths so far, by where they happened. */
  readonly at: Record<DeathPoint, number>;
  /** Deaths per ledger row. */
  readonly perRow: Map<string, number>;
  /** Wraps the transfer worker's ledger. */
  ledger(ledger: LedgerStore): LedgerStore;
}

/**
 * Each row's first recordTransfer dies; later ones die with `laterDeathRate`, up to `maxDeathsPerRow` (below the
 * queue's maxReceiveCount, or the message would go to the DLQ instead of being retried).
 */
export function workerDeaths(options: {
  random: Random;
  laterDeathRate: number;
  maxDeathsPerRow: number;
}): WorkerDeaths {
  const at: Record<DeathPoint, number> = { before_record: 0, after_record: 0 };
  const perRow = new Map<string, number>();
  const die = (point: DeathPoint, revenueShareId: string): never => {
    at[point]++;
    throw new WorkerDiedError(`the worker died ${point.replace('_', ' ')} of ${revenueShareId}`);
  };
  return {
    at,
    perRow,
    ledger: (ledger) => ({
      create: (row) => ledger.create(row),
      get: (id) => ledger.get(id),
      update: (update) => ledger.update(update),
      findByTransferId: (id) => ledger.findByTransferId(id),
      findByChargeId: (id) => ledger.findByChargeId(id),
      list: (query) => ledger.list(query),
      recordTransfer: async (request) => {
        const deaths = perRow.get(request.revenueShareId) ?? 0;
        const dies =
          deaths === 0 || (deaths < options.maxDeathsPerRow && options.random.next() < options.laterDeathRate);
        if (!dies) return await ledger.recordTransfer(request);
        perRow.set(request.revenueShareId, deaths + 1);
        if (options.random.next() < 0.5) return die('before_record', request.revenueShareId);
        await ledger.recordTransfer(request);
        return die('after_record', request.revenueShareId);
      },
    }),
  };
}
