/**
 * An approval or a retry whose transfer the queue refuses, on in-memory ports: an approved row goes back to
 * NEEDS_REVIEW so the approval can be made again; when even that write fails, the 503 names the command that moves
 * the row on, and it does. A refused retry leaves the row retryable, and the retry after it is not lost.
 */
import { describe, expect, it } from 'vitest';
import type { District, FinancialAlert, MarkPaidMessage, RevenueShare, TransferMessage } from '../../domain/model.js';
import { executeTransfer } from '../../domain/payouts/execute-transfer.js';
import { retryPayout } from '../../domain/platform/retry-payout.js';
import { approvePayout } from '../../domain/platform/review-payout.js';
import type { Clock, LedgerUpdate, MessageQueue, SendOptions } from '../../domain/ports.js';
import { MemoryDistricts, MemoryLedger, MemoryPaymentProvider, MemoryQueue } from './support/in-memory-payouts.js';

const IN_FLIGHT_SECONDS = 900;
const created = '2026-04-01T00:00:00.000Z';

const district: District = {
  districtId: 'district-review',
  stripeAccountId: 'acct_review',
  shareBps: 1_500,
  currency: 'usd',
  autoTransfer: true,
  stripeCustomerIds: [],
  createdAt: created,
  updatedAt: created,
};

/** 200.00 paid outside Stripe: the row waits for a person. */
const waitingRow = (): RevenueShare => ({
  revenueShareId: 'rs_review_queue',
  districtId: district.districtId,
  invoiceId: 'in_review_queue',
  stripeEventId: 'evt_review_queue',
  amountCents: 20_000,
  currency: 'usd',
  shareBps: 1_500,
  shareCents: 3_000,
  payoutStatus: 'NEEDS_REVIEW',
  destinationAccountId: district.stripeAccountId,
  version: 1,
  transferAttempt: 0,
  collectedCents: 0,
  sourceCharges: [],
  reviewReason: 'out_of_band: all 20000 usd was paid outside Stripe (no charge)',
  createdAt: created,
  updatedAt: created,
});

