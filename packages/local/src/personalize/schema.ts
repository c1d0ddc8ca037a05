/**
 * Avro schema checks: CreateSchema accepts a flat record of Personalize's field types; CreateDataset
 * checks the schema carries the fields its dataset type requires (PERSONALIZE.md §5).
 */
import { InvalidInputError } from './errors';
import { clip } from '../errors';

const PRIMITIVES = new Set(['float', 'double', 'int', 'long', 'string', 'boolean', 'null']);
const MAX_SCHEMA_LENGTH = 20_000;

const DATASET_TYPES = ['INTERACTIONS', 'ITEMS', 'USERS', 'ACTIONS', 'ACTION_INTERACTIONS'] as const;
export type DatasetTypeName = (typeof DATASET_TYPES)[number];

interface SchemaField {
  readonly name: string;
  readonly types: readonly string[];
}

const REQUIRED: Readonly<Record<DatasetTypeName, readonly { name: string; types: readonly string[] }[]>> = {
  INTERACTIONS: [
    { name: 'USER_ID', types: ['string'] },
    { name: 'ITEM_ID', types: ['string'] },
    { name: 'TIMESTAMP', types: ['long', 'int'] },
  ],
  ITEMS: [{ name: 'ITEM_ID', types: ['string'] }],
  USERS: [{ name: 'USER_ID', types: ['string'] }],
  ACTIONS: [{ name: 'ACTION_ID', types: ['string'] }],
  ACTION_INTERACTIONS: [
    { name: 'USER_ID', types: ['string'] },
    { name: 'ACTION_ID', types: ['string'] },
    { name: 'EVENT_TYPE', types: ['string'] },
    { name: 'TIMESTAMP', types: ['long', 'int'] },
  ],
};

/** Types that need at least one metadata field besides their id. */
const NEEDS_METADATA: ReadonlySet<DatasetTypeName> = new Set(['ITEMS', 'USERS', 'ACTIONS']);

function fieldTypes(type: unknown, fieldName: string): string[] {
  const list = Array.isArray(type) ? type : [type];
  return list.map((entry) => {
    if (typeof entry !== 'string' || !PRIMITIVES.has(entry)) {
      throw new InvalidInputError(
        `Invalid schema: field "${fieldName}" has type ${JSON.stringify(entry)}; allowed types are ${[...PRIMITIVES].join(', ')} (flat fields only, no arrays, maps or records).`,
      );
    }
    return entry;
  });
}

/** Parses and checks a CreateSchema `schema` string; returns its fields. */
export function parseSchema(text: string): SchemaField[] {
  if (text.length > MAX_SCHEMA_LENGTH) {
    throw new InvalidInputError(`Invalid schema: it has ${text.length} characters; at most ${MAX_SCHEMA_LENGTH} are allowed.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`Invalid schema: not valid JSON (${(error as Error).message}).`);
  }
  const record = parsed as { type?: unknown; name?: unknown; fields?: unknown };
  if (record === null || typeof record !== 'object' || record.type !== 'record') {
    throw new InvalidInputError('Invalid schema: the top level must be an Avro record ({"type":"record", …}).');
  }
  if (typeof record.name !== 'string' || record.name === '') {
    throw new InvalidInputError('Invalid schema: the record needs a "name".');
  }
  if (!Array.isArray(record.fields) || record.fields.length === 0) {
    throw new InvalidInputError('Invalid schema: "fields" must be a non-empty list.');
  }
  const seen = new Map<string, string>();
  return record.fields.map((field: unknown, index) => {
    const entry = (field ?? {}) as { name?: unknown; type?: unknown };
    if (typeof entry.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry.name)) {
      throw new InvalidInputError(`Invalid schema: fields[${index}] needs a "name" made of letters, digits and underscores.`);
    }
    // Names must stay unique when compared alphanumerically (case and underscores ignored).
    const key = entry.name.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
    const clash = seen.get(key);
    if (clash !== undefined) {
      throw new InvalidInputError(
        `Invalid schema: field names "${clash}" and "${entry.name}" are the same when compared alphanumerically.`,
      );
    }
    seen.set(key, entry.name);
    return { name: entry.name, types: fieldTypes(entry.type, entry.name) };
  });
}

/** Checks a schema against the dataset type it is about to be used for. */
export function checkSchemaForDatasetType(text: string, datasetType: DatasetTypeName): void {
  const fields = parseSchema(text);
  for (const required of REQUIRED[datasetType]) {
    const field = fields.find((candidate) => candidate.name === required.name);
    if (field === undefined) {
      throw new InvalidInputError(`Schema is not valid for dataset type ${datasetType}: the required field ${required.name} is missing.`);
    }
    if (field.types.includes('null') || !field.types.some((type) => required.types.includes(type))) {
      throw new InvalidInputError(
        `Schema is not valid for dataset type ${datasetType}: field ${required.name} must be of type ${required.types.join(' or ')} and not nullable.`,
      );
    }
  }
  if (NEEDS_METADATA.has(datasetType) && fields.length < 2) {
    throw new InvalidInputError(
      `Schema is not valid for dataset type ${datasetType}: it needs at least one metadata field besides the id.`,
    );
  }
}

/** CreateDataset's datasetType is case-insensitive (`Interactions`, `ITEMS`, …). */
export function normalizeDatasetType(value: string): DatasetTypeName {
  const upper = value.toUpperCase() as DatasetTypeName;
  if (!DATASET_TYPES.includes(upper)) {
    throw new InvalidInputError(
      `datasetType "${clip(value)}" is not valid; use one of Interactions, Items, Users, Actions, Action_Interactions.`,
    );
  }
  return upper;
}
