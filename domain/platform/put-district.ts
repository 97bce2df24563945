/**
 * PUT /platform/districts/{districtId}: creates or replaces a district's payout configuration. Every field is
 * required (a PUT replaces the whole configuration, so an omitted field would silently reset it). createdAt is
 * kept on update. A Stripe customer id may belong to one district only: an invoice found through its customer
 * must name exactly one district, or it could pay the wrong one.
 *
 * Currency must already be lower-case ("usd"): it is compared verbatim with Stripe's invoice currency, and this
 * API does not coerce money fields, so "USD" is refused with a message saying so.
 */
import { DEFAULT_DISPUTE_POLICY, DISPUTE_POLICIES, type DisputePolicy } from '../clawback/dispute-policy.js';
import type { District } from '../model.js';
import type { Clock, DistrictStore } from '../ports.js';
import { ConflictError, InvalidRequestError } from './errors.js';
import {
  DISTRICT_ID_PATTERN,
  optionalBoolean,
  rejectUnknownFields,
  requiredBoolean,
  requiredInteger,
  requiredString,
  requireObject,
  uniqueStrings,
} from './validate.js';

export const STRIPE_ACCOUNT_ID_PATTERN = /^acct_[A-Za-z0-9]+$/;
/** Stripe's own ids are alphanumeric; underscores are allowed too (fixtures and test ids use them). */
export const STRIPE_CUSTOMER_ID_PATTERN = /^cus_[A-Za-z0-9_]{1,250}$/;
export const CURRENCY_PATTERN = /^[a-z]{3}$/;
export const MAX_CUSTOMER_IDS = 100;

const FIELDS = ['stripeAccountId', 'shareBps', 'currency', 'autoTransfer', 'stripeCustomerIds'] as const;
/**
 * Optional: autoPayOutOfBand omitted means false, the safe value (money paid out of band waits for a person);
 * disputePolicy omitted means REVERSE_ON_DISPUTE (domain/clawback/dispute-policy.ts).
 */
const OPTIONAL_FIELDS = ['autoPayOutOfBand', 'disputePolicy'] as const;

export type DistrictInput = Pick<District, (typeof FIELDS)[number]> & {
  autoPayOutOfBand: boolean;
  disputePolicy: DisputePolicy;
};

export const parseDistrictId = (value: unknown): string =>
  requiredString(value, 'districtId', DISTRICT_ID_PATTERN, 'lower-case letters, digits, - and _, at most 64');

export function parseDistrictInput(body: unknown): DistrictInput {
  const input = requireObject(body);
  rejectUnknownFields(input, [...FIELDS, ...OPTIONAL_FIELDS]);
  const currency = requiredString(input.currency, 'currency');
  if (!CURRENCY_PATTERN.test(currency)) {
    const hint = /^[A-Za-z]{3}$/.test(currency) ? `, e.g. "${currency.toLowerCase()}"` : '';
    throw new InvalidRequestError('currency', `currency must be a three-letter lower-case ISO code${hint}`);
  }
  return {
    stripeAccountId: requiredString(input.stripeAccountId, 'stripeAccountId', STRIPE_ACCOUNT_ID_PATTERN, 'acct_...'),
    shareBps: requiredInteger(input.shareBps, 'shareBps', 0, 10_000),
    currency,
    autoTransfer: requiredBoolean(input.autoTransfer, 'autoTransfer'),
    autoPayOutOfBand: optionalBoolean(input.autoPayOutOfBand, 'autoPayOutOfBand') ?? false,
    disputePolicy: parseDisputePolicy(input.disputePolicy),
    stripeCustomerIds: uniqueStrings(
      input.stripeCustomerIds,
      'stripeCustomerIds',
      STRIPE_CUSTOMER_ID_PATTERN,
      'cus_...',
      MAX_CUSTOMER_IDS,
    ),
  };
}

function parseDisputePolicy(value: unknown): DisputePolicy {
  if (value === undefined) return DEFAULT_DISPUTE_POLICY;
  const policy = DISPUTE_POLICIES.find((p) => p === value);
  if (!policy)
    throw new InvalidRequestError('disputePolicy', `disputePolicy must be one of ${DISPUTE_POLICIES.join(', ')}`);
  return policy;
}

export interface PutDistrictDeps {
  districts: DistrictStore;
  clock: Clock;
}

export async function putDistrict(districtIdParam: unknown, body: unknown, deps: PutDistrictDeps): Promise<District> {
  const districtId = parseDistrictId(districtIdParam);
  const input = parseDistrictInput(body);
  const owners = await Promise.all(
    input.stripeCustomerIds.map(async (customerId) => ({
      customerId,
      others: (await deps.districts.findByCustomerId(customerId)).filter((d) => d.districtId !== districtId),
    })),
  );
  const taken = owners.find(({ others }) => others.length > 0);
  if (taken) {
    const names = taken.others.map((d) => d.districtId).join(', ');
    throw new ConflictError(`stripeCustomerIds: ${taken.customerId} already belongs to district ${names}`);
  }
  const existing = await deps.districts.get(districtId);
  const now = deps.clock.now().toISOString();
  const district: District = { districtId, ...input, createdAt: existing?.createdAt ?? now, updatedAt: now };
  await deps.districts.put(district);
  return district;
}
