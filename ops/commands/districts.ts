import { DEFAULT_DISPUTE_POLICY, DISPUTE_POLICIES, isDisputePolicy } from '../../domain/clawback/dispute-policy.js';
import type { District } from '../../domain/model.js';
import { type Command, EXIT_OK, type OptionValues, requiredString, stringList, UsageError } from '../command.js';
import { formatBps, formatMoney, printJson, renderFields, renderTable } from '../output.js';
import type { DistrictInput } from '../platform-client.js';

export const districtsList: Command = {
  words: ['districts', 'list'],
  args: [],
  synopsis: '',
  summary: 'Every district and its payout configuration.',
  options: {},
  async run({ client, io, json }) {
    const districts = await client.listDistricts();
    if (json) {
      printJson(io, districts);
    } else if (districts.length === 0) {
      io.out('No districts.');
    } else {
      io.out(
        renderTable(districts, [
          { header: 'DISTRICT', value: (d) => d.districtId },
          { header: 'STRIPE ACCOUNT', value: (d) => d.stripeAccountId },
          { header: 'SHARE', value: (d) => formatBps(d.shareBps), align: 'right' },
          { header: 'CURRENCY', value: (d) => d.currency.toUpperCase() },
          { header: 'AUTO TRANSFER', value: (d) => (d.autoTransfer ? 'yes' : 'no') },
          { header: 'CUSTOMERS', value: (d) => d.stripeCustomerIds.join(',') || '-' },
          { header: 'DISPUTES', value: (d) => d.disputePolicy ?? DEFAULT_DISPUTE_POLICY },
          { header: 'OWED', value: (d) => formatMoney(d.owedCents ?? 0, d.currency), align: 'right' },
          { header: 'UPDATED', value: (d) => d.updatedAt },
        ]),
      );
    }
    return EXIT_OK;
  },
};

export const districtsPut: Command = {
  words: ['districts', 'put'],
  args: ['ID'],
  synopsis:
    '--account acct_... --share-bps N --currency usd [--auto-transfer|--no-auto-transfer] [--auto-pay-out-of-band|--no-auto-pay-out-of-band] [--dispute-policy REVERSE_ON_DISPUTE|REVERSE_ON_LOSS] [--customer cus_... ...]',
  summary:
    'Create or replace a district. Without --[no-]auto-transfer / --[no-]auto-pay-out-of-band / --customer an existing district keeps its values (new: auto transfer on, out-of-band shares wait for review, no customers); so does one without --dispute-policy (new: REVERSE_ON_DISPUTE).',
  options: {
    account: { type: 'string' },
    'share-bps': { type: 'string' },
    currency: { type: 'string' },
    'auto-transfer': { type: 'boolean' },
    'auto-pay-out-of-band': { type: 'boolean' },
    customer: { type: 'string', multiple: true },
    'dispute-policy': { type: 'string' },
  },
  async run({ client, io, json }, { args: [districtId = ''], values }) {
    let lookup: Promise<District | undefined> | undefined;
    const existing = () => {
      lookup ??= existingDistrict(client.listDistricts(), districtId);
      return lookup;
    };
    const input = await districtInput(values, existing);
    // Read before the put (it would read the new account after); only the text output uses it.
    const before = json ? undefined : await existing();
    const district = await client.putDistrict(districtId, input);
    if (json) {
      printJson(io, district);
    } else {
      io.out(`District ${district.districtId} saved.`);
      io.out(describeDistrict(district));
      if (before && before.stripeAccountId !== district.stripeAccountId) io.out(accountChanged(before, district));
    }
    return EXIT_OK;
  },
};

/** Rows written before keep the account they were written with; the transfer worker refuses to pay them as they are. */
const accountChanged = (before: District, after: District): string =>
  `Account changed from ${before.stripeAccountId} to ${after.stripeAccountId}. Unpaid payouts written before still ` +
  `pay ${before.stripeAccountId}, and their transfers fail (district_changed). For each one ` +
  `(payouts list --district ${after.districtId} --status TRANSFER_FAILED, and PENDING ones never transferred), ` +
  `payouts retry ID --by WHO --reason WHY moves it to ${after.stripeAccountId} if no money went to ` +
  `${before.stripeAccountId} for it.`;

async function districtInput(
  values: OptionValues,
  existing: () => Promise<District | undefined>,
): Promise<DistrictInput> {
  const stripeAccountId = requiredString(values, 'account');
  const shareText = requiredString(values, 'share-bps');
  if (!/^\d+$/.test(shareText)) throw new UsageError('--share-bps must be a whole number of basis points (0-10000)');
  const currency = requiredString(values, 'currency');
  const autoTransfer = values['auto-transfer'];
  const customers = stringList(values, 'customer');
  const autoPayOutOfBand = values['auto-pay-out-of-band'];
  const policyText = values['dispute-policy'];
  if (policyText !== undefined && !isDisputePolicy(policyText)) {
    throw new UsageError(`--dispute-policy must be one of ${DISPUTE_POLICIES.join(', ')}`);
  }
  const keeps =
    autoTransfer === undefined || customers === undefined || autoPayOutOfBand === undefined || policyText === undefined;
  const current = keeps ? await existing() : undefined;
  return {
    stripeAccountId,
    shareBps: Number(shareText),
    currency,
    autoTransfer: typeof autoTransfer === 'boolean' ? autoTransfer : (current?.autoTransfer ?? true),
    stripeCustomerIds: customers ?? current?.stripeCustomerIds ?? [],
    // Sent when given or kept on: the API takes an omitted value as false (out-of-band shares wait for review).
    ...(typeof autoPayOutOfBand === 'boolean'
      ? { autoPayOutOfBand }
      : current?.autoPayOutOfBand
        ? { autoPayOutOfBand: true }
        : {}),
    ...(isDisputePolicy(policyText)
      ? { disputePolicy: policyText }
      : current?.disputePolicy
        ? { disputePolicy: current.disputePolicy }
        : {}),
  };
}

async function existingDistrict(all: Promise<District[]>, districtId: string): Promise<District | undefined> {
  return (await all).find((district) => district.districtId === districtId);
}

function describeDistrict(district: District): string {
  return renderFields([
    ['stripeAccountId', district.stripeAccountId],
    ['share', `${formatBps(district.shareBps)} (${district.shareBps} bps)`],
    ['currency', district.currency.toUpperCase()],
    ['autoTransfer', district.autoTransfer ? 'yes' : 'no'],
    ['autoPayOutOfBand', district.autoPayOutOfBand ? 'yes' : 'no'],
    ['disputePolicy', district.disputePolicy ?? DEFAULT_DISPUTE_POLICY],
    ['stripeCustomerIds', district.stripeCustomerIds.join(', ') || '-'],
    ['updatedAt', district.updatedAt],
  ]);
}
