import type { DatasetType } from './plan/types';

/**
 * Rules Personalize applies to the Avro record schema of each dataset type (PERSONALIZE.md §5).
 * The shape (a record with flat fields) is checked by the zod schema; this module checks what
 * depends on the dataset type.
 */

export const AVRO_PRIMITIVE_TYPES = ['float', 'double', 'int', 'long', 'string', 'boolean', 'null'] as const;
export type AvroPrimitiveType = (typeof AVRO_PRIMITIVE_TYPES)[number];
export type AvroFieldType = AvroPrimitiveType | readonly AvroPrimitiveType[];

export interface AvroField {
  readonly name: string;
  readonly type: AvroFieldType;
  readonly categorical?: boolean;
  readonly textual?: boolean;
  readonly itemName?: boolean;
}

export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly fields: readonly AvroField[];
}

export interface AvroIssue {
  /** Path relative to the schema object, e.g. `fields[2].type`, or `fields` for a missing field. */
  readonly path: string;
  readonly message: string;
}

export interface AvroCheck {
  readonly errors: readonly AvroIssue[];
  readonly warnings: readonly AvroIssue[];
}

/** CreateSchema refuses longer schema strings. */
export const MAX_SCHEMA_LENGTH = 20_000;

type TypeRule = { readonly base: readonly AvroPrimitiveType[]; readonly nullable: boolean };

const exactly = (...base: AvroPrimitiveType[]): TypeRule => ({ base, nullable: false });
const orNull = (...base: AvroPrimitiveType[]): TypeRule => ({ base, nullable: true });

interface DatasetRules {
  readonly required: Readonly<Record<string, TypeRule>>;
  readonly reserved: Readonly<Record<string, TypeRule>>;
  /** Most metadata (non-required, non-reserved) fields allowed. */
  readonly maxMetadata: number;
  /** Whether at least one field besides the required ones is needed. */
  readonly needsMetadata: boolean;
  readonly allowsTextual: boolean;
}

const RULES: Readonly<Record<DatasetType, DatasetRules>> = {
  INTERACTIONS: {
    required: { USER_ID: exactly('string'), ITEM_ID: exactly('string'), TIMESTAMP: exactly('long') },
    reserved: {
      EVENT_TYPE: exactly('string'),
      EVENT_VALUE: orNull('float'),
      IMPRESSION: orNull('string'),
      RECOMMENDATION_ID: orNull('string'),
      EVENT_ATTRIBUTION_SOURCE: orNull('string'),
    },
    maxMetadata: 5,
    needsMetadata: false,
    allowsTextual: false,
  },
  USERS: {
    required: { USER_ID: exactly('string') },
    reserved: {},
    maxMetadata: 25,
    needsMetadata: true,
    allowsTextual: false,
  },
  ITEMS: {
    required: { ITEM_ID: exactly('string') },
    reserved: { CREATION_TIMESTAMP: exactly('long') },
    maxMetadata: 100,
    needsMetadata: true,
    allowsTextual: true,
  },
  ACTIONS: {
    required: { ACTION_ID: exactly('string') },
    reserved: {
      CREATION_TIMESTAMP: exactly('long'),
      VALUE: orNull('long', 'int', 'float', 'double'),
      EXPIRATION_TIMESTAMP: orNull('long'),
      ACTION_EXPIRATION_TIMESTAMP: orNull('long'),
      REPEAT_FREQUENCY: orNull('long'),
      TYPE: orNull('string'),
    },
    maxMetadata: 10,
    needsMetadata: true,
    allowsTextual: false,
  },
  ACTION_INTERACTIONS: {
    required: {
      USER_ID: exactly('string'),
      ACTION_ID: exactly('string'),
      EVENT_TYPE: exactly('string'),
      TIMESTAMP: exactly('long'),
    },
    reserved: { IMPRESSION: orNull('string'), RECOMMENDATION_ID: orNull('string') },
    maxMetadata: 5,
    needsMetadata: false,
    allowsTextual: false,
  },
};

/**
 * Fields the type rule lists as required but that a published parameter file omits: the
 * "root tags" example of the system recops replaces has an Interactions schema without TIMESTAMP and
 * must still load. Their absence is a warning (CreateSchema decides), a wrong type an error.
 */
const SOFT_REQUIRED: Readonly<Partial<Record<DatasetType, readonly string[]>>> = {
  INTERACTIONS: ['TIMESTAMP'],
};

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Required fields and their types per dataset type, for documentation. */
export function requiredFieldsOf(datasetType: DatasetType): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(RULES[datasetType].required).map(([name, rule]) => [name, describeRule(rule)]));
}

