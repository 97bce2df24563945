/**
 * Validates a response against Stripe's OpenAPI spec (2023-08-16, read from the shared folder beside the clone)
 * and the SDK's types of the pinned API version, by the rules of that folder's SOURCE note: a field the spec lacks is
 * allowed when the SDK types have it (then checked against those types), and a spec-required field is tolerated when
 * missing if the SDK types no longer have it. Constant enums (`object: 'charge'`) are checked; wider enums are not
 * (Stripe adds values).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type ts from 'typescript';
import type { SdkTypes } from './sdk-types.js';

export const SPEC_PATH = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'stripe', 'spec3-2023-08-16.json');

interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class OpenApiValidator {
  readonly spec: Spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;

  constructor(private readonly sdk: SdkTypes) {}

  /** The 200 response schema of `METHOD /v1/path/{param}`, if the 2023 spec has the operation. */
  responseSchema(operation: string): Schema | undefined {
    const [method = '', path = ''] = operation.split(' ');
    return this.spec.paths[path]?.[method.toLowerCase()]?.responses?.['200']?.content?.['application/json']?.schema;
  }

  /** A component schema by name (`charge`), if the 2023 spec has it. */
  component(name: string): Schema | undefined {
    return this.spec.components.schemas[name];
  }

  /** Every problem found, as `path: message`; empty when the value conforms. */
  validate(value: unknown, schema: Schema | undefined, sdkType: ts.Type | undefined, path = '$'): string[] {
    const errors: string[] = [];
    if (schema) this.check(value, schema, sdkType, path, errors);
    else this.checkSdk(value, sdkType, path, errors);
    return errors;
  }

  private resolve(schema: Schema): Schema {
    let current = schema;
    while (current.$ref) {
      const name = current.$ref.replace('#/components/schemas/', '');
      const target = this.spec.components.schemas[name];
      if (!target) throw new Error(`unresolved ${current.$ref}`);
      current = { ...target, nullable: current.nullable || target.nullable };
    }
    return current;
  }

  private check(value: unknown, raw: Schema, sdkType: ts.Type | undefined, path: string, errors: string[]): void {
    const schema = this.resolve(raw);
    if (value === null) {
      if (!schema.nullable && !this.sdk.allowsNull(sdkType)) errors.push(`${path}: null is not allowed`);
      return;
    }
    const branches = schema.anyOf ?? schema.oneOf;
    if (branches) {
      let best: string[] | undefined;
      for (const branch of branches) {
        const attempt: string[] = [];
        this.check(value, branch, sdkType, path, attempt);
        if (attempt.length === 0) return;
        if (!best || attempt.length < best.length) best = attempt;
      }
      errors.push(...(best ?? [`${path}: matches no branch`]));
      return;
    }
    if (schema.enum?.length === 1 && value !== schema.enum[0]) {
      errors.push(`${path}: expected ${JSON.stringify(schema.enum[0])}, got ${JSON.stringify(value)}`);
      return;
    }
    switch (schema.type) {
      case 'string':
        if (typeof value !== 'string' && !this.sdk.isOpen(sdkType)) errors.push(`${path}: expected a string`);
        return;
      case 'integer':
        if (!Number.isInteger(value)) errors.push(`${path}: expected an integer, got ${JSON.stringify(value)}`);
        return;
      case 'number':
        if (typeof value !== 'number') errors.push(`${path}: expected a number`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') errors.push(`${path}: expected a boolean`);
        return;
      case 'array': {
        if (!Array.isArray(value)) {
          errors.push(`${path}: expected an array`);
          return;
        }
        const element = this.sdk.element(sdkType);
        value.forEach((item, i) => {
          if (schema.items) this.check(item, schema.items, element, `${path}[${i}]`, errors);
        });
        return;
      }
      default:
        this.checkObject(value, schema, sdkType, path, errors);
    }
  }

  private checkObject(
    value: unknown,
    schema: Schema,
    sdkType: ts.Type | undefined,
    path: string,
    errors: string[],
  ): void {
    if (!isObject(value)) {
      errors.push(`${path}: expected an object, got ${JSON.stringify(value)}`);
      return;
    }
    const properties = schema.properties;
    const additional = schema.additionalProperties;
    if (!properties) {
      if (isObject(additional))
        for (const [k, v] of Object.entries(value)) this.check(v, additional, undefined, `${path}.${k}`, errors);
      else if (sdkType) this.checkSdk(value, sdkType, path, errors);
      return;
    }
    const fields = this.sdk.fields(sdkType);
    for (const [key, child] of Object.entries(value)) {
      const field = fields?.get(key);
      if (properties[key]) this.check(child, properties[key], field?.type, `${path}.${key}`, errors);
      else if (field) this.checkSdk(child, field.type, `${path}.${key}`, errors);
      else if (isObject(additional)) this.check(child, additional, undefined, `${path}.${key}`, errors);
      else if (additional !== true && !this.sdk.isOpen(sdkType) && fields)
        errors.push(`${path}.${key}: neither the spec nor the SDK types have this field`);
      else if (!fields) errors.push(`${path}.${key}: not in the spec (no SDK type to allow it)`);
    }
    for (const key of schema.required ?? []) {
      if (key in value) continue;
      const removed = fields !== undefined && !fields.has(key);
      if (!removed) errors.push(`${path}.${key}: required by the spec and the SDK types, missing`);
    }
  }

  /** Checks a value against the SDK types only (fields the 2023 spec does not know). */
  private checkSdk(value: unknown, sdkType: ts.Type | undefined, path: string, errors: string[]): void {
    if (value === null || value === undefined || !sdkType) return;
    const element = this.sdk.element(sdkType);
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) this.checkSdk(item, element, `${path}[${i}]`, errors);
      return;
    }
    if (!isObject(value)) return;
    const fields = this.sdk.fields(sdkType);
    if (!fields) return;
    for (const [key, child] of Object.entries(value)) {
      const field = fields.get(key);
      if (!field) errors.push(`${path}.${key}: not a field of the SDK type`);
      else this.checkSdk(child, field.type, `${path}.${key}`, errors);
    }
    if (this.sdk.isSingleObject(sdkType)) {
      for (const [key, field] of fields) if (!field.optional && !(key in value)) errors.push(`${path}.${key}: missing`);
    }
  }
}
