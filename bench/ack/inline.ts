/**
 * `inline`: the seed's shape on this project's storage. The request itself verifies, skips an event the audit log
 * already holds, finds the district, computes the share, writes the ledger row (conditional put), calls
 * `transfers.create` at Stripe, records the transfer id and upserts the audit row PROCESSED, all before answering.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookSignatureVerifier } from '../../adapters/stripe/webhook-signature.js';
import type { RevenueShare } from '../../domain/model.js';
import { transferIdempotencyKey, transferMetadata } from '../../domain/payouts/transfer-keys.js';
import type { DistrictStore, LedgerStore, PaymentProvider } from '../../domain/ports.js';
import { findDistrict } from '../../domain/revenue-share/find-district.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import { computeShareCents, validateAmountCents } from '../../domain/revenue-share/share.js';
import { signatureOf } from './proxy-event.js';
import { json, type WebhookHandler } from './variant.js';

export interface InlineDeps {
  dynamodb: DynamoDBDocumentClient;
  verifier: WebhookSignatureVerifier;
  secrets: string[];
  auditTable: string;
  ledgerTable: string;
  ledger: LedgerStore;
  districts: DistrictStore;
  payments: PaymentProvider;
}

interface InvoicePaidEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

export function createInlineHandler(deps: InlineDeps): WebhookHandler {
  return async (event) => {
    const rawBody = event.body ?? '';
    try {
      deps.verifier.verify(rawBody, signatureOf(event), deps.secrets, new Date());
    } catch {
      return json(400, { error: 'Bad signature' });
    }
    const stripeEvent = JSON.parse(rawBody) as InvoicePaidEvent;
    const seen = await deps.dynamodb.send(
      new GetCommand({ TableName: deps.auditTable, Key: { stripeEventId: stripeEvent.id }, ConsistentRead: true }),
    );
    if (seen.Item) return json(200, { duplicate: true });

    const invoice = stripeEvent.data.object;
    const { district } = await findDistrict(invoice, deps.districts);
    const amountCents = validateAmountCents(invoice.amount_paid, 'amount_paid');
    const shareCents = computeShareCents(amountCents, district.shareBps);
    const invoiceId = String(invoice.id);
    const now = new Date().toISOString();
    const row: RevenueShare = {
      revenueShareId: deriveRevenueShareId(invoiceId),
      districtId: district.districtId,
      invoiceId,
      stripeEventId: stripeEvent.id,
      amountCents,
      currency: String(invoice.currency),
      shareBps: district.shareBps,
      shareCents,
      payoutStatus: 'PENDING',
      destinationAccountId: district.stripeAccountId,
      version: 1,
      transferAttempt: 1,
      createdAt: now,
      updatedAt: now,
    };
    const created = await deps.ledger.create(row);
    if (created.created && shareCents > 0) {
      const transfer = await deps.payments.createTransfer(
        {
          amountCents: shareCents,
          currency: row.currency,
          destinationAccountId: row.destinationAccountId,
          transferGroup: row.revenueShareId,
          metadata: transferMetadata(row),
        },
        transferIdempotencyKey(row.revenueShareId, row.transferAttempt),
      );
      await deps.dynamodb.send(
        new UpdateCommand({
          TableName: deps.ledgerTable,
          Key: { pk: row.revenueShareId },
          UpdateExpression: 'SET stripeTransferId = :transferId, updatedAt = :now',
          ExpressionAttributeValues: { ':transferId': transfer.id, ':now': new Date().toISOString() },
        }),
      );
    }
    await deps.dynamodb.send(
      new PutCommand({
        TableName: deps.auditTable,
        Item: {
          stripeEventId: stripeEvent.id,
          eventType: stripeEvent.type,
          status: 'PROCESSED',
          districtId: district.districtId,
          createdAt: now,
          updatedAt: new Date().toISOString(),
        },
      }),
    );
    return json(200, { received: true });
  };
}