/** Checks an Avro record schema against the rules of its dataset type. */
export function checkAvroSchema(schema: AvroRecordSchema, datasetType: DatasetType): AvroCheck {
  const rules = RULES[datasetType];
  const errors: AvroIssue[] = [];
  const warnings: AvroIssue[] = [];
  const seen = new Map<string, number>();
  let metadataCount = 0;
  let textualCount = 0;

  schema.fields.forEach((field, index) => {
    const at = `fields[${index}]`;
    if (!AVRO_NAME.test(field.name)) {
      errors.push({ path: `${at}.name`, message: `field name "${field.name}" must match ${AVRO_NAME.source}` });
    }
    const squashed = field.name.replace(/[^A-Za-z0-9]/g, '');
    const previous = seen.get(squashed);
    if (previous !== undefined) {
      errors.push({
        path: `${at}.name`,
        message: `field name "${field.name}" collides with fields[${previous}] (names must differ in their letters and digits)`,
      });
    } else {
      seen.set(squashed, index);
    }

    const requiredRule = rules.required[field.name];
    const reservedRule = rules.reserved[field.name];
    const rule = requiredRule ?? reservedRule;
    if (rule && !typeMatches(field.type, rule)) {
      const kind = requiredRule ? 'required' : 'reserved';
      errors.push({
        path: `${at}.type`,
        message: `${kind} field ${field.name} of ${withArticle(datasetType)} schema must be ${describeRule(rule)}, got ${JSON.stringify(field.type)}`,
      });
    }
    if (!rule) metadataCount += 1;

    const base = baseTypes(field.type);
    const isString = base.length === 1 && base[0] === 'string';
    if (field.categorical) {
      if (!isString) errors.push({ path: `${at}.categorical`, message: 'only string fields can be categorical' });
      if (datasetType === 'INTERACTIONS' && field.name === 'EVENT_TYPE') {
        errors.push({ path: `${at}.categorical`, message: 'EVENT_TYPE must not be categorical' });
      }
    }
    if (field.textual) {
      textualCount += 1;
      if (!rules.allowsTextual) {
        errors.push({ path: `${at}.textual`, message: `textual fields are allowed only in ITEMS schemas, not ${datasetType}` });
      } else if (!isString) {
        errors.push({ path: `${at}.textual`, message: 'only string fields can be textual' });
      }
      if (field.categorical) errors.push({ path: `${at}.textual`, message: 'a field cannot be both categorical and textual' });
    }
    if (field.itemName) {
      if (datasetType !== 'ITEMS') {
        errors.push({ path: `${at}.itemName`, message: `itemName is allowed only in ITEMS schemas, not ${datasetType}` });
      } else if (!isString) {
        errors.push({ path: `${at}.itemName`, message: 'only a string field can be the itemName' });
      }
    }
  });

  const present = new Set(schema.fields.map((f) => f.name));
  for (const [name, rule] of Object.entries(rules.required)) {
    if (present.has(name)) continue;
    const issue = {
      path: 'fields',
      message: `${withArticle(datasetType)} schema needs field ${name} (${describeRule(rule)})`,
    };
    if (SOFT_REQUIRED[datasetType]?.includes(name)) {
      warnings.push({ ...issue, message: `${issue.message}; Personalize may refuse this schema` });
    } else {
      errors.push(issue);
    }
  }
  if (rules.needsMetadata && schema.fields.every((f) => rules.required[f.name] !== undefined)) {
    errors.push({
      path: 'fields',
      message: `${withArticle(datasetType)} schema needs at least one field besides ${Object.keys(rules.required).join(', ')}`,
    });
  }
  if (metadataCount > rules.maxMetadata) {
    errors.push({
      path: 'fields',
      message: `${withArticle(datasetType)} schema allows at most ${rules.maxMetadata} metadata fields, has ${metadataCount}`,
    });
  }
  if (textualCount > 1) errors.push({ path: 'fields', message: 'at most one field can be textual' });
  if (JSON.stringify(schema).length > MAX_SCHEMA_LENGTH) {
    errors.push({ path: '', message: `the schema must be at most ${MAX_SCHEMA_LENGTH} characters as JSON` });
  }
  return { errors, warnings };
}

/** "an INTERACTIONS", "a USERS". */
function withArticle(datasetType: DatasetType): string {
  return `${/^[AEIO]/.test(datasetType) ? 'an' : 'a'} ${datasetType}`;
}

function baseTypes(type: AvroFieldType): AvroPrimitiveType[] {
  const all = typeof type === 'string' ? [type] : [...type];
  return all.filter((t) => t !== 'null');
}

function isNullable(type: AvroFieldType): boolean {
  return typeof type !== 'string' && type.includes('null');
}

function typeMatches(type: AvroFieldType, rule: TypeRule): boolean {
  const base = baseTypes(type);
  if (base.length !== 1 || !rule.base.includes(base[0] as AvroPrimitiveType)) return false;
  return rule.nullable || !isNullable(type);
}

function describeRule(rule: TypeRule): string {
  const base = rule.base.map((t) => `"${t}"`).join(' or ');
  return rule.nullable ? `${base} (optionally nullable)` : base;
}
