import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTED_EVENT_TYPES } from '#contracts/stripe-events.js';
import { createStripeClient } from '../../functions/commons/stripe-client.js';
import { freePort } from '../../local/free-port.js';
import { payInvoice } from '../../local/stripe-cli/pay-invoice.js';

const run = promisify(execFile);
const SECRET = 'whsec_npm_start_test';

interface Ports {
  api: number;
  stripe: number;
}

/** `npm start` in its own process group, as a terminal runs it (Ctrl-C signals the whole group). */
function startStack(ports: Ports): { child: ChildProcess; output: () => string } {
  const child = spawn('npm', ['start', '--silent'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(ports.api),
      STRIPE_EMULATOR_PORT: String(ports.stripe),
      STRIPE_WEBHOOK_SECRET: SECRET,
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A process ended by a signal has a signalCode and no exitCode. */
const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

const isListening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const processesInGroup = async (pgid: number): Promise<string[]> => {
  const { stdout } = await run('pgrep', ['-a', '-g', String(pgid)]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean);
};

describe('npm start: the whole stack on one machine', () => {
  let ports: Ports;
  let stack: { child: ChildProcess; output: () => string };
  let api: string;
  let emulator: string;

  const ops = async (...args: string[]) => {
    const result = await run('npx', ['tsx', 'ops/cli.ts', ...args, '--api', api], {
      env: { ...process.env, STRIPE_API_BASE_URL: emulator },
    }).then(
      (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
      (failed: { code: number; stdout: string; stderr: string }) => failed,
    );
    return result;
  };

  const deliver = async (object: Record<string, unknown>, secret = SECRET) => {
    const response = await fetch(`${emulator}/_emulator/deliver`, {
      method: 'POST',
      body: JSON.stringify({ type: 'invoice.paid', object, url: `${api}/stripe/webhook`, secret }),
    });
    return (await response.json()) as { status: number; body: string; event: { id: string } };
  };

  /** An invoice paid by card through the SDK, as a customer would; the emulator delivers its invoice.paid itself. */
  const payThroughSdk = async (districtId: string, amount: number) => {
    const stripe = createStripeClient('sk_test_npm_start', { baseUrl: emulator, maxNetworkRetries: 0 });
    const { invoice: paid } = await payInvoice(stripe, { districtId, amount });
    const { data } = await stripe.events.list({ type: 'invoice.paid', limit: 100 });
    const event = data.find((candidate) => (candidate.data.object as { id?: string }).id === paid.id);
    if (!event) throw new Error(`no invoice.paid event for ${paid.id}`);
    return { invoice: paid, event };
  };

  const invoice = async (overrides: Record<string, unknown>) =>
    (await (
      await fetch(`${emulator}/_emulator/invoices`, { method: 'POST', body: JSON.stringify(overrides) })
    ).json()) as { id: string };

  beforeAll(async () => {
    ports = { api: await freePort(), stripe: await freePort() };
    api = `http://127.0.0.1:${ports.api}`;
    emulator = `http://127.0.0.1:${ports.stripe}`;
    stack = startStack(ports);
    await waitFor(
      async () => ((await fetch(`${api}/health`)).status === 200 ? true : undefined),
      `GET /health (output so far: ${stack.output()})`,
    );
    // The demo district is seeded right after the services are up.
    await waitFor(async () => (stack.output().includes('local stack is up') ? true : undefined), 'the banner');
  }, 120_000);

  afterAll(async () => {
    if (stack?.child.pid && !hasExited(stack.child)) process.kill(-stack.child.pid, 'SIGKILL');
  });

  it('answers health and prints the webhook URL it serves', async () => {
    // Act
    const health = await fetch(`${api}/health`);
    // Assess
    expect(health.status).toBe(200);
    expect(stack.output()).toContain(`${api}/stripe/webhook`);
  });

  it('registers its webhook at the emulator and names the endpoint, its secret and the rate limits in the banner', async () => {
    // Act
    const endpoints = (await (
      await fetch(`${emulator}/v1/webhook_endpoints`, { headers: { authorization: 'Bearer sk_test_any_key' } })
    ).json()) as { data: { id: string; url: string; enabled_events: string[]; status: string }[] };
    // Assess
    expect(endpoints.data).toHaveLength(1);
    const [endpoint] = endpoints.data;
    expect(endpoint).toMatchObject({ url: `${api}/stripe/webhook`, status: 'enabled' });
    expect(endpoint?.enabled_events.sort()).toEqual([...ROUTED_EVENT_TYPES].sort());
    const banner = stack.output();
    expect(banner).toContain(`Registered      ${endpoint?.id}`);
    expect(banner).toMatch(/Webhook secret {2}whsec_\w+ \(returned by the registration\)/);
    expect(banner).toContain('(from STRIPE_WEBHOOK_SECRET, accepted too)');
    expect(banner).toContain('Rate limits     off');
    expect(banner).toContain('any sk_test_ key');
  });

  it('npm run demo pays an invoice through the SDK, the emulator delivers invoice.paid, and the payout is PAID', async () => {
    // Act
    const demo = await run('npx', ['tsx', 'local/demo.ts'], {
      env: { ...process.env, PORT: String(ports.api), STRIPE_EMULATOR_PORT: String(ports.stripe) },
    }).then(
      (ok) => ({ code: 0, stdout: ok.stdout }),
      (failed: { code: number; stdout: string }) => failed,
    );
    // Assess
    expect(demo.stdout).toContain('invoice.paid delivered by the emulator');
    expect(demo.stdout).toContain('"status": 200');
    expect(demo.stdout).toContain('Final payout status: PAID');
    expect(demo.code).toBe(0);
  });

  it('takes a paid invoice to a PAID payout, visible through the platform API and ops; a hand-signed event for it (STRIPE_WEBHOOK_SECRET) changes nothing', async () => {
    // Prepare
    const { invoice: paid } = await payThroughSdk('shahdol', 10_001);
    // Act
    const row = await waitFor(async () => {
      const response = await fetch(`${api}/platform/revenue-shares?districtId=shahdol&status=PAID`);
      const { items } = (await response.json()) as { items: { invoiceId: string; [k: string]: unknown }[] };
      return items.find((item) => item.invoiceId === paid.id);
    }, 'the PAID row');
    const delivery = await deliver(paid as unknown as Record<string, unknown>);
    // Assess
    expect(delivery.status).toBe(200);
    const rows = await fetch(`${api}/platform/revenue-shares?districtId=shahdol`);
    const items = ((await rows.json()) as { items: { invoiceId: string }[] }).items;
    expect(items.filter((item) => item.invoiceId === paid.id)).toHaveLength(1);
    expect(row).toMatchObject({ amountCents: 10_001, shareBps: 1500, shareCents: 1500, payoutStatus: 'PAID' });
    const shown = await ops('payouts', 'show', String(row.revenueShareId), '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ payoutStatus: 'PAID', stripeTransferId: row.stripeTransferId });
    const listed = await ops('payouts', 'list', '--district', 'shahdol');
    expect(listed.stdout).toContain(String(row.revenueShareId));
    expect(listed.stdout).toContain('100.01 USD');
  });

  it('refuses a delivery signed with another secret: 400 and no ledger row', async () => {
    // Prepare: an event Stripe never emitted (the emulator's own deliveries are signed with the registered secret),
    // signed by hand with a secret the stack does not know
    const forged = { id: 'in_forged_npm_start', object: 'invoice', customer: 'cus_DemoShahdol', amount_paid: 777 };
    const payload = JSON.stringify({
      id: 'evt_forged_npm_start',
      object: 'event',
      type: 'invoice.paid',
      created: Math.floor(Date.now() / 1000),
      data: { object: forged },
    });
    const signature = new Stripe('sk_test_unused').webhooks.generateTestHeaderString({
      payload,
      secret: 'whsec_not_ours',
    });
    // Act
    const delivery = await fetch(`${api}/stripe/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    // Assess
    expect(delivery.status).toBe(400);
    const events = await ops('events', 'list', '--status', 'RECEIVED', '--json');
    expect(events.stdout).not.toContain('evt_forged_npm_start');
    const rows = await fetch(`${api}/platform/revenue-shares?districtId=shahdol`);
    expect(JSON.stringify(await rows.json())).not.toContain(forged.id);
  });

  it('refuses a delivery without Stripe-Signature in the function: 400 with its reason, no event recorded', async () => {
    // Prepare: an HTTP API validates no request parameter, so nothing but the function stands in the way
    const payload = JSON.stringify({
      id: 'evt_unsigned_npm_start',
      object: 'event',
      type: 'invoice.paid',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'in_unsigned_npm_start', object: 'invoice', customer: 'cus_DemoShahdol', amount_paid: 1 } },
    });
    // Act
    const delivery = await fetch(`${api}/stripe/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    // Assess
    expect(delivery.status).toBe(400);
    expect(await delivery.json()).toEqual({ error: 'Missing Stripe-Signature header' });
    const events = await ops('events', 'list', '--status', 'RECEIVED', '--json');
    expect(events.stdout).not.toContain('evt_unsigned_npm_start');
  });

  it('ops: districts list, events list, resync --dry-run changes nothing, reconcile finds a planted mismatch', async () => {
    // Prepare: an invoice for an unknown district FAILS, and is left FAILED
    const orphan = await invoice({ amount_paid: 5_000, metadata: { districtId: 'nowhere' } });
    const delivery = await deliver(orphan);
    await waitFor(async () => {
      const failed = await ops('events', 'list', '--status', 'FAILED', '--json');
      return failed.stdout.includes(delivery.event.id) ? true : undefined;
    }, 'the FAILED event');
    // Act
    const districts = await ops('districts', 'list');
    const dryRun = await ops('resync', '--dry-run', '--json');
    const stillFailed = await ops('events', 'list', '--status', 'FAILED', '--json');
    const today = new Date().toISOString().slice(0, 10);
    const reconcile = await ops('reconcile', '--date', today, '--json');
    // Assess
    expect(districts.code).toBe(0);
    expect(districts.stdout).toContain('shahdol');
    expect(dryRun.stdout).toContain(delivery.event.id);
    expect(stillFailed.stdout).toContain(delivery.event.id);
    expect(reconcile.code).toBe(1);
    expect(reconcile.stdout).toContain('MISSING_LEDGER_ROW');
    expect(reconcile.stdout).toContain(orphan.id);
  });

  it('ops: districts put fixes the cause, resync pays the FAILED event once, retry and mark-paid of a PAID row are refused', async () => {
    // Prepare: an invoice for a district not configured yet FAILS
    const { invoice: late, event } = await payThroughSdk('latecomer', 2_000);
    await waitFor(async () => {
      const failed = await ops('events', 'list', '--status', 'FAILED', '--json');
      return failed.stdout.includes(event.id) ? true : undefined;
    }, 'the FAILED event');
    const account = (await (
      await fetch(`${emulator}/v1/accounts`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_emulator', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'type=express&country=US',
      })
    ).json()) as { id: string };
    // Act
    const put = await ops(
      'districts',
      'put',
      'latecomer',
      '--account',
      account.id,
      '--share-bps',
      '2500',
      '--currency',
      'usd',
      '--auto-transfer',
    );
    const resync = await ops('resync', '--json', '--wait', '30');
    const row = await waitFor(async () => {
      const listed = await ops('payouts', 'list', '--district', 'latecomer', '--status', 'PAID', '--json');
      const items = JSON.parse(listed.stdout) as { invoiceId: string; revenueShareId: string; shareCents: number }[];
      return items.find((item) => item.invoiceId === late.id);
    }, 'the replayed event to be PAID');
    const retry = await ops('payouts', 'retry', row.revenueShareId);
    const markPaid = await ops('payouts', 'mark-paid', row.revenueShareId);
    const transfers = (await (await fetch(`${emulator}/_emulator/transfers`)).json()) as {
      data: { metadata: Record<string, string> }[];
    };
    // Assess
    expect(put.code).toBe(0);
    expect(resync.stdout).toContain(event.id);
    expect(row.shareCents).toBe(500);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain('409');
    expect(markPaid.code).toBe(1);
    expect(markPaid.stderr).toContain('409');
    expect(transfers.data.filter((t) => t.metadata.revenueShareId === row.revenueShareId)).toHaveLength(1);
  });

  it('refuses an unknown STRIPE_EMULATOR_RATE_LIMITS with exit 2 before starting anything', async () => {
    // Act
    const refused = await run('npx', ['tsx', 'local/start.ts'], {
      env: { ...process.env, PORT: '0', STRIPE_EMULATOR_PORT: '0', STRIPE_EMULATOR_RATE_LIMITS: 'fast' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (failed: { code: number; stderr: string }) => failed,
    );
    // Assess
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('STRIPE_EMULATOR_RATE_LIMITS must be one of off, sandbox, live; got "fast"');
  });

  it('Ctrl-C (SIGINT) stops every process it started and leaves nothing listening', async () => {
    // Prepare
    const pid = stack.child.pid as number;
    // Act
    process.kill(-pid, 'SIGINT');
    await waitFor(async () => (hasExited(stack.child) ? true : undefined), 'npm start to exit', 30_000);
    // npm returns at once; what it started (tsx, node, DynamoDB Local) shuts down in the seconds after.
    const remaining = await waitFor(
      async () => ((await processesInGroup(pid)).length === 0 ? [] : undefined),
      'every process of the group to exit',
      30_000,
    ).catch(async () => processesInGroup(pid));
    // Assess
    expect(remaining).toEqual([]);
    expect(await isListening(ports.api)).toBe(false);
    expect(await isListening(ports.stripe)).toBe(false);
  });
});
