/** Coercion of form params (strings as Stripe receives them) into typed values, with Stripe's validation errors. */
import { parameterInvalid, parameterMissing } from './errors.js';
import type { FormParams, FormValue } from './form.js';
import { optionalString, parseInteger } from './lists.js';
import { isPlainObject } from './objects.js';

export function requiredString(params: FormParams, param: string): string {
  const value = optionalString(param, params[param]);
  if (value === undefined || value === '') throw parameterMissing(param);
  return value;
}

export function optionalInteger(params: FormParams, param: string, min = 0): number | undefined {
  const value = parseInteger(param, params[param]);
  if (value !== undefined && value < min) {
    throw parameterInvalid(param, `This value must be greater than or equal to ${min}.`, 'parameter_invalid_integer');
  }
  return value;
}

export function requiredInteger(params: FormParams, param: string, min = 0): number {
  if (params[param] === undefined || params[param] === '') throw parameterMissing(param);
  return optionalInteger(params, param, min) as number;
}

export function optionalBoolean(params: FormParams, param: string): boolean | undefined {
  const value = params[param];
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw parameterInvalid(param, `Invalid boolean: ${JSON.stringify(value)}`, 'parameter_invalid_boolean');
}

export function currencyParam(params: FormParams, param = 'currency'): string {
  const value = requiredString(params, param).toLowerCase();
  if (!/^[a-z]{3}$/.test(value)) throw parameterInvalid(param, `Invalid currency: ${value}.`, 'invalid_currency');
  return value;
}

/** `metadata[k]=v` pairs; a bare `metadata=` means "no metadata". */
export function metadataParam(value: FormValue | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (value === '') return {};
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw parameterInvalid('metadata', 'Invalid metadata: must be a hash of string keys and string values.', null);
  }
  return value as Record<string, string>;
}

export function enumParam<T extends string>(params: FormParams, param: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(param, params[param]);
  if (value !== undefined && !allowed.includes(value as T)) {
    throw parameterInvalid(param, `Invalid ${param}: must be one of ${allowed.join(', ')}`);
  }
  return value as T | undefined;
}

/** A nested hash param (`lines[0][amount]=..`), or undefined. */
export function hashParam(params: FormParams, param: string): Record<string, FormValue> | undefined {
  const value = params[param];
  if (value === undefined || value === '') return undefined;
  if (!isPlainObject(value)) throw parameterInvalid(param, `Invalid hash: ${param}`, 'parameter_invalid_hash');
  return value;
}

/** An array param (`lines[0][..]`, `lines[][..]`), or an empty list. */
export function arrayParam(params: FormParams, param: string): FormValue[] {
  const value = params[param];
  if (value === undefined || value === '') return [];
  if (Array.isArray(value)) return value;
  if (isPlainObject(value)) return Object.values(value);
  throw parameterInvalid(param, `Invalid array: ${param}`, 'parameter_invalid_array');
}
