/**
 * invoice.paid for an invoice paid (wholly or partly) by a legacy charge without a payment intent: Stripe cannot
 * trace a refund or dispute of that charge to the row (only the ledger's pointer for the charge does, and reconcile
 * does not check those clawbacks), so the row is never paid automatically, whatever the district's opt-ins; it waits for a person with a reason naming the charge.
 */
import { describe, expect, it } from 'vitest';
import type { District, FinancialAlert, SourceCharge, TransferMessage } from '../../domain/model.js';
import { processInvoicePaid } from '../../domain/revenue-share/process-invoice-paid.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import {
  MemoryAuditLog,
  MemoryDistricts,
  MemoryLedger,
  MemoryPaymentProvider,
  MemoryQueue,
  steppingClock,
} from './support/in-memory-payouts.js';

/** A district that transfers automatically and opted in to paying out-of-band money automatically too. */
const district: District = {
  districtId: 'district-legacy',
  stripeAccountId: 'acct_legacy',
  shareBps: 1_500,
  currency: 'usd',
  autoTransfer: true,
  autoPayOutOfBand: true,
  stripeCustomerIds: [],
  createdAt: '2026-04-01T00:00:00Z',
  updatedAt: '2026-04-01T00:00:00Z',
};

/** invoice.paid of `in_1` for `amountPaid`, paid by `charges`; what it wrote, queued and alerted. */
async function invoicePaid(amountPaid: number, charges: SourceCharge[]) {
  const ledger = new MemoryLedger();
  const payments = new MemoryPaymentProvider();
  const transferQueue = new MemoryQueue<TransferMessage>();
  const raised: FinancialAlert[] = [];
  payments.invoiceCharges.set('in_1', charges);
  const result = await processInvoicePaid(
    {
      id: 'evt_1',
      type: 'invoice.paid',
      object: { id: 'in_1', amount_paid: amountPaid, currency: 'usd', metadata: { districtId: district.districtId } },
    },
    {
      auditLog: new MemoryAuditLog(),
      ledger,
      districts: new MemoryDistricts([district]),
      transferQueue,
      invoicePayments: payments,
      alerts: {
        raise: async (alert) => {
          raised.push(alert);
        },
      },
      clock: steppingClock(),
    },
  );
  return { result, row: await ledger.get(deriveRevenueShareId('in_1')), queued: transferQueue.messages, raised };
}

describe('invoice.paid with a charge made without a payment intent', () => {
  it('writes the row NEEDS_REVIEW with a reason naming the charge, queues no transfer and alerts, despite the opt-ins', async () => {
    // Act
    const { result, row, queued, raised } = await invoicePaid(10_000, [
      { chargeId: 'ch_legacy', amountCents: 10_000, withoutPaymentIntent: true },
    ]);

    // Assess
    const reason =
      'charge_without_payment_intent: charge ch_legacy (10000 usd) was made without a payment intent, so Stripe ' +
      'leads from it to no invoice: a refund or dispute of it is clawed back through the ledger alone (its charge ' +
      'pointer), which reconcile does not check';
    expect(result).toMatchObject({ payoutStatus: 'NEEDS_REVIEW', transferQueued: false });
    expect(row).toMatchObject({
      payoutStatus: 'NEEDS_REVIEW',
      transferAttempt: 0,
      shareCents: 1_500,
      collectedCents: 10_000,
      sourceCharges: [{ chargeId: 'ch_legacy', amountCents: 10_000, withoutPaymentIntent: true }],
      reviewReason: reason,
    });
    expect(row?.transferParts).toBeUndefined();
    expect(queued).toEqual([]);
    expect(raised).toEqual([
      expect.objectContaining({ kind: 'PAYOUT_NEEDS_REVIEW', message: expect.stringContaining(reason) }),
    ]);
  });

  it('names only the charges without an intent, and the out-of-band rest, when the invoice was paid several ways', async () => {
    // Act: 5,000 through a payment intent, 3,000 through a legacy charge, 2,000 outside Stripe
    const { row, queued } = await invoicePaid(10_000, [
      { chargeId: 'ch_intent', amountCents: 5_000 },
      { chargeId: 'ch_legacy', amountCents: 3_000, withoutPaymentIntent: true },
    ]);

    // Assess
    expect(row).toMatchObject({ payoutStatus: 'NEEDS_REVIEW', transferAttempt: 0, collectedCents: 8_000 });
    expect(row?.reviewReason).toBe(
      'charge_without_payment_intent: charge ch_legacy (3000 usd) was made without a payment intent, so Stripe ' +
        'leads from it to no invoice: a refund or dispute of it is clawed back through the ledger alone (its charge ' +
        'pointer), which reconcile does not check; 2000 of 10000 usd was paid outside Stripe',
    );
    expect(queued).toEqual([]);
  });

  it('still pays a share of 0 nothing (NO_PAYOUT): there is nothing to claw back', async () => {
    // Act: 15% of 6 cents is 0
    const { row } = await invoicePaid(6, [{ chargeId: 'ch_legacy', amountCents: 6, withoutPaymentIntent: true }]);

    // Assess
    expect(row).toMatchObject({ payoutStatus: 'NO_PAYOUT', shareCents: 0 });
    expect(row?.reviewReason).toBeUndefined();
  });
});
