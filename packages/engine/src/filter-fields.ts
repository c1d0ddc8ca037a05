/**
 * CreateFilter's checks against the dataset group: every `Items.X`, `Users.X`, `Actions.X`,
 * `CurrentUser.X` and `CurrentItem.X` must be a field of that dataset's schema, and not a boolean
 * or textual one (PERSONALIZE.md §8: "Boolean and textual fields cannot be filtered"). The syntax
 * and the per-filter field limit are the parser's.
 */
import { FilterFieldError, SchemaError } from './errors';
import { FilterDataset, parseFilterExpression } from './filters';
import type { FilterCondition, FilterExpression } from './filters';
import { parseAvroSchema } from './data/schema';
import type { FieldSpec } from './data/schema';
import type { DatasetType, FilterValidationContext } from './port';

/**
 * Distinct dataset fields across all filters of a dataset group. The guide's "Guidelines and
 * requirements" page for filter expressions (checked 2026-11) says 10 per filter (enforced by the
 * parser) and 20 across all filters in a dataset group; older notes quoting 5 / 10 are out of date.
 */
const FILTER_MAX_DISTINCT_FIELDS_PER_GROUP = 20;

const DATASET_TYPES: Record<string, DatasetType> = {
  [FilterDataset.items]: 'ITEMS',
  [FilterDataset.users]: 'USERS',
  [FilterDataset.actions]: 'ACTIONS',
  CurrentUser: 'USERS',
};

/** The dataset name a message shows for a type. */
const DATASET_NAMES: Partial<Record<DatasetType, string>> = { ITEMS: 'Items', USERS: 'Users', ACTIONS: 'Actions' };

interface FieldUse {
  readonly type: DatasetType;
  /** As written, e.g. `CurrentUser.AGE`, for messages. */
  readonly written: string;
  readonly field: string;
}

function conditionUses(condition: FilterCondition): FieldUse[] {
  const uses: FieldUse[] = [];
  const type = DATASET_TYPES[condition.dataset];
  if (type !== undefined) uses.push({ type, written: `${condition.dataset}.${condition.field}`, field: condition.field });
  if (condition.operand.kind === 'currentItem') {
    uses.push({ type: 'ITEMS', written: `CurrentItem.${condition.operand.field}`, field: condition.operand.field });
  }
  return uses;
}

function fieldUses(expression: FilterExpression): FieldUse[] {
  return expression.statements.flatMap((statement) => [...statement.where.flat(), ...(statement.when ?? [])].flatMap(conditionUses));
}

/** `Dataset.FIELD` keys counted towards the limits (Interactions.EVENT_TYPE included). */
function distinctFields(expression: FilterExpression): Set<string> {
  const keys = new Set<string>();
  for (const statement of expression.statements) {
    for (const c of [...statement.where.flat(), ...(statement.when ?? [])]) {
      keys.add(`${c.dataset === 'CurrentUser' ? FilterDataset.users : c.dataset}.${c.field}`.toUpperCase());
      if (c.operand.kind === 'currentItem') keys.add(`${FilterDataset.items}.${c.operand.field}`.toUpperCase());
    }
  }
  return keys;
}

function schemaFields(context: FilterValidationContext, type: DatasetType, cache: Map<DatasetType, FieldSpec[]>): FieldSpec[] | undefined {
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const schema = context.schemas[type];
  if (schema === undefined) return undefined;
  let fields: FieldSpec[];
  try {
    fields = parseAvroSchema(schema, type);
  } catch (err) {
    if (err instanceof SchemaError) throw new FilterFieldError(`The ${DATASET_NAMES[type] ?? type} schema cannot be used: ${err.message}`);
    throw err;
  }
  cache.set(type, fields);
  return fields;
}

/** Throws FilterFieldError naming the field and the rule it breaks. */
export function checkFilterFields(expression: FilterExpression, context: FilterValidationContext): void {
  const cache = new Map<DatasetType, FieldSpec[]>();
  for (const use of fieldUses(expression)) {
    const name = DATASET_NAMES[use.type] ?? use.type;
    const fields = schemaFields(context, use.type, cache);
    if (fields === undefined) {
      throw new FilterFieldError(`${use.written} refers to the ${name} dataset, which the dataset group does not have.`);
    }
    const spec = fields.find((f) => f.name.toUpperCase() === use.field.toUpperCase());
    if (spec === undefined) {
      throw new FilterFieldError(`${use.written} is not a field of the ${name} schema (fields: ${fields.map((f) => f.name).join(', ')}).`);
    }
    if (spec.kind === 'boolean') {
      throw new FilterFieldError(
        `${use.written} is a boolean field; boolean fields cannot be used in filters (use a string or int field instead).`,
      );
    }
    if (spec.textual) {
      throw new FilterFieldError(`${use.written} is a textual field; textual fields cannot be used in filters.`);
    }
  }
  const groupFields = distinctFields(expression);
  for (const other of context.otherFilterExpressions ?? []) {
    let parsed: FilterExpression;
    try {
      parsed = parseFilterExpression(other);
    } catch {
      // A stored filter the parser no longer accepts uses no fields the service would count.
      continue;
    }
    for (const key of distinctFields(parsed)) groupFields.add(key);
  }
  if (groupFields.size > FILTER_MAX_DISTINCT_FIELDS_PER_GROUP) {
    throw new FilterFieldError(
      `The dataset group's filters would use ${groupFields.size} distinct dataset fields; at most ${FILTER_MAX_DISTINCT_FIELDS_PER_GROUP} are allowed across all filters of a dataset group.`,
    );
  }
}
