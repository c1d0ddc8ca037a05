import { PermanentOpsError } from './errors';

/**
 * Compares two Personalize (Avro record) schemas the way a dataset's schema can evolve:
 * Personalize schemas are immutable, and `UpdateDataset` accepts a replacement schema that only adds
 * optional columns. Fields are compared by name (bulk CSVs map columns by header), so reordering is
 * no change.
 */
type SchemaComparison =
  | { readonly kind: 'same' }
  | { readonly kind: 'added-optional'; readonly addedFields: readonly string[] }
  | { readonly kind: 'incompatible'; readonly differences: readonly string[] };

interface AvroField {
  readonly name: string;
  readonly type: unknown;
  readonly [attribute: string]: unknown;
}

interface AvroRecord {
  readonly name?: unknown;
  readonly fields: readonly AvroField[];
}

function parseSchema(definition: string | object, label: string): AvroRecord {
  let parsed: unknown = definition;
  if (typeof definition === 'string') {
    try {
      parsed = JSON.parse(definition);
    } catch (error) {
      throw new PermanentOpsError(`schema ${label} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const record = parsed as Partial<AvroRecord> | null;
  if (record === null || typeof record !== 'object' || !Array.isArray(record.fields)) {
    throw new PermanentOpsError(`schema ${label} must be an Avro record with a "fields" array`);
  }
  record.fields.forEach((field, index) => {
    if (typeof field !== 'object' || field === null || typeof (field as AvroField).name !== 'string') {
      throw new PermanentOpsError(`schema ${label}: fields[${index}] must be an object with a string "name"`);
    }
  });
  return record as AvroRecord;
}

/** Canonical text of a field type: union members are a set, so their order does not matter. */
function canonicalType(type: unknown): string {
  if (Array.isArray(type)) return JSON.stringify(type.map((member) => canonicalJson(member)).sort());
  return canonicalJson(type);
}

/** JSON with object keys sorted, so equal definitions compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Optional in Personalize means nullable: a union that includes "null". */
function isOptional(field: AvroField): boolean {
  return Array.isArray(field.type) && field.type.includes('null');
}

/** Canonical text of a whole schema, used to name schema revisions deterministically. */
function canonicalSchema(definition: string | object): string {
  return canonicalJson(parseSchema(definition, 'definition'));
}

function compareSchemas(current: string | object, desired: string | object): SchemaComparison {
  const before = parseSchema(current, 'in Personalize');
  const after = parseSchema(desired, 'in the parameter file');
  const differences: string[] = [];
  const addedFields: string[] = [];

  if (before.name !== after.name) {
    differences.push(`record name ${JSON.stringify(before.name)} changed to ${JSON.stringify(after.name)}`);
  }
  const beforeByName = new Map(before.fields.map((field) => [field.name, field]));
  const afterByName = new Map(after.fields.map((field) => [field.name, field]));

  for (const [name, old] of beforeByName) {
    const now = afterByName.get(name);
    if (now === undefined) {
      differences.push(`field ${name} was removed`);
      continue;
    }
    if (canonicalType(old.type) !== canonicalType(now.type)) {
      differences.push(`field ${name}: type ${canonicalType(old.type)} changed to ${canonicalType(now.type)}`);
    }
    const attributes = new Set([...Object.keys(old), ...Object.keys(now)]);
    for (const attribute of [...attributes].sort()) {
      if (attribute === 'name' || attribute === 'type') continue;
      const was = old[attribute];
      const is = now[attribute];
      if (canonicalJson(was ?? null) !== canonicalJson(is ?? null)) {
        differences.push(`field ${name}: ${attribute} ${canonicalJson(was ?? null)} changed to ${canonicalJson(is ?? null)}`);
      }
    }
  }
  for (const [name, field] of afterByName) {
    if (beforeByName.has(name)) continue;
    if (isOptional(field)) addedFields.push(name);
    else {
      differences.push(
        `field ${name} was added as required (type ${canonicalType(field.type)}); only optional fields (a union with "null") can be added`,
      );
    }
  }

  if (differences.length > 0) return { kind: 'incompatible', differences };
  if (addedFields.length > 0) return { kind: 'added-optional', addedFields };
  return { kind: 'same' };
}

export { canonicalSchema, compareSchemas };
export type { SchemaComparison };
