/**
 * The money side of transfers and reversals. Without `source_transaction` a transfer needs the platform's
 * *available* balance (else balance_insufficient); with `source_transaction: ch_...` it is funded by that charge
 * even while its funds are pending, in the charge's currency, and the transfers funded by one charge may not add up
 * to more than it. The destination account is credited (pending until the source charge's funds are available).
 * A reversal debits the destination account, and fails when its available balance cannot cover it.
 */
import type { Core } from './core.js';
import { balanceInsufficient, invalidState, resourceMissing } from './errors.js';
import { PLATFORM } from './money.js';
import type { TransferObject, TransferParams } from './objects.js';

export interface Funding {
  /** When the transferred funds become available (now, or the source charge's available_on). */
  availableOn: number;
}

export class TransferFunds {
  constructor(
    private readonly core: Core,
    private readonly transfers: () => Iterable<TransferObject>,
  ) {}

  /** Checks that the transfer can be funded; throws Stripe's error before anything changes. */
  check(params: TransferParams): Funding {
    const { ledger, clock, payments } = this.core;
    const now = clock.now();
    if (params.source_transaction === undefined) {
      if (params.amount > ledger.available(PLATFORM, params.currency)) throw balanceInsufficient();
      return { availableOn: now };
    }
    const charge = payments.charges.get(params.source_transaction);
    if (!charge) throw resourceMissing('charge', params.source_transaction, 'source_transaction', 400);
    if (charge.status !== 'succeeded' || typeof charge.balance_transaction !== 'string') {
      throw invalidState(
        `The source_transaction ${charge.id} has not succeeded, so it cannot fund a transfer.`,
        'source_transaction',
      );
    }
    if (charge.currency !== params.currency) {
      throw invalidState(
        `The currency of the transfer (${params.currency}) must be the same as the currency of the source_transaction ${charge.id} (${charge.currency}).`,
        'currency',
      );
    }
    let funded = 0;
    for (const t of this.transfers()) if (t.source_transaction === charge.id) funded += t.amount;
    const remaining = charge.amount - funded;
    if (params.amount > remaining) {
      throw invalidState(
        `The transfer amount (${params.amount}) exceeds what remains of source_transaction ${charge.id} (${remaining} of ${charge.amount} ${charge.currency}): the transfers funded by one charge cannot exceed it.`,
        'amount',
        'amount_too_large',
      );
    }
    const source = ledger.retrieve(charge.balance_transaction, PLATFORM);
    return { availableOn: Math.max(now, source?.available_on ?? now) };
  }

  /** Books a checked transfer: debits the platform, credits the destination. Sets its balance transaction. */
  book(transfer: TransferObject, funding: Funding): void {
    const { ledger } = this.core;
    const debit = ledger.record(PLATFORM, {
      amount: -transfer.amount,
      currency: transfer.currency,
      type: 'transfer',
      reportingCategory: 'transfer',
      source: transfer.id,
      availableOn: funding.availableOn,
    });
    ledger.record(transfer.destination, {
      amount: transfer.amount,
      currency: transfer.currency,
      type: 'payment',
      reportingCategory: 'charge',
      source: String(transfer.destination_payment),
      availableOn: funding.availableOn,
    });
    transfer.balance_transaction = debit.id;
  }

  /** Checks that the destination account can cover a reversal of `amount`; throws Stripe's error if not. */
  checkReversal(transfer: TransferObject, amount: number): void {
    const available = this.core.ledger.available(transfer.destination, transfer.currency);
    if (amount > available) {
      throw invalidState(
        `Insufficient funds in the destination account ${transfer.destination} to reverse ${amount} ${transfer.currency} of transfer ${transfer.id} (available: ${available}). A reversal succeeds only if the destination account has enough balance to cover it.`,
        'amount',
        'balance_insufficient',
      );
    }
  }

  /** Books a checked reversal: debits the destination, credits the platform. Returns the platform's transaction id. */
  bookReversal(transfer: TransferObject, reversalId: string, amount: number): string {
    const { ledger } = this.core;
    ledger.record(transfer.destination, {
      amount: -amount,
      currency: transfer.currency,
      type: 'payment_refund',
      reportingCategory: 'refund',
      source: reversalId,
    });
    return ledger.record(PLATFORM, {
      amount,
      currency: transfer.currency,
      type: 'transfer_refund',
      reportingCategory: 'transfer_reversal',
      source: reversalId,
    }).id;
  }
}
