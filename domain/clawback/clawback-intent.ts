/**
 * A clawback request to Stripe, written on the ledger row (conditional on its version) before it is sent. Only one
 * worker can write it; a retry after a crash finds it and sends the same key and amount, so a reversal or a
 * re-payment happens once however often and however concurrently the money events arrive.
 */
export interface ClawbackIntent {
  action: 'reverse' | 'repay';
  partIndex: number;
  amountCents: number;
  idempotencyKey: string;
  /** reverse: the transfer to reverse. */
  transferId?: string;
  /** repay: the charge that funds it (source_transaction); unset: the platform balance pays it. */
  sourceChargeId?: string;
  chargeId?: string;
  causeEventId?: string;
  disputeId?: string;
  disputeStep?: string;
  at: string;
}
