/**
 * In-memory ports for model-based tests of the payout use cases: a ledger with the DynamoDB adapter's conditional
 * semantics (versions, the transfer-id guard), a payment provider with Stripe's idempotency keys and transfer
 * groups (and faults on demand), queues that keep what was sent, and a clock that moves forward on every read.
 */
import type { AuditRecord, District, RevenueShare } from '../../../domain/model.js';
import {
  type AuditLog,
  type Clock,
  type CreateLedgerRowOutcome,
  type DebtLedger,
  type DistrictStore,
  type InvoiceCharges,
  type InvoicePaymentReader,
  type LedgerStore,
  type LedgerUpdate,
  type LedgerUpdateOutcome,
  type MessageQueue,
  type PaymentProvider,
  PaymentProviderError,
  type ProviderTransfer,
  type RecordTransferOutcome,
  type RecordTransferRequest,
  type SendOptions,
  type TransferRequest,
} from '../../../domain/ports.js';

export class MemoryLedger implements LedgerStore, DebtLedger {
  readonly rows = new Map<string, RevenueShare>();
  /** transfer id -> the row that owns it (the guard items). */
  readonly guards = new Map<string, string>();
  /** charge id -> the rows it funded, for charges made without a payment intent (the pointer items). */
  readonly chargePointers = new Map<string, Set<string>>();

  async create(row: RevenueShare): Promise<CreateLedgerRowOutcome> {
    for (const charge of row.sourceCharges ?? []) {
      if (!charge.withoutPaymentIntent) continue;
      const rows = this.chargePointers.get(charge.chargeId) ?? new Set<string>();
      this.chargePointers.set(charge.chargeId, rows.add(row.revenueShareId));
    }
    const existing = this.rows.get(row.revenueShareId);
    if (existing && existing.districtId !== row.districtId) {
      return {
        created: false,
        invoiceTakenBy: { revenueShareId: existing.revenueShareId, districtId: existing.districtId },
      };
    }
    if (existing) return { created: false, existing: structuredClone(existing) };
    this.rows.set(row.revenueShareId, structuredClone(row));
    return { created: true, row: structuredClone(row) };
  }

  async get(revenueShareId: string): Promise<RevenueShare | undefined> {
    const row = this.rows.get(revenueShareId);
    return row ? structuredClone(row) : undefined;
  }

  async update({
    revenueShareId,
    expectedVersion,
    expectedStatus,
    changes,
  }: LedgerUpdate): Promise<LedgerUpdateOutcome> {
    const row = this.rows.get(revenueShareId);
    if (!row || row.version !== expectedVersion || (expectedStatus && row.payoutStatus !== expectedStatus)) {
      return { updated: false, ...(row ? { current: structuredClone(row) } : {}) };
    }
    const { lastError, transferParts, decision, destinationChanges, ...rest } = changes;
    Object.assign(row, rest, { version: row.version + 1 });
    if (lastError === null) delete row.lastError;
    else if (lastError !== undefined) row.lastError = lastError;
    if (transferParts === null) delete row.transferParts;
    else if (transferParts !== undefined) row.transferParts = transferParts;
    if (decision === null) delete row.decision;
    else if (decision !== undefined) row.decision = decision;
    if (destinationChanges === null) delete row.destinationChanges;
    else if (destinationChanges !== undefined) row.destinationChanges = destinationChanges;
    return { updated: true, row: structuredClone(row) };
  }

  async recordTransfer(request: RecordTransferRequest): Promise<RecordTransferOutcome> {
    const row = this.rows.get(request.revenueShareId);
    const owner = this.guards.get(request.stripeTransferId);
    if (owner !== undefined && owner !== request.revenueShareId) {
      return { recorded: false, reason: 'transfer_id_taken', ownerRevenueShareId: owner };
    }
    const part = row?.transferParts?.[request.partIndex];
    if (!row || !part || row.version !== request.expectedVersion || part.stripeTransferId || owner) {
      return { recorded: false, reason: 'row_changed', ...(row ? { current: structuredClone(row) } : {}) };
    }
    part.stripeTransferId = request.stripeTransferId;
    if (request.amountCents !== undefined) part.amountCents = request.amountCents;
    // As the DynamoDB ledger: the first part recorded also names the row (stripeTransferId).
    row.stripeTransferId ??= request.stripeTransferId;
    Object.assign(row, {
      payoutStatus: request.status ?? 'PENDING',
      version: row.version + 1,
      updatedAt: request.now.toISOString(),
    });
    delete row.lastError;
    this.guards.set(request.stripeTransferId, request.revenueShareId);
    return { recorded: true, row: structuredClone(row) };
  }

  async findByTransferId(stripeTransferId: string): Promise<RevenueShare | undefined> {
    const owner = this.guards.get(stripeTransferId);
    return owner ? this.get(owner) : undefined;
  }

  async findByChargeId(chargeId: string): Promise<RevenueShare[]> {
    const rows = await Promise.all([...(this.chargePointers.get(chargeId) ?? [])].map((id) => this.get(id)));
    return rows.filter((row): row is RevenueShare => row !== undefined);
  }

  async listOwing(districtId: string): Promise<RevenueShare[]> {
    return [...this.rows.values()]
      .filter((row) => row.districtId === districtId && (row.owedCents ?? 0) > 0)
      .map((row) => structuredClone(row));
  }

  async list(): Promise<RevenueShare[]> {
    return [...this.rows.values()].map((row) => structuredClone(row));
  }
}

