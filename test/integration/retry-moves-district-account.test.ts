/**
 * A district's Connect account changed (`districts put`) after its rows were written: the transfer worker refuses a
 * row whose district now has another account (district_changed), and `payouts retry` moves a row no money went to
 * onto the district's new account, recorded with who and why. A row paid in part to the old account is refused.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { District, RevenueShare } from '../../domain/model.js';
import { PaymentProviderError } from '../../domain/ports.js';
import { stripePaymentsFromContext } from '../../functions/commons/stripe-payments.js';
import type { LocalApiGateway } from '../../local/api-gateway.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { runOpsAgainst } from '../support/ops-cli.js';
import { PayoutHarness } from '../support/payout-harness.js';
import { type PlatformRequestInit, platformRequest } from '../support/platform-requests.js';
import { aroundCalls } from '../support/stripe-call-hooks.js';

describe('payouts retry of a row whose district changed its account', () => {
  let harness: PayoutHarness;
  let gateway: LocalApiGateway;

  beforeAll(async () => {
    harness = await PayoutHarness.start('account-move');
    gateway = await harness.startPlatformGateway();
  });

  afterAll(async () => {
    await gateway?.close();
    await harness?.stop();
  });

  /** The operator CLI against the platform API behind the local gateway. */
  const ops = (...args: string[]) => runOpsAgainst(gateway.url, args);

  beforeEach(async () => {
    await harness.drainAll();
  });

  const call = async (method: string, resource: string, init: PlatformRequestInit = {}) => {
    const response: APIGatewayProxyResult = await harness.platformApiHandler()(
      platformRequest(method, resource, init),
      lambdaContext('platform-api', 20),
    );
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };

  const newAccount = async () => (await harness.stripe.accounts.create({ type: 'express', country: 'US' })).id;

  /** `districts put` with another account, the rest of the district as it is. */
  const putAccount = (district: District, stripeAccountId: string) =>
    call('PUT', '/platform/districts/{districtId}', {
      params: { districtId: district.districtId },
      body: {
        stripeAccountId,
        shareBps: district.shareBps,
        currency: district.currency,
        autoTransfer: district.autoTransfer,
        stripeCustomerIds: district.stripeCustomerIds,
      },
    });

  const retry = (revenueShareId: string, move: { by?: string; reason?: string } = {}) =>
    call('POST', '/platform/payout/retry', { body: { revenueShareId, ...move } });

  const fix = { by: 'jane@example.org', reason: 'district re-onboarded: ticket 4711' };

  const rowNow = async (revenueShareId: string) => (await harness.ledger.get(revenueShareId)) as RevenueShare;

  it('pays a row that failed on a missing account once, to the account the district was put with, after a retry', async () => {
    // Prepare: the district's account does not exist at Stripe; its row's transfer fails with resource_missing
    const district = await harness.addDistrict({ stripeAccountId: 'acct_doesnotexist' });
    const written = await harness.writtenRow(district, 10_000);
    await harness.runQueue('transfer', harness.transferHandler());
    const failed = await rowNow(written.revenueShareId);
    expect(failed).toMatchObject({
      payoutStatus: 'TRANSFER_FAILED',
      lastError: expect.stringMatching(/^resource_missing/),
    });
    const good = await newAccount();
    await harness.alerts();

    // Act: the runbook with the operator CLI: districts put, then payouts retry (refused without who and why)
    const put = await ops(
      'districts',
      'put',
      district.districtId,
      '--account',
      good,
      '--share-bps',
      '1500',
      '--currency',
      'usd',
    );
    const unsaid = await ops('payouts', 'retry', written.revenueShareId);
    const unchanged = await rowNow(written.revenueShareId);
    const retried = await ops('payouts', 'retry', written.revenueShareId, '--by', fix.by, '--reason', fix.reason);
    await harness.runQueue('transfer', harness.transferHandler());
    await harness.runQueue('markPaid', harness.markPaidHandler());

    // Assess: one transfer, of the whole share, to the new account; the move is on the row
    expect(put.code).toBe(0);
    expect(put.out).toContain(`Account changed from acct_doesnotexist to ${good}`);
    expect(put.out).toContain('payouts retry ID --by WHO --reason WHY');
    expect(unsaid.code).toBe(1);
    expect(unsaid.err).toContain(`district ${district.districtId}'s account is now ${good}`);
    expect(unsaid.err).toContain('--by WHO --reason WHY');
    expect(unchanged).toEqual(failed);
    expect(retried).toMatchObject({ code: 0, err: '' });
    expect(retried.out).toBe(
      `Moved by ${fix.by} from acct_doesnotexist to ${good} (the district's account now).\n` +
        `Transfer attempt 2 queued for ${written.revenueShareId}.`,
    );
    const transfers = harness.emulator.transfers().filter((t) => t.transfer_group === written.revenueShareId);
    expect(transfers.map((t) => [t.destination, t.amount])).toEqual([[good, 1_500]]);
    const paid = await rowNow(written.revenueShareId);
    expect(paid).toMatchObject({
      payoutStatus: 'PAID',
      destinationAccountId: good,
      stripeTransferId: transfers[0]?.id,
      destinationChanges: [{ from: 'acct_doesnotexist', to: good, ...fix, at: expect.any(String) }],
    });
    expect((await harness.alerts()).map((a) => a.kind)).toEqual([]);
    const shown = await call('GET', '/platform/revenue-shares/{revenueShareId}', {
      params: { revenueShareId: written.revenueShareId },
    });
    expect(shown.body.destinationChanges).toEqual(paid.destinationChanges);
  });

  it('refuses (409) to move a split row whose first part was transferred to the old account, and changes nothing', async () => {
    // Prepare: two charges, two parts; part 1 is transferred to the old account, part 2 is refused by Stripe
    const district = await harness.addDistrict();
    const old = district.stripeAccountId;
    const written = await harness.writtenRow(district, 10_000, [
      { paymentMethod: 'pm_card_bypassPending', amount: 6_000 },
      { paymentMethod: 'pm_card_bypassPending', amount: 4_000 },
    ]);
    const payments = aroundCalls(stripePaymentsFromContext(harness.runtime('transfer').stripe), 'createTransfer', {
      before: async (call) => {
        if (call === 2) throw new PaymentProviderError(true, 'account_invalid', 'The destination account is closed');
      },
    });
    await harness.runQueue('transfer', harness.transferHandler({ payments }));
    const failed = await rowNow(written.revenueShareId);
    expect(failed.payoutStatus).toBe('TRANSFER_FAILED');
    const [sent] = harness.transfersTo(old);
    expect(failed.transferParts?.filter((p) => p.stripeTransferId).map((p) => p.stripeTransferId)).toEqual([sent?.id]);
    const good = await newAccount();
    await putAccount(district, good);
    await harness.alerts();

    // Act
    const refused = await retry(written.revenueShareId, fix);
    await harness.runQueue('transfer', harness.transferHandler());

    // Assess: nothing moved, nothing queued, nothing sent to either account
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain(`cannot be moved to ${good}`);
    expect(refused.body.error).toContain(`money already went to ${old} for it (part `);
    expect(refused.body.error).toContain(String(sent?.id));
    expect(refused.body.error).toContain('escalate to finance');
    expect(await rowNow(written.revenueShareId)).toEqual(failed);
    expect(harness.transfersTo(old)).toHaveLength(1);
    expect(harness.transfersTo(good)).toEqual([]);
    expect(await harness.alerts()).toEqual([]);
  });

  it('puts a moved row back on the old account when its group shows a transfer made there before its record was lost', async () => {
    // Prepare: the worker's create reaches Stripe (old account), then the district is put on a new account and the
    // worker dies before recording; the redelivery refuses the row (district_changed), which a person retries
    const district = await harness.addDistrict();
    const old = district.stripeAccountId;
    const good = await newAccount();
    const written = await harness.writtenRow(district, 10_000);
    const payments = aroundCalls(stripePaymentsFromContext(harness.runtime('transfer').stripe), 'createTransfer', {
      after: async (call) => {
        if (call !== 1) return;
        await harness.districts.put({ ...district, stripeAccountId: good, updatedAt: new Date().toISOString() });
        throw new Error('worker died after the create');
      },
    });
    await harness.runQueue('transfer', harness.transferHandler({ payments }));
    expect(await rowNow(written.revenueShareId)).toMatchObject({
      payoutStatus: 'TRANSFER_FAILED',
      lastError: expect.stringMatching(/^district_changed/),
    });
    await harness.alerts();

    // Act
    const retried = await retry(written.revenueShareId, fix);
    await harness.runQueue('transfer', harness.transferHandler());

    // Assess: still the one transfer, to the old account, recorded on the row, which is back on the old account
    expect(retried.status).toBe(202);
    const [made, ...more] = harness.transfersTo(old);
    expect(more).toEqual([]);
    expect(harness.transfersTo(good)).toEqual([]);
    const now = await rowNow(written.revenueShareId);
    expect(now).toMatchObject({ destinationAccountId: old, stripeTransferId: made?.id });
    expect(now.destinationChanges?.map((c) => [c.from, c.to, c.by])).toEqual([
      [old, good, fix.by],
      [good, old, 'transfer worker'],
    ]);
    const alerts = await harness.alerts();
    expect(alerts.map((a) => a.kind)).toEqual(['TRANSFER_MISMATCH']);
    expect(alerts[0]?.message).toContain(`back on ${old}`);
  });
});
