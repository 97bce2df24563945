/**
 * `expand[]=a.b.c`: ids along the path are replaced by their objects (`data.` steps into a list's items); the
 * includable `payments` of an invoice is added as the list of its invoice payments. Works on a copy of the response.
 */
import { parameterInvalid } from './errors.js';
import type { FormParams } from './form.js';
import { isPlainObject, list } from './objects.js';
import type { EmulatorStore } from './store.js';

type Lookup = (id: string) => unknown;

function lookup(store: EmulatorStore): Lookup {
  const tables: Array<[string, (id: string) => unknown]> = [
    ['ch_', (id) => store.payments.charges.get(id)],
    ['py_', (id) => store.payments.charges.get(id)],
    ['pi_', (id) => store.payments.intents.get(id)],
    ['txn_', (id) => store.ledger.find(id)],
    ['cus_', (id) => store.customers.customers.get(id)],
    ['in_', (id) => store.invoicing.invoices.get(id)],
    ['inpay_', (id) => store.invoicing.payments.get(id)],
    ['ii_', (id) => store.invoicing.items.get(id)],
    ['re_', (id) => store.refunds.refunds.get(id)],
    ['du_', (id) => store.disputes.disputes.get(id)],
    ['cn_', (id) => store.creditNotes.creditNotes.get(id)],
    ['tr_', (id) => store.transfers.get(id)],
    ['acct_', (id) => store.accounts.get(id)],
  ];
  return (id) => tables.find(([prefix]) => id.startsWith(prefix))?.[1](id);
}

const isList = (value: unknown): value is { object: 'list'; data: unknown[] } =>
  isPlainObject(value) && value.object === 'list' && Array.isArray(value.data);

function expandPath(target: unknown, segments: string[], path: string, find: Lookup, store: EmulatorStore): void {
  const [head, ...rest] = segments;
  if (head === undefined || !isPlainObject(target)) return;
  let value = target[head];
  if (head === 'payments' && target.object === 'invoice' && typeof target.id === 'string') {
    value = isList(value)
      ? value
      : list(structuredClone(store.invoicing.paymentsOf(target.id)), `/v1/invoices/${target.id}/payments`);
    target[head] = value;
  } else if (typeof value === 'string') {
    const found = find(value);
    if (found === undefined) return; // an id the emulator does not hold stays an id
    value = structuredClone(found);
    target[head] = value;
  } else if (value === undefined) {
    // A hash of one of several types (an invoice payment's `payment`) has only its own type's field: nothing to expand.
    if (typeof target.type === 'string' && target.type !== head) return;
    throw parameterInvalid('expand', `This property cannot be expanded (${path}).`, null);
  }
  if (rest.length === 0) return;
  if (isList(value) && rest[0] === 'data') {
    for (const item of value.data) expandPath(item, rest.slice(1), path, find, store);
    return;
  }
  expandPath(value, rest, path, find, store);
}

/** The `expand` param as a list of dotted paths. */
export function expandPaths(params: FormParams): string[] {
  const raw = params.expand;
  if (raw === undefined || raw === '') return [];
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : Object.values(raw);
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** The response with every `expand` path expanded (the stored objects are left as they are). */
export function expandResponse(body: unknown, params: FormParams, store: EmulatorStore): unknown {
  const paths = expandPaths(params);
  if (paths.length === 0) return body;
  const copy = structuredClone(body);
  const find = lookup(store);
  for (const path of paths) {
    const segments = path.split('.');
    if (isList(copy) && segments[0] === 'data') {
      for (const item of copy.data) expandPath(item, segments.slice(1), path, find, store);
    } else {
      expandPath(copy, segments, path, find, store);
    }
  }
  return copy;
}
