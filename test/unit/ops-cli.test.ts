import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditStatus, District, RevenueShare } from '../../domain/model.js';
import type { PaidInvoice, StripeTransfer } from '../../domain/reconcile/three-way-match.js';
import { MAX_TRANSFERS_READ_BY_ID } from '../../domain/reconcile/unlisted-transfers.js';
import { deriveRevenueShareId } from '../../domain/revenue-share/revenue-share-id.js';
import type { Io } from '../../ops/output.js';
import type { ResyncItem, WebhookEvent } from '../../ops/platform-client.js';
import type { CreatedRange, ReconcileStripeSource } from '../../ops/reconcile/stripe-source.js';
import { runOps } from '../../ops/run.js';

// ---------------------------------------------------------------------------------------------------------------
// A tiny platform API on a real port, keeping what it was asked.

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

class FakePlatformApi {
  requests: RecordedRequest[] = [];
  districts: District[] = [];
  rows: RevenueShare[] = [];
  events: WebhookEvent[] = [];
  /** At most this many rows in a listing (the real API pages too). */
  listLimit = Number.POSITIVE_INFINITY;
  resyncOutcome: (stripeEventId: string) => ResyncItem = (stripeEventId) => ({ stripeEventId, outcome: 'replayed' });
  /** What the workers make of a replayed event: its audit status right after the replay. */
  statusAfterReplay: (stripeEventId: string) => AuditStatus = () => 'PROCESSED';
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  reset(): void {
    this.requests = [];
    this.districts = [];
    this.rows = [];
    this.events = [];
    this.listLimit = Number.POSITIVE_INFINITY;
    this.resyncOutcome = (stripeEventId) => ({ stripeEventId, outcome: 'replayed' });
    this.statusAfterReplay = () => 'PROCESSED';
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = text ? JSON.parse(text) : undefined;
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? '', path: url.pathname, query, body });
    const route = `${req.method} ${url.pathname}`;
    const rowIn = (id: unknown) => this.rows.find((r) => r.revenueShareId === id);

    if (route === 'GET /platform/districts') return send(res, 200, { items: this.districts });
    if (req.method === 'PUT' && url.pathname.startsWith('/platform/districts/')) {
      const districtId = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      const district = { districtId, ...body, createdAt: 'c', updatedAt: '2026-12-01T10:00:00.000Z' } as District;
      this.districts = [...this.districts.filter((d) => d.districtId !== districtId), district];
      return send(res, 200, district);
    }
    if (route === 'GET /platform/revenue-shares') {
      const items = this.rows
        .filter((r) => !query.districtId || r.districtId === query.districtId)
        .filter((r) => !query.status || r.payoutStatus === query.status)
        .slice(0, this.listLimit);
      return send(res, 200, { items });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/platform/revenue-shares/')) {
      const id = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      if (!/^[A-Za-z0-9_-]+$/.test(id)) return send(res, 400, { error: 'revenueShareId is invalid' });
      const row = rowIn(id);
      return row ? send(res, 200, row) : send(res, 404, { error: `revenue share ${id} not found` });
    }
    if (route === 'POST /platform/payout/retry') {
      const row = rowIn(body?.revenueShareId);
      if (!row) return send(res, 404, { error: `revenue share ${body?.revenueShareId} not found` });
      if (row.payoutStatus === 'PAID') return send(res, 409, { error: `payout ${row.revenueShareId} is already PAID` });
      return send(res, 202, { revenueShareId: row.revenueShareId, transferAttempt: row.transferAttempt + 1 });
    }
    if (route === 'POST /platform/payout/mark-paid') {
      const row = rowIn(body?.revenueShareId);
      if (!row) return send(res, 404, { error: 'not found' });
      return send(res, 202, { revenueShareId: row.revenueShareId, stripeTransferId: row.stripeTransferId });
    }
    if (route === 'GET /platform/webhook-events') {
      const items = this.events
        .filter((e) => e.status === query.status)
        .filter((e) => !query.since || e.createdAt >= query.since);
      return send(res, 200, { items });
    }
    if (route === 'POST /platform/resync') {
      const items = (body.stripeEventIds as string[]).map((id) => this.resyncOutcome(id));
      const count = (outcome: string) => items.filter((i) => i.outcome === outcome).length;
      for (const item of items.filter((i) => i.outcome === 'replayed')) {
        const status = this.statusAfterReplay(item.stripeEventId);
        this.events = this.events.map((e) => (e.stripeEventId === item.stripeEventId ? { ...e, status } : e));
      }
      return send(res, 200, {
        replayed: count('replayed'),
        stillFailing: count('still_failing'),
        skipped: count('skipped'),
        items,
      });
    }
    return send(res, 404, { error: `no route ${route}` });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures and a captured terminal.