/** What the next createTransfer does instead of succeeding. */
export type ProviderFault = 'refuse' | 'down_before' | 'down_after';

export class MemoryPaymentProvider implements PaymentProvider, InvoicePaymentReader {
  readonly transfers: ProviderTransfer[] = [];
  /** The charges each invoice was paid by (none: paid without a charge). */
  readonly invoiceCharges = new Map<string, InvoiceCharges['charges']>();

  async chargesOf(invoiceId: string): Promise<InvoiceCharges> {
    const charges = structuredClone(this.invoiceCharges.get(invoiceId) ?? []);
    // Nothing refunded or disputed: the in-memory charges only ever succeed.
    const chargeStates = charges.map((c) => ({ ...c, refundedCents: 0, disputes: [] }));
    return { charges, chargeStates };
  }
  private readonly keys = new Map<string, { request: string; result: ProviderTransfer | PaymentProviderError }>();
  private nextFault: ProviderFault | undefined;
  private sequence = 0;

  /** The next createTransfer fails so (undefined: it succeeds). */
  failNextCreate(fault: ProviderFault | undefined): void {
    this.nextFault = fault;
  }

  async createTransfer(request: TransferRequest, idempotencyKey: string): Promise<ProviderTransfer> {
    const fingerprint = JSON.stringify(request);
    const stored = this.keys.get(idempotencyKey);
    if (stored) {
      if (stored.request !== fingerprint) throw new PaymentProviderError(true, 'idempotency_error', 'key reused');
      if (stored.result instanceof PaymentProviderError) throw stored.result;
      return structuredClone(stored.result);
    }
    const fault = this.nextFault;
    this.nextFault = undefined;
    if (fault === 'down_before') throw new PaymentProviderError(false, 'api_error', 'provider unavailable', 500);
    if (fault === 'refuse') {
      const refusal = new PaymentProviderError(true, 'balance_insufficient', 'insufficient funds', 400);
      this.keys.set(idempotencyKey, { request: fingerprint, result: refusal });
      throw refusal;
    }
    const transfer: ProviderTransfer = {
      id: `tr_${++this.sequence}`,
      amountCents: request.amountCents,
      amountReversedCents: 0,
      reversed: false,
      currency: request.currency,
      destinationAccountId: request.destinationAccountId,
      transferGroup: request.transferGroup,
      metadata: { ...request.metadata },
      ...(request.sourceTransaction ? { sourceTransaction: request.sourceTransaction } : {}),
      created: this.sequence,
    };
    this.transfers.push(transfer);
    this.keys.set(idempotencyKey, { request: fingerprint, result: structuredClone(transfer) });
    if (fault === 'down_after') throw new PaymentProviderError(false, 'api_error', 'answer lost', 500);
    return structuredClone(transfer);
  }

  async findTransfersByGroup(transferGroup: string): Promise<ProviderTransfer[]> {
    return this.transfers.filter((t) => t.transferGroup === transferGroup).map((t) => structuredClone(t));
  }

  async retrieveTransfer(transferId: string): Promise<ProviderTransfer> {
    const transfer = this.transfers.find((t) => t.id === transferId);
    if (!transfer) throw new PaymentProviderError(true, 'resource_missing', `no transfer ${transferId}`, 404);
    return structuredClone(transfer);
  }

  reverse(transferId: string): ProviderTransfer | undefined {
    const transfer = this.transfers.find((t) => t.id === transferId);
    if (transfer) Object.assign(transfer, { reversed: true, amountReversedCents: transfer.amountCents });
    return transfer;
  }
}

export class MemoryQueue<T> implements MessageQueue<T> {
  readonly messages: Array<{ message: T; options: SendOptions }> = [];
  private readonly seen = new Set<string>();

  /** FIFO deduplication: a deduplication id is accepted once. */
  async send(message: T, options: SendOptions): Promise<void> {
    if (this.seen.has(options.deduplicationId)) return;
    this.seen.add(options.deduplicationId);
    this.messages.push({ message: structuredClone(message), options });
  }

  /** Removes and returns the first message matching `where`. */
  take(where: (message: T) => boolean): T | undefined {
    const index = this.messages.findIndex((entry) => where(entry.message));
    if (index < 0) return undefined;
    const [entry] = this.messages.splice(index, 1);
    return entry?.message;
  }
}

export class MemoryDistricts implements DistrictStore {
  constructor(private readonly districts: District[]) {}
  async get(districtId: string) {
    return this.districts.find((d) => d.districtId === districtId);
  }
  async put(district: District) {
    this.districts.push(district);
  }
  async list() {
    return [...this.districts];
  }
  async findByCustomerId(customerId: string) {
    return this.districts.filter((d) => d.stripeCustomerIds.includes(customerId));
  }
}

/** Only what the revenue-share use cases touch (they mark the event PROCESSED). */
export class MemoryAuditLog implements AuditLog {
  readonly processed = new Set<string>();
  async claim(): Promise<never> {
    throw new Error('not used');
  }
  async markIgnored() {}
  async markProcessed(stripeEventId: string) {
    this.processed.add(stripeEventId);
  }
  async markFailed() {}
  async get(): Promise<AuditRecord | undefined> {
    return undefined;
  }
  async listByStatus(): Promise<AuditRecord[]> {
    return [];
  }
}

/** A clock that moves one millisecond forward on every read. */
export function steppingClock(start = Date.parse('2026-04-01T00:00:00Z')): Clock {
  let now = start;
  return { now: () => new Date(now++) };
}
