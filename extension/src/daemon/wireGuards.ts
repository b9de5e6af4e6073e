/**
 * Runtime guards for the daemon's shapes, driven by the schema definitions generated from the daemon's records
 * (wire.generated.ts). They check what the schema says: every required property present, every property of its
 * type (numbers finite, integers whole), strings from an enum among its values. Extra properties are allowed, as
 * a newer daemon may add some. Pure: the webview bundles use it too.
 */
import { WIRE_DEFS, type WireSchema, type WireTypes } from './wire.generated';

/** Where a value departs from the named shape ("emap.accuracy: expected a number"), or undefined when it fits. */
export function wireProblem<K extends keyof WireTypes>(name: K, value: unknown): string | undefined {
  return check({ $ref: `#/$defs/${name}` }, value, '');
}

export function isWire<K extends keyof WireTypes>(name: K, value: unknown): value is WireTypes[K] {
  return wireProblem(name, value) === undefined;
}

function at(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fitsType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'null':
      return value === null;
    default:
      return false;
  }
}

function check(schema: WireSchema, value: unknown, path: string): string | undefined {
  const where = path === '' ? 'the value' : path;
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace('#/$defs/', '') as keyof WireTypes;
    const def = WIRE_DEFS[name];
    if (def === undefined) return `${where}: unknown shape ${name}`;
    return check(def, value, path);
  }
  if (schema.type !== undefined) {
    const types: readonly string[] = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!types.some((t) => fitsType(t, value))) return `${where}: expected ${types.join(' or ')}`;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as string)) {
    return `${where}: expected one of ${schema.enum.join(', ')}`;
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (let i = 0; i < value.length; i++) {
      const problem = check(schema.items, value[i], at(path, i));
      if (problem !== undefined) return problem;
    }
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) {
      if (value[key] === undefined) return `${at(path, key)}: missing`;
    }
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (value[key] === undefined) continue;
      const problem = check(property, value[key], at(path, key));
      if (problem !== undefined) return problem;
    }
    const extra = schema.additionalProperties;
    if (typeof extra === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (schema.properties?.[key] !== undefined) continue;
        const problem = check(extra, item, at(path, key));
        if (problem !== undefined) return problem;
      }
    }
  }
  return undefined;
}
