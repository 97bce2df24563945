/** Stripe list endpoints: `limit`, `starting_after`, `ending_before` and `created` range filters, newest first. */
import { parameterInvalid, parameterInvalidInteger, resourceMissing } from './errors.js';
import type { FormParams, FormValue } from './form.js';
import { isPlainObject, list, type StripeList } from './objects.js';

export function parseInteger(param: string, value: FormValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value.trim())) throw parameterInvalidInteger(param, value);
  return Number(value);
}

export function optionalString(param: string, value: FormValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw parameterInvalid(param, `Invalid string: ${JSON.stringify(value)}`);
  return value;
}

/** `created=123` or `created[gte]=..&created[lt]=..` as a predicate on unix seconds. */
export function createdFilter(value: FormValue | undefined): (created: number) => boolean {
  if (value === undefined) return () => true;
  if (typeof value === 'string') {
    const exact = parseInteger('created', value);
    return (created) => created === exact;
  }
  if (!isPlainObject(value)) throw parameterInvalid('created', 'Invalid created filter', 'parameter_invalid_integer');
  const bound = (op: 'gt' | 'gte' | 'lt' | 'lte') => parseInteger(`created[${op}]`, value[op] as FormValue | undefined);
  const [gt, gte, lt, lte] = [bound('gt'), bound('gte'), bound('lt'), bound('lte')];
  return (created) =>
    (gt === undefined || created > gt) &&
    (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) &&
    (lte === undefined || created <= lte);
}

/**
 * One page of `all` (given oldest first, as stored), newest first, keeping only items matching `filter`.
 * `kind` names the resource in resource_missing errors for an unknown cursor.
 */
export function paginate<T extends { id: string; created: number }>(
  all: Iterable<T>,
  params: FormParams,
  url: string,
  kind: string,
  filter: (item: T) => boolean = () => true,
): StripeList<T> {
  const limit = parseInteger('limit', params.limit) ?? 10;
  if (limit < 1 || limit > 100) {
    throw parameterInvalid('limit', 'Invalid limit: must be between 1 and 100', 'parameter_invalid_integer');
  }
  const created = createdFilter(params.created);
  const newestFirst = [...all].reverse();
  const cursorIndex = (param: 'starting_after' | 'ending_before'): number | undefined => {
    const id = optionalString(param, params[param]);
    if (id === undefined) return undefined;
    const index = newestFirst.findIndex((item) => item.id === id);
    if (index < 0) throw resourceMissing(kind, id, param, 400);
    return index;
  };
  const after = cursorIndex('starting_after');
  const before = cursorIndex('ending_before');
  const matches = (item: T) => created(item.created) && filter(item);
  if (before !== undefined && after === undefined) {
    const candidates = newestFirst.slice(0, before).filter(matches);
    return list(candidates.slice(-limit), url, candidates.length > limit);
  }
  const candidates = newestFirst.slice(after === undefined ? 0 : after + 1).filter(matches);
  return list(candidates.slice(0, limit), url, candidates.length > limit);
}