function payouts() {
  let now = Date.parse('2026-04-02T09:00:00.000Z');
  const clock: Clock = { now: () => new Date(now) };
  const ledger = new MemoryLedger();
  const transferQueue = new MemoryQueue<TransferMessage>();
  const markPaidQueue = new MemoryQueue<MarkPaidMessage>();
  const payments = new MemoryPaymentProvider();
  const alerts: FinancialAlert[] = [];
  const transferWorker = (message: TransferMessage, workerLedger: MemoryLedger = ledger) =>
    executeTransfer(message, {
      ledger: workerLedger,
      debts: workerLedger,
      districts: new MemoryDistricts([district]),
      payments,
      markPaidQueue,
      alerts: { raise: async (alert) => void alerts.push(alert) },
      clock,
    });
  /** Delivers every queued transfer message to the transfer worker, as SQS would. */
  const runTransfers = async () => {
    for (let entry = transferQueue.messages.shift(); entry; entry = transferQueue.messages.shift()) {
      await transferWorker(entry.message);
    }
  };
  return {
    ledger,
    transferQueue,
    payments,
    clock,
    alerts,
    transferWorker,
    runTransfers,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

type Payouts = ReturnType<typeof payouts>;

const approval = { revenueShareId: 'rs_review_queue', by: 'jane@example.org', reason: 'cheque 1042 cleared' };

const approve = (p: Payouts, transferQueue: MessageQueue<TransferMessage> = p.transferQueue, ledger = p.ledger) =>
  approvePayout(approval, { ledger, transferQueue, clock: p.clock, attemptInFlightSeconds: IN_FLIGHT_SECONDS });

const retry = (p: Payouts, transferQueue: MessageQueue<TransferMessage> = p.transferQueue) =>
  retryPayout(approval.revenueShareId, {
    ledger: p.ledger,
    transferQueue,
    clock: p.clock,
    attemptInFlightSeconds: IN_FLIGHT_SECONDS,
  });

const queueDown: MessageQueue<TransferMessage> = {
  send: async () => {
    throw new Error('transfer queue unavailable');
  },
};

/** A send that reaches the queue but whose answer is lost: the caller sees an error, the message is queued. */
const answerLost = (queue: MessageQueue<TransferMessage>): MessageQueue<TransferMessage> => ({
  send: async (message: TransferMessage, options: SendOptions) => {
    await queue.send(message, options);
    throw new Error('socket hang up');
  },
});

/** The ledger, except that putting an approved row back to NEEDS_REVIEW fails. */
function ledgerThatCannotPutBack(ledger: MemoryLedger): MemoryLedger {
  return Object.assign(Object.create(ledger) as MemoryLedger, {
    update: async (update: LedgerUpdate) => {
      if (update.changes.payoutStatus === 'NEEDS_REVIEW') throw new Error('ledger write timed out');
      return await ledger.update(update);
    },
  });
}

describe('approving a row whose transfer cannot be queued', () => {
  it('puts the row back up for review (503), and approving again pays it once', async () => {
    // Prepare
    const p = payouts();
    await p.ledger.create(waitingRow());

    // Act
    const refused = approve(p, queueDown);
    await expect(refused).rejects.toMatchObject({ name: 'TemporarilyUnavailableError' });
    const putBack = await p.ledger.get(approval.revenueShareId);
    const approved = await approve(p);
    await p.runTransfers();

    // Assess
    await expect(refused).rejects.toThrow(
      'the transfer of revenue share rs_review_queue could not be queued, so it is not approved: it is NEEDS_REVIEW ' +
        'as before, with no decision; approve it again (`payouts approve`)',
    );
    expect(putBack).toEqual({ ...waitingRow(), version: 3, transferAttempt: 1 });
    expect(approved).toMatchObject({ payoutStatus: 'PENDING', transferAttempt: 2 });
    expect(p.payments.transfers).toEqual([expect.objectContaining({ amountCents: 3_000 })]);
  });

  it('pays once when the refused send had reached the queue after all', async () => {
    // Prepare: the first message is queued, its answer lost; the worker gets it while the row waits for review
    const p = payouts();
    await p.ledger.create(waitingRow());
    await expect(approve(p, answerLost(p.transferQueue))).rejects.toThrow('approve it again');
    await p.runTransfers();

    // Act
    await approve(p);
    await p.runTransfers();

    // Assess: the second approval's message is not dropped as a duplicate of the first
    expect(p.payments.transfers).toEqual([expect.objectContaining({ amountCents: 3_000 })]);
    expect(await p.ledger.get(approval.revenueShareId)).toMatchObject({ payoutStatus: 'PENDING' });
  });

  it('alerts when the approval is undone while its transfer was being made, and approving again records that transfer', async () => {
    // Prepare: the send reaches the queue; before its (lost) answer comes back and the approval is undone, a worker
    // takes the message, makes the transfer and dies before recording it
    const p = payouts();
    await p.ledger.create(waitingRow());
    const racing: MessageQueue<TransferMessage> = {
      send: async (message, options) => {
        await p.transferQueue.send(message, options);
        const dying = Object.assign(Object.create(p.ledger) as MemoryLedger, {
          recordTransfer: async () => {
            throw new Error('worker timed out');
          },
        });
        await expect(p.transferWorker(message, dying)).rejects.toThrow('worker timed out');
        throw new Error('socket hang up');
      },
    };
    await expect(approve(p, racing)).rejects.toThrow('approve it again');

    // Act: the message is delivered again, to a row back up for review; then a person approves it again
    await p.runTransfers();
    const alerted = p.alerts.map((a) => [a.kind, a.message]);
    await approve(p);
    await p.runTransfers();

    // Assess: on-call is told at once that money went to the district for a row waiting for review (before: the
    // worker skipped it in silence, and closing the row, which the 503 allows, left the transfer unrecorded)
    const [made] = p.payments.transfers;
    expect(p.payments.transfers).toHaveLength(1);
    expect(alerted).toEqual([['TRANSFER_MISMATCH', expect.stringContaining(made?.id ?? 'no transfer')]]);
    expect(await p.ledger.get(approval.revenueShareId)).toMatchObject({
      payoutStatus: 'PENDING',
      stripeTransferId: made?.id,
    });
  });

  it('says when the row cannot be put back, and `payouts retry` after the time it names pays it once', async () => {
    // Prepare
    const p = payouts();
    await p.ledger.create(waitingRow());
    const approvedAt = p.clock.now();
    const retryAt = new Date(approvedAt.getTime() + IN_FLIGHT_SECONDS * 1000).toISOString();

    // Act
    const refused = approve(p, queueDown, ledgerThatCannotPutBack(p.ledger));
    await expect(refused).rejects.toMatchObject({ name: 'TemporarilyUnavailableError' });
    const left = await p.ledger.get(approval.revenueShareId);
    const tooSoon = retry(p);
    await expect(tooSoon).rejects.toMatchObject({ name: 'ConflictError' });
    p.advance(IN_FLIGHT_SECONDS);
    const retried = await retry(p);
    await p.runTransfers();

    // Assess
    await expect(refused).rejects.toThrow(
      'revenue share rs_review_queue is approved (PENDING, attempt 1) but its transfer could not be queued, nor the ' +
        `approval undone: nothing will transfer it until \`payouts retry rs_review_queue\` after ${retryAt} ` +
        '(refused before then)',
    );
    expect(left).toMatchObject({ payoutStatus: 'PENDING', transferAttempt: 1, decision: { action: 'approve' } });
    await expect(tooSoon).rejects.toThrow(`retry after ${retryAt}`);
    expect(retried).toEqual({ revenueShareId: approval.revenueShareId, transferAttempt: 2 });
    expect(p.payments.transfers).toEqual([expect.objectContaining({ amountCents: 3_000 })]);
  });
});

/** A row whose transfer from the platform balance failed: a retry starts attempt 2. */
const failedRow = (): RevenueShare => ({
  ...waitingRow(),
  payoutStatus: 'TRANSFER_FAILED',
  transferAttempt: 1,
  transferParts: [{ index: 0, amountCents: 3_000 }],
  decision: { action: 'approve', by: 'jane@example.org', reason: 'cheque 1042 cleared', at: created },
  lastError: 'balance_insufficient: the platform balance is too low',
});

describe('retrying a row whose transfer cannot be queued', () => {
  it('leaves the row retryable at once (503), and the retry then pays it once', async () => {
    // Prepare
    const p = payouts();
    await p.ledger.create(failedRow());

    // Act
    await expect(retry(p, queueDown)).rejects.toThrow('could not be queued: nothing changed; retry');
    const retried = await retry(p);
    await p.runTransfers();

    // Assess
    expect(retried.transferAttempt).toBeGreaterThan(1);
    expect(p.payments.transfers).toEqual([expect.objectContaining({ amountCents: 3_000 })]);
    expect(await p.ledger.get(approval.revenueShareId)).toMatchObject({ payoutStatus: 'PENDING' });
  });

  it('pays once when the refused send had reached the queue after all, and the retry after it is not lost', async () => {
    // Prepare: the first retry's message is queued, its answer lost; the worker gets that message before the
    // operator retries again, as the 503 told them to
    const p = payouts();
    await p.ledger.create(failedRow());
    await expect(retry(p, answerLost(p.transferQueue))).rejects.toThrow('nothing changed; retry');
    await p.runTransfers();

    // Act
    const again = await retry(p).catch((error: unknown) => error);
    await p.runTransfers();

    // Assess: one transfer, recorded. Before, the put-back restored attempt 1, so the worker skipped the lost
    // answer's message (attempt 2) as stale, and the next retry's message (attempt 2 again) had its deduplication id
    // and was dropped: the row stayed PENDING with nothing queued and nothing transferred
    expect(p.payments.transfers).toEqual([expect.objectContaining({ amountCents: 3_000 })]);
    expect(await p.ledger.get(approval.revenueShareId)).toMatchObject({
      payoutStatus: 'PENDING',
      stripeTransferId: p.payments.transfers[0]?.id,
    });
    expect(again).toMatchObject({ name: 'ConflictError', message: expect.stringContaining('already transferred') });
  });
});
