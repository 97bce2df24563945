/**
 * `parameter_unknown`: the top-level parameters each operation accepts, from operation-params.json (generated from
 * Stripe's OpenAPI spec and the SDK's params types by scripts/generate-stripe-operation-params.ts). Operations not
 * in the file are not checked.
 */
import { readFileSync } from 'node:fs';
import { parameterUnknown } from './errors.js';
import type { FormParams } from './form.js';

type Operations = Record<string, string[]>;

interface Template {
  method: string;
  segments: string[];
  accepted: Set<string>;
}

let templates: Template[] | undefined;

function load(): Template[] {
  const operations = JSON.parse(
    readFileSync(new URL('./operation-params.json', import.meta.url), 'utf8'),
  ) as Operations;
  return Object.entries(operations).map(([operation, names]) => {
    const [method = '', path = ''] = operation.split(' ');
    return { method, segments: path.split('/'), accepted: new Set(names) };
  });
}

/** The accepted parameter names of `method path` (literal segments preferred over `{placeholders}`), if known. */
export function acceptedParameters(method: string, path: string): ReadonlySet<string> | undefined {
  templates ??= load();
  const segments = path.replace(/\/+$/, '').split('/');
  let best: { template: Template; literals: number } | undefined;
  for (const template of templates) {
    if (template.method !== method || template.segments.length !== segments.length) continue;
    let literals = 0;
    const matches = template.segments.every((part, i) => {
      if (part.startsWith('{')) return (segments[i] ?? '') !== '';
      literals += 1;
      return part === segments[i];
    });
    if (matches && (!best || literals > best.literals)) best = { template, literals };
  }
  return best?.template.accepted;
}

/** Throws Stripe's 400 parameter_unknown for the first top-level parameter the operation does not take. */
export function checkParameters(method: string, path: string, params: FormParams): void {
  const accepted = acceptedParameters(method, path);
  if (!accepted) return;
  for (const name of Object.keys(params)) if (!accepted.has(name)) throw parameterUnknown(name);
}
