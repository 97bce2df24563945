/**
 * Stripe's bracket syntax for form bodies and query strings:
 * `metadata[key]=v` -> { metadata: { key: 'v' } }, `created[gte]=1` -> { created: { gte: '1' } },
 * `expand[]=a&expand[]=b` or `expand[0]=a&expand[1]=b` -> { expand: ['a', 'b'] }.
 * Values stay strings, as Stripe receives them; handlers coerce.
 */

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

/** `a[b][]` -> ['a', 'b', ''] */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) parts.push(match[1] ?? '');
  return parts;
}

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** The container to create under `key` for the next path segment: a list for `[]`/`[0]`, except under metadata. */
const containerFor = (key: string, nextSegment: string): FormParams | FormValue[] =>
  key !== 'metadata' && (nextSegment === '' || /^\d+$/.test(nextSegment)) ? [] : {};

function assign(container: FormParams | FormValue[], path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (Array.isArray(container)) {
    const index = head === '' || !/^\d+$/.test(head) ? container.length : Number(head);
    if (rest.length === 0) {
      container[index] = value;
      return;
    }
    const existing = container[index];
    const child = typeof existing === 'object' ? existing : containerFor(head, rest[0] ?? '');
    container[index] = child;
    assign(child, rest, value);
    return;
  }
  if (rest.length === 0) {
    container[head] = value;
    return;
  }
  const existing = Object.hasOwn(container, head) ? container[head] : undefined;
  const child = typeof existing === 'object' ? existing : containerFor(head, rest[0] ?? '');
  container[head] = child;
  assign(child, rest, value);
}

/** Parses a urlencoded string (body or query) into nested params. */
export function parseForm(encoded: string): FormParams {
  const params: FormParams = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = splitKey(key);
    if (!path.some((segment) => UNSAFE.has(segment))) assign(params, path, value);
  }
  return params;
}

/** A stable fingerprint of params, insensitive to key order (used for idempotency comparisons). */
export function fingerprint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprint(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
