import { describe, expect, it } from 'vitest';
import type { AuditRecord, FinancialAlert, ProcessEventMessage } from '../../domain/model.js';
import type { AuditLog, ClaimOutcome, MessageQueue } from '../../domain/ports.js';
import type { EventSource } from '../../domain/resync/event-source.js';
import { NOT_ATTEMPTED, type ResyncDeps, resyncFailedEvents } from '../../domain/resync/resync-failed-events.js';

/**
 * Re-sync paths that the real local services cannot easily produce (an audit row without its raw event, Stripe
 * answering with another event, a delivery winning the claim in between), on small in-memory ports.
 */
const NOW = new Date('2026-03-31T12:00:00Z');

const rawEvent = (id: string) =>
  JSON.stringify({ id, object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1' } } });

function failedRecord(id: string, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    stripeEventId: id,
    eventType: 'invoice.paid',
    status: 'FAILED',
    errorMessage: 'no district',
    rawEvent: rawEvent(id),
    createdAt: '2026-03-30T00:00:00.000Z',
    updatedAt: '2026-03-30T00:00:00.000Z',
    attempts: 1,
    ...overrides,
  };
}

function fakes(records: AuditRecord[], options: { stripe?: Record<string, string>; claimWins?: boolean } = {}) {
  const rows = new Map(records.map((record) => [record.stripeEventId, { ...record }]));
  const sent: ProcessEventMessage[] = [];
  const alerts: FinancialAlert[] = [];
  const auditLog: AuditLog = {
    claim: async ({ stripeEventId }): Promise<ClaimOutcome> => {
      const row = rows.get(stripeEventId);
      if (options.claimWins === false || row?.status !== 'FAILED')
        return { claimed: false, existingStatus: 'RECEIVED' };
      row.status = 'RECEIVED';
      row.attempts += 1;
      return { claimed: true, attempts: row.attempts };
    },
    markIgnored: async () => {},
    markProcessed: async () => {},
    markFailed: async () => {},
    get: async (id) => rows.get(id),
    listByStatus: async (status, since, limit = 100) =>
      [...rows.values()].filter((r) => r.status === status && r.createdAt >= since.toISOString()).slice(0, limit),
  };
  const queue: MessageQueue<ProcessEventMessage> = { send: async (message) => void sent.push(message) };
  const events: EventSource = { retrieveEvent: async (id) => options.stripe?.[id] };
  const deps: ResyncDeps = {
    auditLog,
    processEventQueue: queue,
    events,
    alerts: { raise: async (alert) => void alerts.push(alert) },
    clock: { now: () => NOW },
    log: { warn: () => {}, error: () => {} },
  };
  return { deps, rows, sent, alerts };
}

describe('resyncFailedEvents', () => {
  it('reports still_failing and alerts when Stripe no longer has the event and the row kept no copy', async () => {
    // Prepare
    const { deps, rows, sent, alerts } = fakes([failedRecord('evt_lost', { rawEvent: undefined })]);

    // Act
    const result = await resyncFailedEvents(
      { selection: { kind: 'ids', stripeEventIds: ['evt_lost'] }, dryRun: false },
      deps,
    );

    // Assess
    expect(result).toMatchObject({ stillFailing: 1, replayed: 0 });
    expect(result.items[0]?.error).toContain('holds no copy');
    expect(rows.get('evt_lost')?.status).toBe('FAILED');
    expect(sent).toEqual([]);
    expect(alerts).toEqual([
      expect.objectContaining({ kind: 'RESYNC_FAILED', severity: 'critical', stripeEventId: 'evt_lost' }),
    ]);
  });

  it('refuses an event that Stripe returns under another id', async () => {
    // Prepare
    const { deps, sent } = fakes([failedRecord('evt_a')], { stripe: { evt_a: rawEvent('evt_b') } });

    // Act
    const result = await resyncFailedEvents(
      { selection: { kind: 'ids', stripeEventIds: ['evt_a'] }, dryRun: false },
      deps,
    );

    // Assess
    expect(result.items).toEqual([
      expect.objectContaining({ outcome: 'still_failing', error: expect.stringContaining('evt_b, not evt_a') }),
    ]);
    expect(sent).toEqual([]);
  });

  it('skips an event whose claim another delivery won in between', async () => {
    // Prepare
    const { deps, sent } = fakes([failedRecord('evt_race')], {
      stripe: { evt_race: rawEvent('evt_race') },
      claimWins: false,
    });

    // Act
    const result = await resyncFailedEvents(
      { selection: { kind: 'ids', stripeEventIds: ['evt_race'] }, dryRun: false },
      deps,
    );

    // Assess
    expect(result).toMatchObject({ skipped: 1, replayed: 0 });
    expect(result.items[0]).toMatchObject({
      outcome: 'skipped',
      source: 'stripe',
      error: expect.stringContaining('re-claimed'),
    });
    expect(sent).toEqual([]);
  });

  it('takes at most `limit` events since the time given, says there are more, and replays each once', async () => {
    // Prepare
    const records = Array.from({ length: 7 }, (_, i) => failedRecord(`evt_${i}`));
    const { deps, sent } = fakes(records, {
      stripe: Object.fromEntries(records.map((r) => [r.stripeEventId, rawEvent(r.stripeEventId)])),
    });

    // Act
    const result = await resyncFailedEvents(
      { selection: { kind: 'since', since: new Date('2026-03-01T00:00:00Z'), limit: 5 }, dryRun: false },
      deps,
    );

    // Assess
    expect(result).toMatchObject({ replayed: 5, more: true });
    expect(result.items.map((item) => item.stripeEventId)).toEqual(['evt_0', 'evt_1', 'evt_2', 'evt_3', 'evt_4']);
    expect(sent.map((message) => message.stripeEventId).sort()).toEqual(['evt_0', 'evt_1', 'evt_2', 'evt_3', 'evt_4']);
  });

  it('starts no replay after its deadline: the rest are reported as not attempted, with more to do', async () => {
    // Prepare
    const records = [failedRecord('evt_late1'), failedRecord('evt_late2')];
    const { deps, rows, sent } = fakes(records, {
      stripe: { evt_late1: rawEvent('evt_late1'), evt_late2: rawEvent('evt_late2') },
    });

    // Act
    const result = await resyncFailedEvents(
      { selection: { kind: 'ids', stripeEventIds: ['evt_late1', 'evt_late2'] }, dryRun: false },
      { ...deps, deadline: NOW },
    );

    // Assess
    expect(result).toMatchObject({ replayed: 0, skipped: 2, more: true });
    expect(result.items.map((item) => item.error)).toEqual([NOT_ATTEMPTED, NOT_ATTEMPTED]);
    expect(sent).toEqual([]);
    expect(rows.get('evt_late1')?.status).toBe('FAILED');
  });
});
