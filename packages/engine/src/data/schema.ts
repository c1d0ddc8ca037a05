/**
 * The subset of Avro the service accepts for dataset schemas: a flat record whose fields are
 * primitives or `["null", primitive]` unions (PERSONALIZE.md §5).
 */
import { SchemaError } from '../errors';
import type { DatasetType } from '../port';

const FieldKinds = ['string', 'int', 'long', 'float', 'double', 'boolean'] as const;
type FieldKind = (typeof FieldKinds)[number];

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly nullable: boolean;
  readonly categorical: boolean;
  readonly textual: boolean;
}

const REQUIRED_FIELDS: Record<DatasetType, readonly string[]> = {
  INTERACTIONS: ['USER_ID', 'ITEM_ID', 'TIMESTAMP'],
  ITEMS: ['ITEM_ID'],
  USERS: ['USER_ID'],
  ACTIONS: ['ACTION_ID'],
  ACTION_INTERACTIONS: ['USER_ID', 'ACTION_ID', 'EVENT_TYPE', 'TIMESTAMP'],
};

function parseType(fieldName: string, type: unknown): { kind: FieldKind; nullable: boolean } {
  const asKind = (t: unknown): FieldKind | undefined => {
    const name = typeof t === 'object' && t !== null && 'type' in t ? (t as { type: unknown }).type : t;
    return FieldKinds.find((k) => k === name);
  };
  if (Array.isArray(type)) {
    const members = type.filter((t) => t !== 'null');
    const kind = members.length === 1 ? asKind(members[0]) : undefined;
    if (kind === undefined || members.length === type.length) {
      throw new SchemaError(`Invalid schema: field ${fieldName} has unsupported union type ${JSON.stringify(type)}`);
    }
    return { kind, nullable: true };
  }
  const kind = asKind(type);
  if (kind === undefined) {
    throw new SchemaError(`Invalid schema: field ${fieldName} has unsupported type ${JSON.stringify(type)}`);
  }
  return { kind, nullable: false };
}

/** Parses and checks a dataset schema; throws SchemaError naming the offending field. */
export function parseAvroSchema(schema: string, datasetType: DatasetType): FieldSpec[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(schema);
  } catch {
    throw new SchemaError('Invalid schema: not valid JSON');
  }
  const record = parsed as { type?: unknown; fields?: unknown };
  if (record.type !== 'record' || !Array.isArray(record.fields)) {
    throw new SchemaError('Invalid schema: expected an Avro record with a fields array');
  }
  const fields: FieldSpec[] = [];
  const seen = new Set<string>();
  for (const raw of record.fields as unknown[]) {
    const f = raw as { name?: unknown; type?: unknown; categorical?: unknown; textual?: unknown };
    if (typeof f.name !== 'string' || f.name === '') throw new SchemaError('Invalid schema: a field has no name');
    const key = f.name.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    if (seen.has(key)) throw new SchemaError(`Invalid schema: duplicate field ${f.name}`);
    seen.add(key);
    const { kind, nullable } = parseType(f.name, f.type);
    fields.push({ name: f.name, kind, nullable, categorical: f.categorical === true, textual: f.textual === true });
  }
  for (const required of REQUIRED_FIELDS[datasetType]) {
    const field = fields.find((f) => f.name.toUpperCase() === required);
    if (field === undefined) {
      throw new SchemaError(`Invalid schema: ${datasetType} requires field ${required}`);
    }
    const expected = required === 'TIMESTAMP' ? ['long', 'int'] : ['string'];
    if (!expected.includes(field.kind)) {
      throw new SchemaError(`Invalid schema: field ${required} must be of type ${expected[0]}`);
    }
  }
  return fields;
}
