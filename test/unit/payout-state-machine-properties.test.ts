import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type District,
  type MarkPaidMessage,
  PAYOUT_STATUSES,
  type PayoutStatus,
  type TransferMessage,
} from '../../domain/model.js';
import { executeTransfer } from '../../domain/payouts/execute-transfer.js';
import { assertTransition, canTransition, InvalidPayoutTransitionError } from '../../domain/payouts/transitions.js';
import { verifyAndMarkPaid } from '../../domain/payouts/verify-and-mark-paid.js';
import { retryPayout } from '../../domain/platform/retry-payout.js';
import type { LedgerStore } from '../../domain/ports.js';
import { processInvoicePaid } from '../../domain/revenue-share/process-invoice-paid.js';
import { processTransferReversed } from '../../domain/revenue-share/process-transfer-reversed.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import {
  MemoryAuditLog,
  MemoryDistricts,
  MemoryLedger,
  MemoryPaymentProvider,
  MemoryQueue,
  type ProviderFault,
  steppingClock,
} from './support/in-memory-payouts.js';

describe('payout state machine: random walks over the transitions', () => {
  it('never leaves PAID except to (PARTIALLY_)REVERSED, REVERSED only for PAID or PARTIALLY_REVERSED, and never leaves NO_PAYOUT or CLOSED', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<PayoutStatus>('PENDING', 'NO_PAYOUT', 'NEEDS_REVIEW'),
        fc.array(fc.constantFrom(...PAYOUT_STATUSES), { maxLength: 50 }),
        (start, targets) => {
          // Prepare
          let status = start;
          for (const target of targets) {
            const before = status;
            // Act: a use case asks for the transition; the state machine allows it or throws
            try {
              assertTransition(status, target);
              status = target;
            } catch (error) {
              expect(error).toBeInstanceOf(InvalidPayoutTransitionError);
            }
            // Assess
            if (before === 'PAID') expect(['PAID', 'REVERSED', 'PARTIALLY_REVERSED']).toContain(status);
            if (before === 'REVERSED') expect(['REVERSED', 'PARTIALLY_REVERSED', 'PAID']).toContain(status);
            if (before === 'NO_PAYOUT' || before === 'CLOSED') expect(status).toBe(before);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

/**
 * Model-based: random sequences of the payout use cases, on in-memory ports, with the worker dying around
 * recordTransfer and the provider refusing, failing before or after doing the work. After every step: no transfer
 * without its ledger row, at most one transfer per row, a recorded transfer id names that row's transfer, a PAID
 * row's transfer matches it, and every status change is a transition of the state machine.
 */
const INVOICES = 2;

interface Payouts {
  district: District;
  ledger: MemoryLedger;
  payments: MemoryPaymentProvider;
  transferQueue: MemoryQueue<TransferMessage>;
  markPaidQueue: MemoryQueue<MarkPaidMessage>;
  auditLog: MemoryAuditLog;
  clock: ReturnType<typeof steppingClock>;
  /** Status of each row after the previous step. */
  lastStatus: Map<string, PayoutStatus>;
  deliveries: number;
}

const rowIdOf = (invoice: number) => deriveRevenueShareId(`in_${invoice}`);
const alerts = { raise: async () => {} };

type Command = fc.AsyncCommand<object, Payouts>;

const command = (name: string, run: (p: Payouts) => Promise<void>): Command => ({
  check: () => true,
  run: async (_model, p) => {
    await run(p);
    await assertInvariants(p);
  },
  toString: () => name,
});

/** Failures a real run retries (transient) or reports (conflicts) are outcomes here, not test failures. */
async function tolerated(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const name = (error as Error).name;
    const expected = [
      'WorkerDiedError',
      'PaymentProviderError',
      'ConflictError',
      'NotFoundError',
      'PermanentEventError',
      // mark-paid of a transfer reversed beyond what its row records (its transfer.reversed not recorded): retried.
      'UnrecordedReversalError',
    ];
    if (!expected.includes(name) && !/changed/.test((error as Error).message)) throw error;
  }
}

class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';
}

/** The ledger of a worker that dies just before, or just after, recording the transfer. */
function dyingLedger(ledger: MemoryLedger, when: 'before' | 'after'): LedgerStore {
  return Object.assign(Object.create(ledger) as MemoryLedger, {
    recordTransfer: async (request: Parameters<MemoryLedger['recordTransfer']>[0]) => {
      if (when === 'after') await ledger.recordTransfer(request);
      throw new WorkerDiedError(`died ${when} recording`);
    },
  });
}

const payInvoice = (invoice: number) =>
  command(`payInvoice(${invoice})`, async (p) => {
    const amountPaid = 1_000 * (invoice + 1) + 7;
    const event = {
      id: `evt_${++p.deliveries}`,
      type: 'invoice.paid',
      object: {
        id: `in_${invoice}`,
        amount_paid: amountPaid,
        currency: 'usd',
        metadata: { districtId: p.district.districtId },
      },
    };
    p.payments.invoiceCharges.set(`in_${invoice}`, [{ chargeId: `ch_${invoice}`, amountCents: amountPaid }]);
    await processInvoicePaid(event, {
      ...p,
      districts: new MemoryDistricts([p.district]),
      invoicePayments: p.payments,
      alerts,
    });
  });

const runTransfer = (invoice: number, death: 'none' | 'before' | 'after', fault: ProviderFault | 'none') =>
  command(`runTransfer(${invoice}, death=${death}, fault=${fault})`, async (p) => {
    const id = rowIdOf(invoice);
    const message = p.transferQueue.take((m) => m.revenueShareId === id);
    if (!message) return;
    if (fault !== 'none') p.payments.failNextCreate(fault);
    try {
      await executeTransfer(message, {
        ledger: death === 'none' ? p.ledger : dyingLedger(p.ledger, death),
        debts: p.ledger,
        districts: new MemoryDistricts([p.district]),
        payments: p.payments,
        markPaidQueue: p.markPaidQueue,
        alerts,
        clock: p.clock,
      });
    } catch (error) {
      // Not acknowledged: SQS delivers the message again.
      p.transferQueue.messages.push({ message, options: { groupId: id, deduplicationId: `${id}#redelivery` } });
      await tolerated(() => Promise.reject(error));
    } finally {
      p.payments.failNextCreate(undefined);
    }
  });

const markPaid = (invoice: number) =>
  command(`markPaid(${invoice})`, async (p) => {
    const id = rowIdOf(invoice);
    p.markPaidQueue.take((m) => m.revenueShareId === id);
    await tolerated(() =>
      verifyAndMarkPaid(
        { revenueShareId: id },
        {
          ledger: p.ledger,
          districts: new MemoryDistricts([p.district]),
          payments: p.payments,
          alerts,
          clock: p.clock,
        },
      ),
    );
  });

const retry = (invoice: number) =>
  command(`retryPayout(${invoice})`, async (p) => {
    // attemptInFlightSeconds 0: the harshest setting, a new attempt may start while the last one is unrecorded.
    await tolerated(() =>
      retryPayout(rowIdOf(invoice), {
        ledger: p.ledger,
        transferQueue: p.transferQueue,
        clock: p.clock,
        attemptInFlightSeconds: 0,
      }),
    );
  });

const reverse = (invoice: number) =>
  command(`reverse(${invoice})`, async (p) => {
    const transfer = p.payments.transfers.find((t) => t.metadata.revenueShareId === rowIdOf(invoice));
    if (!transfer) return;
    p.payments.reverse(transfer.id);
    const event = {
      id: `evt_${++p.deliveries}`,
      type: 'transfer.reversed',
      object: { id: transfer.id, amount: transfer.amountCents, amount_reversed: transfer.amountCents, currency: 'usd' },
    };
    await tolerated(() => processTransferReversed(event, { ...p, alerts }));
  });

async function assertInvariants(p: Payouts): Promise<void> {
  const rows = await p.ledger.list();
  const rowIds = new Set(rows.map((row) => row.revenueShareId));
  // No transfer without its row, and at most one transfer per row.
  for (const transfer of p.payments.transfers) expect(rowIds).toContain(transfer.metadata.revenueShareId);
  const perRow = new Map<string, number>();
  for (const transfer of p.payments.transfers) {
    const rowId = transfer.metadata.revenueShareId ?? '';
    perRow.set(rowId, (perRow.get(rowId) ?? 0) + 1);
  }
  for (const [rowId, count] of perRow) expect(count, `transfers for ${rowId}`).toBe(1);

  for (const row of rows) {
    const transfer = p.payments.transfers.find((t) => t.metadata.revenueShareId === row.revenueShareId);
    // A recorded transfer id is this row's transfer, and its guard names the row.
    if (row.stripeTransferId) {
      expect(row.stripeTransferId).toBe(transfer?.id);
      expect(p.ledger.guards.get(row.stripeTransferId)).toBe(row.revenueShareId);
    }
    // PAID only after the provider's transfer matched the row.
    if (row.payoutStatus === 'PAID') {
      expect(transfer).toMatchObject({ amountCents: row.shareCents, destinationAccountId: row.destinationAccountId });
    }
    // Every change of status is a transition of the state machine.
    const before = p.lastStatus.get(row.revenueShareId);
    if (before && before !== row.payoutStatus) {
      expect(canTransition(before, row.payoutStatus), `${before} -> ${row.payoutStatus}`).toBe(true);
    }
    p.lastStatus.set(row.revenueShareId, row.payoutStatus);
  }
}

describe('payout use cases: model-based random walks (fc.commands)', () => {
  it('never makes a transfer without a row, two transfers for a row, or an illegal status change', async () => {
    const invoice = fc.integer({ min: 0, max: INVOICES - 1 });
    const transferRun = fc
      .tuple(
        invoice,
        fc.constantFrom('none' as const, 'before' as const, 'after' as const),
        fc.constantFrom<ProviderFault | 'none'>('none', 'none', 'refuse', 'down_before', 'down_after'),
      )
      .map(([i, death, fault]) => runTransfer(i, death, fault));
    // Weighted by repetition: transfer runs and verifications are where money moves; reversals end a row's story.
    const commands = [
      invoice.map(payInvoice),
      transferRun,
      transferRun,
      transferRun,
      invoice.map(markPaid),
      invoice.map(markPaid),
      invoice.map(retry),
      invoice.map(reverse),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.boolean(),
        fc.commands(commands, { maxCommands: 40, size: 'max' }),
        async (shareBps, autoTransfer, steps) => {
          const now = new Date().toISOString();
          const payouts: Payouts = {
            district: {
              districtId: 'district-model',
              stripeAccountId: 'acct_model',
              shareBps,
              currency: 'usd',
              autoTransfer,
              stripeCustomerIds: [],
              createdAt: now,
              updatedAt: now,
            },
            ledger: new MemoryLedger(),
            payments: new MemoryPaymentProvider(),
            transferQueue: new MemoryQueue(),
            markPaidQueue: new MemoryQueue(),
            auditLog: new MemoryAuditLog(),
            clock: steppingClock(),
            lastStatus: new Map(),
            deliveries: 0,
          };
          await fc.asyncModelRun(() => ({ model: {}, real: payouts }), steps);
        },
      ),
      { numRuns: 300 },
    );
  });
});