const district = (districtId: string, overrides: Partial<District> = {}): District => ({
  districtId,
  stripeAccountId: `acct_${districtId}`,
  shareBps: 1500,
  currency: 'usd',
  autoTransfer: true,
  stripeCustomerIds: [`cus_${districtId}`],
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

const ledgerRow = (invoiceId: string, overrides: Partial<RevenueShare> = {}): RevenueShare => {
  const revenueShareId = deriveRevenueShareId(invoiceId);
  return {
    revenueShareId,
    districtId: 'shahdol',
    invoiceId,
    stripeEventId: `evt_${invoiceId}`,
    amountCents: 123_456,
    currency: 'usd',
    shareBps: 1500,
    shareCents: 18_518,
    payoutStatus: 'PAID',
    destinationAccountId: 'acct_shahdol',
    version: 4,
    transferAttempt: 1,
    stripeTransferId: `tr_${invoiceId}`,
    createdAt: '2026-12-01T09:00:00.000Z',
    updatedAt: '2026-12-01T09:00:05.000Z',
    paidAt: '2026-12-01T09:00:05.000Z',
    ...overrides,
  };
};

const failedEvent = (n: number): WebhookEvent => ({
  stripeEventId: `evt_failed_${String(n).padStart(2, '0')}`,
  eventType: 'invoice.paid',
  status: 'FAILED',
  errorMessage: 'invoice names no district (metadata.districtId) and no district is configured for customer cus_x',
  createdAt: `2026-12-01T10:${String(n).padStart(2, '0')}:00.000Z`,
  updatedAt: `2026-12-01T10:${String(n).padStart(2, '0')}:00.000Z`,
  attempts: 1,
});

/** A RECEIVED event claimed at 10:nn on 2026-12-01; the tests run "now" at 2026-12-02T08:00Z. */
const receivedEvent = (name: string, n: number, times: Pick<WebhookEvent, 'leaseExpiresAt'>) => ({
  stripeEventId: `evt_${name}`,
  eventType: 'invoice.paid',
  status: 'RECEIVED' as const,
  createdAt: `2026-12-01T10:${String(n).padStart(2, '0')}:00.000Z`,
  updatedAt: `2026-12-01T10:${String(n).padStart(2, '0')}:00.000Z`,
  attempts: 1,
  ...times,
});

/** Against "now" (2026-12-02T08:00Z): two stuck RECEIVED events and two still in flight. */
const receivedEvents = (): WebhookEvent[] => [
  receivedEvent('abandoned', 3, { leaseExpiresAt: '2026-12-01T10:03:30.000Z' }),
  receivedEvent('lost', 4, { leaseExpiresAt: '2026-12-02T06:00:30.000Z' }),
  receivedEvent('claiming', 5, { leaseExpiresAt: '2026-12-02T08:00:20.000Z' }),
  receivedEvent('queued', 6, { leaseExpiresAt: '2026-12-02T07:40:30.000Z' }),
];

function terminal(options: { errIsTty?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let raw = '';
  const io: Io = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    errRaw: (text) => {
      raw += text;
    },
    errIsTty: options.errIsTty ?? false,
  };
  return { io, stdout: () => out.join('\n'), stderr: () => err.join('\n'), rawStderr: () => raw };
}

const api = new FakePlatformApi();

/** Runs `npm run ops -- <args> --api <fake>` and returns the exit code and what it printed. */
async function ops(
  args: string[],
  options: { stripe?: ReconcileStripeSource; errIsTty?: boolean; now?: Date } = {},
): Promise<{ code: number; stdout: string; stderr: string; rawStderr: string }> {
  const term = terminal(options);
  const code = await runOps([...args, '--api', api.url], {
    io: term.io,
    env: {},
    now: () => options.now ?? new Date('2026-12-02T08:00:00.000Z'),
    stripeSource: options.stripe ? () => options.stripe as ReconcileStripeSource : undefined,
  });
  return { code, stdout: term.stdout(), stderr: term.stderr(), rawStderr: term.rawStderr() };
}

beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

// ---------------------------------------------------------------------------------------------------------------

describe('usage', () => {
  it('exits 2 with the usage line when an argument is missing', async () => {
    // Act
    const result = await ops(['payouts', 'show']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: npm run ops -- payouts show ID');
    expect(api.requests).toEqual([]);
  });

  it('exits 2 on an unknown option, an unknown command and a bad status', async () => {
    // Act
    const results = await Promise.all([
      ops(['payouts', 'list', '--colour']),
      ops(['payouts', 'refund', 'rs_1']),
      ops(['payouts', 'list', '--status', 'LOST']),
      ops(['resync', '--since', 'last tuesday']),
      ops(['reconcile', '--date', '2026-02-30']),
    ]);

    // Assess
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[2]?.stderr).toContain('--status must be one of PENDING, TRANSFER_FAILED, PAID, REVERSED, NO_PAYOUT');
    expect(api.requests).toEqual([]);
  });

  it('prints every command on --help and exits 0', async () => {
    // Act
    const result = await ops(['--help']);

    // Assess
    expect(result.code).toBe(0);
    for (const command of ['districts put ID', 'payouts mark-paid ID', 'resync', 'reconcile [--date YYYY-MM-DD]']) {
      expect(result.stdout).toContain(command);
    }
  });
});

describe('payouts', () => {
  it('lists rows as a table with amounts as money, filtered by status and district', async () => {
    // Prepare
    api.rows = [ledgerRow('in_1'), ledgerRow('in_2', { payoutStatus: 'PENDING' })];

    // Act
    const result = await ops(['payouts', 'list', '--status', 'paid', '--district', 'shahdol']);

    // Assess
    expect(result.code).toBe(0);
    expect(api.requestsTo('GET', '/platform/revenue-shares')[0]?.query).toEqual({
      districtId: 'shahdol',
      status: 'PAID',
    });
    const [header, ...lines] = result.stdout.split('\n');
    expect(header).toMatch(
      /^REVENUE SHARE\s+DISTRICT\s+INVOICE\s+INVOICE AMOUNT\s+SHARE\s+STATUS\s+TRANSFER\s+UPDATED$/,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/in_1\s+1234\.56 USD\s+185\.18 USD\s+PAID\s+tr_in_1/);
  });

  it('asks for at most --limit rows, and refuses a limit the API would refuse', async () => {
    // Act
    const [limited, zero] = [
      await ops(['payouts', 'list', '--limit', '5']),
      await ops(['payouts', 'list', '--limit', '0']),
    ];

    // Assess
    expect([limited.code, zero.code]).toEqual([0, 2]);
    expect(api.requestsTo('GET', '/platform/revenue-shares').map((r) => r.query)).toEqual([{ limit: '5' }]);
    expect(zero.stderr).toContain('--limit must be a whole number from 1 to 1000');
  });

  it('prints the items as JSON with --json, amounts in cents', async () => {
    // Prepare
    api.rows = [ledgerRow('in_1'), ledgerRow('in_2')];

    // Act
    const result = await ops(['payouts', 'list', '--json']);

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(api.rows);
  });

  it('shows one row in full', async () => {
    // Prepare
    const row = ledgerRow('in_1', { payoutStatus: 'TRANSFER_FAILED', lastError: 'balance_insufficient: no funds' });
    api.rows = [row];

    // Act
    const result = await ops(['payouts', 'show', row.revenueShareId]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/payoutStatus\s+TRANSFER_FAILED/);
    expect(result.stdout).toMatch(/lastError\s+balance_insufficient: no funds/);
    expect(result.stdout).toMatch(/share\s+185\.18 USD \(18518\) at 15\.00%/);
  });

  it('shows what a clawback left on a row: totals, planned part, one line per money movement; none on a row without', async () => {
    // Prepare: 15.00 paid by tr_in_1; a 40.00 refund asked 6.00 back, which Stripe refused: the district owes it
    const owed = ledgerRow('in_owed', {
      shareCents: 1_500,
      payoutStatus: 'PARTIALLY_REVERSED',
      stripeTransferId: 'tr_in_owed',
      transferParts: [{ index: 0, amountCents: 1_500, sourceChargeId: 'ch_1', stripeTransferId: 'tr_in_owed' }],
      reversedCents: 600,
      netPaidCents: 900,
      owedCents: 600,
      moneyHistory: [
        { kind: 'TRANSFER', amountCents: 1_500, partIndex: 0, at: '2026-12-01T09:00:03.000Z', stripeId: 'tr_in_owed' },
        {
          kind: 'OWED',
          amountCents: 600,
          partIndex: 0,
          at: '2026-12-01T11:00:00.000Z',
          transferId: 'tr_in_owed',
          chargeId: 'ch_1',
          note: 'balance_insufficient: the destination account cannot cover the reversal',
        },
      ],
    });
    const heldBack = ledgerRow('in_held', {
      payoutStatus: 'PENDING',
      shareCents: 1_500,
      stripeTransferId: undefined,
      transferParts: [{ index: 0, amountCents: 900, plannedCents: 1_500, sourceChargeId: 'ch_2' }],
      nettedCents: 300,
      moneyHistory: [
        {
          kind: 'NETTED',
          amountCents: 300,
          partIndex: 0,
          at: '2026-12-01T12:00:00.000Z',
          counterpartRowId: owed.revenueShareId,
          counterpartPartIndex: 0,
        },
        {
          kind: 'REPAYMENT_REFUSED',
          amountCents: 200,
          partIndex: 0,
          at: '2026-12-01T12:30:00.000Z',
          note: 'balance_insufficient: no funds',
          refusals: 2,
        },
      ],
    } as Partial<RevenueShare>);
    const plain = ledgerRow('in_plain');
    api.rows = [owed, heldBack, plain];

    // Act
    const shownOwed = await ops(['payouts', 'show', owed.revenueShareId]);
    const shownHeldBack = await ops(['payouts', 'show', heldBack.revenueShareId]);
    const shownPlain = await ops(['payouts', 'show', plain.revenueShareId]);

    // Assess
    expect(shownOwed.code).toBe(0);
    expect(shownOwed.stdout).toMatch(/reversedCents\s+6\.00 USD \(600\)/);
    expect(shownOwed.stdout).toMatch(/netPaidCents\s+9\.00 USD \(900\)/);
    expect(shownOwed.stdout).toMatch(/owedCents\s+6\.00 USD \(600\)/);
    const owedLines = shownOwed.stdout.split('\n');
    expect(owedLines.slice(owedLines.indexOf('moneyHistory') + 1)).toEqual([
      expect.stringMatching(/^KIND\s+PART\s+AMOUNT\s+STRIPE ID\s+AT\s+NOTE$/),
      expect.stringMatching(/^TRANSFER\s+#0\s+15\.00 USD \(1500\)\s+tr_in_owed\s+2026-12-01T09:00:03\.000Z\s+-$/),
      expect.stringMatching(
        /^OWED\s+#0\s+6\.00 USD \(600\)\s+tr_in_owed\s+2026-12-01T11:00:00\.000Z\s+balance_insufficient: the destination account cannot cover the reversal$/,
      ),
    ]);
    expect(shownHeldBack.stdout).toMatch(/transfers\s+#0 9\.00 USD of 15\.00 USD planned from ch_2: not yet/);
    expect(shownHeldBack.stdout).toMatch(/nettedCents\s+3\.00 USD \(300\)/);
    expect(shownHeldBack.stdout).toMatch(
      new RegExp(`NETTED\\s+#0\\s+3\\.00 USD \\(300\\)\\s+-\\s+\\S+\\s+settles ${owed.revenueShareId} #0$`, 'm'),
    );
    expect(shownHeldBack.stdout).toMatch(
      /REPAYMENT_REFUSED\s+#0\s+2\.00 USD \(200\).*balance_insufficient: no funds; refused 2 times$/m,
    );
    expect(shownPlain.code).toBe(0);
    expect(shownPlain.stdout).not.toMatch(/reversedCents|netPaidCents|owedCents|nettedCents|moneyHistory|planned/);
  });

  it('exits 1 with the API message when the row does not exist', async () => {
    // Act
    const result = await ops(['payouts', 'show', 'rs_nope']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Error: 404 revenue share rs_nope not found');
    expect(result.stdout).toBe('');
  });

  it('queues a retry and says which attempt', async () => {
    // Prepare
    const row = ledgerRow('in_1', { payoutStatus: 'TRANSFER_FAILED', transferAttempt: 2, stripeTransferId: undefined });
    api.rows = [row];

    // Act
    const result = await ops(['payouts', 'retry', row.revenueShareId]);

    // Assess
    expect(result.code).toBe(0);
    expect(api.requestsTo('POST', '/platform/payout/retry')[0]?.body).toEqual({ revenueShareId: row.revenueShareId });
    expect(result.stdout).toBe(`Transfer attempt 3 queued for ${row.revenueShareId}.`);
  });

  it('exits 1 when the API refuses a retry of a PAID payout', async () => {
    // Prepare
    api.rows = [ledgerRow('in_1')];

    // Act
    const result = await ops(['payouts', 'retry', api.rows[0]?.revenueShareId ?? '']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('409 payout');
    expect(result.stderr).toContain('already PAID');
  });

  it('queues a mark-paid verification', async () => {
    // Prepare
    const row = ledgerRow('in_1', { payoutStatus: 'PENDING', paidAt: undefined });
    api.rows = [row];

    // Act
    const result = await ops(['payouts', 'mark-paid', row.revenueShareId, '--json']);

    // Assess
    expect(result.code).toBe(0);
    expect(api.requestsTo('POST', '/platform/payout/mark-paid')[0]?.body).toEqual({
      revenueShareId: row.revenueShareId,
    });
    expect(JSON.parse(result.stdout)).toEqual({ revenueShareId: row.revenueShareId, stripeTransferId: 'tr_in_1' });
  });
});

describe('districts', () => {
  it('creates a district with the flags given, auto transfer on by default', async () => {
    // Act
    const result = await ops([
      'districts',
      'put',
      'rewa',
      '--account',
      'acct_rewa',
      '--share-bps',
      '1250',
      '--currency',
      'usd',
      '--customer',
      'cus_a',
      '--customer',
      'cus_b',
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(api.requestsTo('PUT', '/platform/districts/rewa')[0]?.body).toEqual({
      stripeAccountId: 'acct_rewa',
      shareBps: 1250,
      currency: 'usd',
      autoTransfer: true,
      stripeCustomerIds: ['cus_a', 'cus_b'],
    });
    expect(result.stdout).toContain('District rewa saved.');
    expect(result.stdout).toMatch(/share\s+12\.50% \(1250 bps\)/);
  });

  it('keeps an existing district’s auto transfer and customers when their flags are left out', async () => {
    // Prepare
    api.districts = [district('shahdol', { autoTransfer: false, stripeCustomerIds: ['cus_keep'] })];

    // Act
    const result = await ops([
      'districts',
      'put',
      'shahdol',
      '--account',
      'acct_new',
      '--share-bps',
      '2000',
      '--currency',
      'usd',
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(api.requestsTo('PUT', '/platform/districts/shahdol')[0]?.body).toEqual({
      stripeAccountId: 'acct_new',
      shareBps: 2000,
      currency: 'usd',
      autoTransfer: false,
      stripeCustomerIds: ['cus_keep'],
    });
  });

  it('turns auto transfer off with --no-auto-transfer', async () => {
    // Act
    const result = await ops([
      'districts',
      'put',
      'rewa',
      '--account=acct_rewa',
      '--share-bps=0',
      '--currency=usd',
      '--no-auto-transfer',
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(api.requestsTo('PUT', '/platform/districts/rewa')[0]?.body).toMatchObject({
      autoTransfer: false,
      shareBps: 0,
    });
  });

  it('sets the dispute policy with --dispute-policy, keeps an existing one without it, refuses another value', async () => {
    // Prepare
    api.districts = [district('shahdol', { disputePolicy: 'REVERSE_ON_LOSS' })];
    const base = ['--account', 'acct_x', '--share-bps', '1000', '--currency', 'usd'];

    // Act
    const set = await ops(['districts', 'put', 'rewa', ...base, '--dispute-policy', 'REVERSE_ON_LOSS']);
    const kept = await ops(['districts', 'put', 'shahdol', ...base]);
    const bad = await ops(['districts', 'put', 'umaria', ...base, '--dispute-policy', 'reverse_on_loss']);

    // Assess
    expect(set.code).toBe(0);
    expect(api.requestsTo('PUT', '/platform/districts/rewa')[0]?.body).toMatchObject({
      disputePolicy: 'REVERSE_ON_LOSS',
    });
    expect(api.requestsTo('PUT', '/platform/districts/shahdol')[0]?.body).toMatchObject({
      disputePolicy: 'REVERSE_ON_LOSS',
    });
    expect(kept.code).toBe(0);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--dispute-policy must be one of REVERSE_ON_DISPUTE, REVERSE_ON_LOSS');
    expect(api.requestsTo('PUT', '/platform/districts/umaria')).toEqual([]);
  });

  it('exits 2 without a required flag or with a share that is not a whole number', async () => {
    // Act
    const results = await Promise.all([
      ops(['districts', 'put', 'rewa', '--share-bps', '10', '--currency', 'usd']),
      ops(['districts', 'put', 'rewa', '--account', 'acct_rewa', '--share-bps', '12.5', '--currency', 'usd']),
    ]);

    // Assess
    expect(results.map((r) => r.code)).toEqual([2, 2]);
    expect(results[0]?.stderr).toContain('--account is required');
    expect(api.requestsTo('PUT', '/platform/districts/rewa')).toEqual([]);
  });

  it('lists districts as a table', async () => {
    // Prepare
    api.districts = [district('shahdol'), district('rewa', { autoTransfer: false, shareBps: 1250 })];

    // Act
    const result = await ops(['districts', 'list']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(3);
    expect(result.stdout).toMatch(/rewa\s+acct_rewa\s+12\.50%\s+USD\s+no\s+cus_rewa/);
  });
});

describe('events and resync', () => {
  it('lists FAILED events since a time', async () => {
    // Prepare
    api.events = [failedEvent(1), failedEvent(30)];

    // Act
    const result = await ops(['events', 'list', '--status', 'FAILED', '--since', '2026-12-01T10:15:00Z']);

    // Assess
    expect(result.code).toBe(0);
    expect(api.requestsTo('GET', '/platform/webhook-events')[0]?.query).toEqual({
      status: 'FAILED',
      since: '2026-12-01T10:15:00.000Z',
    });
    expect(result.stdout).toContain('evt_failed_30');
    expect(result.stdout).not.toContain('evt_failed_01');
  });

  it('refuses to list PROCESSED events, saying only open events are indexed, and asks the API nothing', async () => {
    // Act
    const result = await ops(['events', 'list', '--status', 'processed']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PROCESSED events are not listed: the audit log indexes only open events');
    expect(api.requestsTo('GET', '/platform/webhook-events')).toEqual([]);
  });

  it('resync --dry-run lists the FAILED events and replays nothing', async () => {
    // Prepare
    api.events = [failedEvent(1), failedEvent(2)];

    // Act
    const result = await ops(['resync', '--dry-run']);

    // Assess
    expect(result.code).toBe(0);
    expect(api.requestsTo('POST', '/platform/resync')).toEqual([]);
    expect(result.stdout).toContain('evt_failed_01');
    expect(result.stdout).toContain('Dry run: 2 FAILED event(s) would be replayed; nothing was changed.');
  });

  it('replays FAILED events in chunks of 10 with a progress bar and a summary', async () => {
    // Prepare
    api.events = Array.from({ length: 23 }, (_, i) => failedEvent(i));

    // Act
    const result = await ops(['resync', '--since', '2026-12-01T00:00:00Z'], { errIsTty: true });

    // Assess
    expect(result.code).toBe(0);
    const posts = api.requestsTo('POST', '/platform/resync');
    expect(posts.map((p) => (p.body as { stripeEventIds: string[] }).stripeEventIds.length)).toEqual([10, 10, 3]);
    expect(posts.flatMap((p) => (p.body as { stripeEventIds: string[] }).stripeEventIds)).toEqual(
      api.events.map((e) => e.stripeEventId),
    );
    expect(result.stdout).toContain('Replayed 23, still failing 0, skipped 0 (of 23 FAILED event(s)).');
    expect(result.rawStderr).toContain('23/23');
    expect(result.rawStderr).toContain('#'.repeat(24));
  });

  it('draws no progress bar when stderr is not a terminal', async () => {
    // Prepare
    api.events = [failedEvent(1)];

    // Act
    const result = await ops(['resync']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.rawStderr).toBe('');
  });

  it('exits 1 and names the events that still fail', async () => {
    // Prepare
    api.events = [failedEvent(1), failedEvent(2), failedEvent(3)];
    api.resyncOutcome = (stripeEventId) =>
      stripeEventId === 'evt_failed_02'
        ? { stripeEventId, outcome: 'still_failing', error: 'replay could not be enqueued: queue unavailable' }
        : { stripeEventId, outcome: 'replayed' };

    // Act
    const result = await ops(['resync', '--json']);

    // Assess
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ dryRun: false, replayed: 2, stillFailing: 1, skipped: 0 });
    expect(result.stderr).toContain('1 event(s) still fail');
  });

  it('waits for the workers and exits 1 when a replayed event fails again', async () => {
    // Prepare
    api.events = [failedEvent(1), failedEvent(2)];
    api.statusAfterReplay = (id) => (id === 'evt_failed_01' ? 'FAILED' : 'PROCESSED');

    // Act
    const result = await ops(['resync']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Replayed 2, still failing 0, skipped 0 (of 2 FAILED event(s)).');
    expect(result.stdout).toContain('After replay: 1 processed, 1 FAILED again, 0 still in flight.');
    expect(result.stderr).toContain('1 event(s) still fail');
  });

  it('says which replayed events are still in flight when the wait runs out', async () => {
    // Prepare
    api.events = [failedEvent(1)];
    api.statusAfterReplay = () => 'RECEIVED';

    // Act
    const result = await ops(['resync', '--wait', '1', '--json']);

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).afterReplay).toEqual({
      processed: [],
      failedAgain: [],
      inFlight: ['evt_failed_01'],
    });
    expect(result.stderr).toContain('1 event(s) were still being processed after 1 s');
    expect(
      api.requestsTo('GET', '/platform/webhook-events').filter((r) => r.query.status === 'RECEIVED').length,
    ).toBeGreaterThan(1);
  });

  it('does not wait with --wait 0', async () => {
    // Prepare
    api.events = [failedEvent(1)];

    // Act
    const result = await ops(['resync', '--wait', '0']);

    // Assess: the FAILED and RECEIVED listings, and no polling after the replay
    expect(result.code).toBe(0);
    expect(api.requestsTo('GET', '/platform/webhook-events').map((r) => r.query.status)).toEqual(
      expect.arrayContaining(['FAILED', 'RECEIVED']),
    );
    expect(api.requestsTo('GET', '/platform/webhook-events')).toHaveLength(2);
    expect(result.stdout).not.toContain('After replay');
  });

  it('replays stuck RECEIVED events with the FAILED ones, and not those still in flight', async () => {
    // Prepare
    api.events = [failedEvent(1), ...receivedEvents()];

    // Act
    const result = await ops(['resync', '--since', '2026-12-01T00:00:00Z']);

    // Assess
    expect(result.code).toBe(0);
    const listings = api.requestsTo('GET', '/platform/webhook-events').slice(0, 2);
    expect(listings.map((r) => r.query)).toEqual(
      expect.arrayContaining([
        { status: 'FAILED', since: '2026-12-01T00:00:00.000Z', limit: '1000' },
        { status: 'RECEIVED', since: '2026-12-01T00:00:00.000Z', limit: '1000' },
      ]),
    );
    const sent = api
      .requestsTo('POST', '/platform/resync')
      .flatMap((p) => (p.body as { stripeEventIds: string[] }).stripeEventIds);
    expect(sent).toEqual(['evt_failed_01', 'evt_abandoned', 'evt_lost']);
    expect(result.stdout).toContain('Replayed 3, still failing 0, skipped 0 (of 1 FAILED, 2 stuck event(s)).');
    expect(result.stdout).toContain('After replay: 3 processed, 0 FAILED again, 0 still in flight.');
  });

  it('resync --dry-run lists the stuck RECEIVED events with their reason and sends nothing', async () => {
    // Prepare
    api.events = [failedEvent(1), ...receivedEvents()];

    // Act
    const text = await ops(['resync', '--dry-run']);
    const json = await ops(['resync', '--dry-run', '--json']);

    // Assess
    expect(text.code).toBe(0);
    expect(api.requestsTo('POST', '/platform/resync')).toEqual([]);
    const line = (id: string) => text.stdout.split('\n').find((l) => l.includes(id)) ?? '';
    expect(line('evt_abandoned')).toContain('not_processed');
    expect(line('evt_lost')).toContain('not_processed');
    expect(text.stdout).not.toContain('evt_claiming');
    expect(text.stdout).not.toContain('evt_queued');
    expect(text.stdout).toContain('Dry run: 1 FAILED, 2 stuck event(s) would be replayed; nothing was changed.');
    expect(JSON.parse(json.stdout).stuck).toEqual([
      expect.objectContaining({ stripeEventId: 'evt_abandoned', stuck: 'not_processed' }),
      expect.objectContaining({ stripeEventId: 'evt_lost', stuck: 'not_processed' }),
    ]);
  });

  it('sends nothing when the only RECEIVED events are still in flight', async () => {
    // Prepare
    api.events = receivedEvents().filter((e) => e.stripeEventId === 'evt_claiming' || e.stripeEventId === 'evt_queued');

    // Act
    const result = await ops(['resync']);

    // Assess
    expect(result.code).toBe(0);
    expect(api.requestsTo('POST', '/platform/resync')).toEqual([]);
    expect(result.stdout).toContain('No FAILED or stuck RECEIVED events: nothing to replay.');
  });
});

describe('reconcile', () => {
  const invoice = (id: string, overrides: Partial<PaidInvoice> = {}): PaidInvoice => ({
    id,
    amount_paid: 123_456,
    currency: 'usd',
    customer: 'cus_shahdol',
    metadata: {},
    ...overrides,
  });
  const transferFor = (row: RevenueShare, overrides: Partial<StripeTransfer> = {}): StripeTransfer => ({
    id: row.stripeTransferId ?? 'tr_none',
    amount: row.shareCents,
    currency: row.currency,
    destination: row.destinationAccountId,
    reversed: false,
    amount_reversed: 0,
    created: Date.parse('2026-12-01T09:00:03Z') / 1000,
    metadata: { revenueShareId: row.revenueShareId, invoiceId: row.invoiceId },
    ...overrides,
  });

  function stripeHolding(invoices: PaidInvoice[], transfers: StripeTransfer[]) {
    const asked: { invoices: CreatedRange[]; transfers: CreatedRange[] } = { invoices: [], transfers: [] };
    const source: ReconcileStripeSource = {
      paidInvoices: async (range) => {
        asked.invoices.push(range);
        return invoices;
      },
      transfers: async (range) => {
        asked.transfers.push(range);
        return transfers;
      },
    };
    return { source, asked };
  }

  it('exits 0 on a clean day, which defaults to yesterday (UTC)', async () => {
    // Prepare
    api.rows = [ledgerRow('in_1'), ledgerRow('in_2')];
    const stripe = stripeHolding(
      [invoice('in_1'), invoice('in_2')],
      api.rows.map((row) => transferFor(row)),
    );

    // Act
    const result = await ops(['reconcile'], { stripe: stripe.source, now: new Date('2026-12-02T08:00:00Z') });

    // Assess
    expect(result.code).toBe(0);
    expect(stripe.asked.invoices).toEqual([
      { gte: Date.parse('2026-12-01T00:00:00Z') / 1000, lt: Date.parse('2026-12-02T00:00:00Z') / 1000 },
    ]);
    expect(result.stdout).toContain('Reconcile 2026-12-01 (UTC): 2 paid invoice(s), 2 ledger row(s) for them');
    expect(result.stdout).toContain('No mismatches.');
  });

  it('exits 1 and prints the planted mismatch', async () => {
    // Prepare
    const [paid, short] = [ledgerRow('in_1'), ledgerRow('in_2')];
    api.rows = [paid, short];
    const stripe = stripeHolding(
      [invoice('in_1'), invoice('in_2'), invoice('in_lost', { customer: 'cus_unknown' })],
      [transferFor(paid), transferFor(short, { amount: short.shareCents - 1 })],
    );

    // Act
    const result = await ops(['reconcile', '--date', '2026-12-01'], { stripe: stripe.source });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/MISSING_LEDGER_ROW\s+in_lost/);
    expect(result.stdout).toMatch(
      new RegExp(
        `AMOUNT_DIFFERS\\s+in_2\\s+${short.revenueShareId}\\s+tr_in_2\\s+transfer amount 18517, ledger shareCents 18518`,
      ),
    );
    expect(result.stderr).toContain('2 mismatch(es) on 2026-12-01.');
  });

  it('prints a transfer made for a row the ledger says failed as UNRECORDED_TRANSFER', async () => {
    // Prepare: the worker died after its create; the row was later marked TRANSFER_FAILED with no transfer recorded
    const row = ledgerRow('in_1', { payoutStatus: 'TRANSFER_FAILED', stripeTransferId: undefined });
    api.rows = [row];
    const stripe = stripeHolding([invoice('in_1')], [transferFor(row, { id: 'tr_made' })]);

    // Act
    const result = await ops(['reconcile', '--date', '2026-12-01'], { stripe: stripe.source });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `UNRECORDED_TRANSFER\\s+in_1\\s+${row.revenueShareId}\\s+tr_made\\s+transfer of 18518 usd to acct_shahdol names this row, but the ledger records no transfer for it \\(TRANSFER_FAILED\\)`,
      ),
    );
  });

  it('prints the mismatches as JSON with --json', async () => {
    // Prepare
    const row = ledgerRow('in_1');
    api.rows = [row];
    const stripe = stripeHolding(
      [invoice('in_1')],
      [transferFor(row, { reversed: true, amount_reversed: row.shareCents })],
    );

    // Act
    const result = await ops(['reconcile', '--date', '2026-12-01', '--json'], { stripe: stripe.source });

    // Assess
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      date: '2026-12-01',
      paidInvoices: 1,
      ledgerRows: 1,
      transfers: 1,
      mismatches: [
        expect.objectContaining({ kind: 'REVERSED', revenueShareId: row.revenueShareId, stripeTransferId: 'tr_in_1' }),
      ],
      outOfBand: [],
    });
  });

  it('finds rows a paged listing leaves out, by id, rather than calling them missing', async () => {
    // Prepare
    api.rows = [ledgerRow('in_1'), ledgerRow('in_2'), ledgerRow('in_3')];
    api.listLimit = 1;
    const stripe = stripeHolding(
      [invoice('in_1'), invoice('in_2'), invoice('in_3', { customer: null })],
      api.rows.map((row) => transferFor(row)),
    );

    // Act
    const result = await ops(['reconcile', '--date', '2026-12-01'], { stripe: stripe.source });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No mismatches.');
  });

  it("reads transfers by id far past the scheduled run's bound, so it checks a day that run could not", async () => {
    // Prepare: 501 rows paid that day whose transfers were made the day before (outside the listing); the last short
    api.rows = Array.from({ length: MAX_TRANSFERS_READ_BY_ID + 1 }, (_, i) => ledgerRow(`in_${i}`));
    const earlier = api.rows.map((row, i) =>
      transferFor(row, {
        amount: i === MAX_TRANSFERS_READ_BY_ID ? row.shareCents - 1 : row.shareCents,
        created: Date.parse('2026-11-30T09:00:00Z') / 1000,
      }),
    );
    const source: ReconcileStripeSource = {
      ...stripeHolding(
        api.rows.map((row) => invoice(row.invoiceId)),
        [],
      ).source,
      retrieveTransfers: async (ids) => earlier.filter((t) => ids.includes(t.id)),
    };

    // Act
    const result = await ops(['reconcile', '--date', '2026-12-01', '--json'], { stripe: source });

    // Assess
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).mismatches).toEqual([
      expect.objectContaining({ kind: 'AMOUNT_DIFFERS', invoiceId: `in_${MAX_TRANSFERS_READ_BY_ID}` }),
    ]);
  });

  it('reports a transfer naming a row that cannot exist as an orphan, not as an error', async () => {
    // Prepare
    const row = ledgerRow('in_1');
    api.rows = [row];
    const stray = transferFor(row, { id: 'tr_stray', metadata: { revenueShareId: 'rs with spaces' } });
    const stripe = stripeHolding([invoice('in_1')], [transferFor(row), stray]);

    // Act
    const result = await ops(['reconcile', '--date', '2026-12-01', '--json'], { stripe: stripe.source });

    // Assess
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).mismatches).toEqual([
      expect.objectContaining({
        kind: 'ORPHAN_TRANSFER',
        revenueShareId: 'rs with spaces',
        stripeTransferId: 'tr_stray',
      }),
    ]);
  });

  it("checks the day's disputed and refunded charges against their clawback targets, under the district's policy", async () => {
    // Prepare: in_1's charge ch_1 is disputed in full (open), nothing clawed back; ch_2 (refunded) paid no invoice
    const row = ledgerRow('in_1', {
      sourceCharges: [{ chargeId: 'ch_1', amountCents: 123_456 }],
      transferParts: [{ index: 0, amountCents: 18_518, sourceChargeId: 'ch_1', stripeTransferId: 'tr_in_1' }],
    });
    api.rows = [row];
    const asked: { types: readonly string[]; created: CreatedRange }[] = [];
    const source: ReconcileStripeSource = {
      ...stripeHolding([invoice('in_1')], [transferFor(row)]).source,
      events: async (types, created) => {
        asked.push({ types, created });
        return [
          {
            id: 'evt_dp',
            type: 'charge.dispute.created',
            object: { id: 'dp_1', charge: 'ch_1', payment_intent: 'pi_1' },
          },
          { id: 'evt_rf', type: 'charge.refunded', object: { id: 'ch_2', payment_intent: 'pi_2' } },
        ];
      },
      chargeSnapshot: async (chargeId) => ({
        chargeId,
        amountCents: 123_456,
        refundedCents: 0,
        disputes: [{ disputeId: 'dp_1', amountCents: 123_456, status: 'needs_response' }],
        paymentIntentId: 'pi_1',
      }),
      invoicesPaidWith: async (paymentIntentId) => (paymentIntentId === 'pi_1' ? ['in_1'] : []),
    };

    // Act
    api.districts = [district('shahdol', { disputePolicy: 'REVERSE_ON_LOSS' })];
    const onLoss = await ops(['reconcile', '--date', '2026-12-01'], { stripe: source });
    api.districts = [district('shahdol', { disputePolicy: 'REVERSE_ON_DISPUTE' })];
    const onDispute = await ops(['reconcile', '--date', '2026-12-01', '--json'], { stripe: source });

    // Assess
    expect(asked[0]).toEqual({
      types: [
        'charge.refunded',
        'refund.updated',
        'refund.failed',
        'charge.dispute.created',
        'charge.dispute.funds_withdrawn',
        'charge.dispute.funds_reinstated',
        'charge.dispute.closed',
        'charge.dispute.updated',
      ],
      created: { gte: Date.parse('2026-12-01T00:00:00Z') / 1000, lt: Date.parse('2026-12-02T00:00:00Z') / 1000 },
    });
    expect(onLoss.code).toBe(0);
    expect(onLoss.stdout).toContain('1 transfer(s) that day, 2 charge(s) refunded or disputed checked.');
    expect(onDispute.code).toBe(1);
    expect(JSON.parse(onDispute.stdout)).toMatchObject({
      moneyEventCharges: 2,
      mismatches: [
        {
          kind: 'CLAWBACK_DIFFERS',
          invoiceId: 'in_1',
          revenueShareId: row.revenueShareId,
          chargeId: 'ch_1',
          stripeTransferId: 'tr_in_1',
          detail: expect.stringContaining('target 18518: would reverse 18518 from tr_in_1'),
        },
      ],
    });
  });

  it('exits 1 naming the API when it cannot be reached', async () => {
    // Prepare
    const stripe = stripeHolding([invoice('in_1')], []);
    const term = terminal();

    // Act
    const code = await runOps(['reconcile', '--api', 'http://127.0.0.1:9'], {
      io: term.io,
      env: {},
      stripeSource: () => stripe.source,
    });

    // Assess
    expect(code).toBe(1);
    expect(term.stderr()).toMatch(/^Error: GET http:\/\/127\.0\.0\.1:9\/platform\/revenue-shares: fetch failed/);
  });
});
