/**
 * The `stripe` package's own TypeScript types, read with the TypeScript checker, so a run-time check can ask which
 * fields the pinned API version has (and which it made optional) at any depth of a resource.
 */
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PROBE = join(ROOT, '__stripe_sdk_probe__.ts');

export interface SdkField {
  /** Undefined when union members disagree on it. */
  type: ts.Type | undefined;
  optional: boolean;
}

export class SdkTypes {
  private readonly checker: ts.TypeChecker;
  private readonly named = new Map<string, ts.Type>();

  /** `names` are type expressions under the SDK's namespace, e.g. `Charge` or `ApiList<Charge>`. */
  constructor(names: string[]) {
    const aliases = names.map((name, i) => `export type T${i} = Stripe.${name};`).join('\n');
    const source = `import type Stripe from 'stripe';\n${aliases}\n`;
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language, onError) =>
      file === PROBE ? ts.createSourceFile(file, source, language) : getSourceFile(file, language, onError);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => file === PROBE || fileExists(file);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => (file === PROBE ? source : readFile(file));
    const program = ts.createProgram([PROBE], options, host);
    this.checker = program.getTypeChecker();
    const probe = program.getSourceFile(PROBE);
    if (!probe) throw new Error('probe not compiled');
    const module = this.checker.getSymbolAtLocation(probe);
    const exports = module ? this.checker.getExportsOfModule(module) : [];
    names.forEach((name, i) => {
      const symbol = exports.find((s) => s.name === `T${i}`);
      if (!symbol) throw new Error(`no type for Stripe.${name}`);
      this.named.set(name, this.checker.getDeclaredTypeOfSymbol(symbol));
    });
  }

  get(name: string): ts.Type {
    const type = this.named.get(name);
    if (!type) throw new Error(`Stripe.${name} was not loaded`);
    return type;
  }

  /** The members of a union (or the type itself). */
  private members(type: ts.Type): ts.Type[] {
    return type.isUnion() ? type.types : [type];
  }

  allowsNull(type: ts.Type | undefined): boolean {
    return !!type && this.members(type).some((t) => (t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Any)) !== 0);
  }

  /** The object members of the type (expandable fields are `string | Resource`). */
  private objects(type: ts.Type): ts.Type[] {
    return this.members(type).filter((t) => (t.flags & ts.TypeFlags.Object) !== 0 && !this.checker.isArrayType(t));
  }

  /** The element type when the type is (or includes) an array. */
  element(type: ts.Type | undefined): ts.Type | undefined {
    if (!type) return undefined;
    const array = this.members(type).find((t) => this.checker.isArrayType(t));
    return array ? this.checker.getTypeArguments(array as ts.TypeReference)[0] : undefined;
  }

  /** True when the type takes any key (Metadata and other records), or is not a plain SDK object (e.g. Decimal). */
  isOpen(type: ts.Type | undefined): boolean {
    if (!type) return true;
    const objects = this.objects(type);
    if (objects.length === 0) return true;
    return objects.some(
      (t) => this.checker.getIndexInfosOfType(t).length > 0 || (t.symbol && /Decimal/.test(t.symbol.name)),
    );
  }

  /** The fields of the type's object members (union of them), or undefined when the type is open. */
  fields(type: ts.Type | undefined): Map<string, SdkField> | undefined {
    if (!type || this.isOpen(type)) return undefined;
    const fields = new Map<string, SdkField>();
    for (const object of this.objects(type)) {
      for (const property of this.checker.getPropertiesOfType(object)) {
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        const propertyType = declaration
          ? this.checker.getTypeOfSymbolAtLocation(property, declaration)
          : this.checker.getTypeOfSymbol(property);
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
        const known = fields.get(property.name);
        // A field of several union members (Stripe.Event's `data`, per event type) is left unchecked here.
        const type = known && known.type !== propertyType ? undefined : propertyType;
        fields.set(property.name, { type, optional: optional || (known?.optional ?? false) });
      }
    }
    return fields;
  }

  /** True when the type is one object type (not a union of several), so its required fields can be checked. */
  isSingleObject(type: ts.Type | undefined): boolean {
    return !!type && this.objects(type).length === 1;
  }
}
