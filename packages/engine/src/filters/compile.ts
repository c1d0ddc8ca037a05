/**
 * Turns a parsed filter expression plus a request's filterValues into a predicate over candidate
 * ids. Semantics (Personalize developer guide, "Combining multiple expressions"): INCLUDE statements
 * are unioned, EXCLUDE statements are unioned, and the result is INCLUDE minus EXCLUDE; with no
 * applicable INCLUDE statement everything is included.
 *
 * Placeholders: every INCLUDE placeholder needs a value. An omitted value in an EXCLUDE statement
 * drops the condition that uses it ("Amazon Personalize doesn't use that portion of the
 * expression"); a statement left without conditions is dropped.
 *
 * Values match as exact strings for IN / NOT IN and string `=`; numbers compare numerically.
 * Event types match case-insensitively (done by `FilterDataView.interactedItems`).
 */
import { FilterDataset, FilterOperator, FilterTarget, type FilterCondition, type FilterExpression, type FilterStatement } from './ast';
import { FilterSyntaxError } from './errors';
import { parseFilterValues } from './values';

export type FilterValue = string | number;

export interface FilterDataView {
  /** Values of an Items field for an item (categorical strings split on `|`); undefined if unknown. */
  itemValues(itemId: string, field: string): readonly FilterValue[] | undefined;
  userValues(userId: string, field: string): readonly FilterValue[] | undefined;
  /** Values of an Actions field for an action; views without an Actions dataset may leave it out. */
  actionValues?(actionId: string, field: string): readonly FilterValue[] | undefined;
  /** Items the user interacted with, restricted to event types (case-insensitive) or '*' for all;
   *  at most the latest 100 interactions per event type are considered. */
  interactedItems(userId: string, eventTypes: readonly string[] | '*'): ReadonlySet<string>;
}

interface FilterContext {
  /** The user the request is for (absent for anonymous related-items requests and segments). */
  userId?: string;
  /** The item of a related-items request (needed by `CurrentItem.X`). */
  currentItemId?: string;
  data: FilterDataView;
}

export interface CompiledFilter {
  readonly target: FilterTarget;
  /** The expression compares with `CurrentItem.X`: meaningful only for related-items requests. */
  readonly usesCurrentItem: boolean;
  allows(candidateId: string, context: FilterContext): boolean;
  /** The same predicate bound to one request: per-user look-ups run once, not once per candidate. */
  bind(context: FilterContext): (candidateId: string) => boolean;
}

/** A condition resolved against filterValues: evaluates one candidate within one request. */
type Check = (candidateId: string, request: RequestScope) => boolean;

interface CompiledStatement {
  readonly action: 'INCLUDE' | 'EXCLUDE';
  readonly where: readonly (readonly Check[])[];
  readonly when: readonly Check[];
}

/** Per-request memo of interaction look-ups. */
class RequestScope {
  private readonly interacted = new Map<string, ReadonlySet<string>>();
  constructor(readonly context: FilterContext) {}

  interactedItems(userId: string, eventTypes: readonly string[] | '*'): ReadonlySet<string> {
    const key = `${userId}\u0000${eventTypes === '*' ? '*' : eventTypes.join('\u0000')}`;
    let items = this.interacted.get(key);
    if (items === undefined) {
      items = this.context.data.interactedItems(userId, eventTypes);
      this.interacted.set(key, items);
    }
    return items;
  }
}

export function compileFilter(expression: FilterExpression, filterValues?: Record<string, string>): CompiledFilter {
  const values = parseFilterValues(filterValues);
  const target = expression.target;
  const statements: CompiledStatement[] = [];
  for (const statement of expression.statements) {
    const compiled = compileStatement(statement, values);
    if (compiled !== undefined) statements.push(compiled);
  }
  const includes = statements.filter((s) => s.action === 'INCLUDE');
  const excludes = statements.filter((s) => s.action === 'EXCLUDE');
  const usesCurrentItem = expression.statements.some((s) => s.where.some((group) => group.some((c) => c.operand.kind === 'currentItem')));

  const bind = (context: FilterContext): ((candidateId: string) => boolean) => {
    const scope = new RequestScope(context);
    // IF conditions depend on the request only, so they are decided once per request.
    const applicable = (s: CompiledStatement): boolean => s.when.every((check) => check('', scope));
    const activeIncludes = includes.filter(applicable);
    const activeExcludes = excludes.filter(applicable);
    const matches = (s: CompiledStatement, id: string): boolean => s.where.some((group) => group.every((check) => check(id, scope)));
    return (candidateId) => {
      if (activeIncludes.length > 0 && !activeIncludes.some((s) => matches(s, candidateId))) return false;
      return !activeExcludes.some((s) => matches(s, candidateId));
    };
  };

  return {
    target,
    usesCurrentItem,
    allows: (candidateId, context) => bind(context)(candidateId),
    bind,
  };
}

function compileStatement(statement: FilterStatement, values: ReadonlyMap<string, string[]>): CompiledStatement | undefined {
  const where: Check[][] = [];
  for (const group of statement.where) {
    const checks: Check[] = [];
    for (const condition of group) {
      const check = compileCondition(statement, condition, values);
      if (check !== undefined) checks.push(check);
    }
    if (checks.length > 0) where.push(checks);
  }
  if (where.length === 0) return undefined;
  const when: Check[] = [];
  for (const condition of statement.when ?? []) {
    const check = compileCondition(statement, condition, values);
    if (check !== undefined) when.push(check);
  }
  return { action: statement.action, where, when };
}

/** Resolves one condition's operand; undefined when an EXCLUDE placeholder has no value (dropped). */
function compileCondition(
  statement: FilterStatement,
  condition: FilterCondition,
  values: ReadonlyMap<string, string[]>,
): Check | undefined {
  const operand = condition.operand;
  let strings: readonly string[] | undefined;
  let literal: FilterValue | undefined;
  let currentItemField: string | undefined;
  switch (operand.kind) {
    case 'list':
      strings = operand.values;
      break;
    case 'string':
    case 'number':
      literal = operand.value;
      break;
    case 'currentItem':
      currentItemField = operand.field;
      break;
    case 'placeholder': {
      const given = values.get(operand.name);
      if (given === undefined) {
        if (statement.action === 'EXCLUDE') return undefined;
        throw new FilterSyntaxError(
          `Missing filterValues entry for $${operand.name}: an INCLUDE filter needs a value for every placeholder`,
        );
      }
      if (condition.operator === FilterOperator.in) {
        strings = given;
        break;
      }
      if (given.length !== 1) {
        throw new FilterSyntaxError(`Invalid filterValues.${operand.name}: ${condition.operator} takes one value, got ${given.length}`);
      }
      const single = given[0] as string;
      if (condition.operator !== FilterOperator.eq) {
        const number = toNumber(single);
        if (number === undefined) {
          throw new FilterSyntaxError(
            `Invalid filterValues.${operand.name}: ${condition.operator} compares numbers; "${single}" is not a number`,
          );
        }
        literal = number;
      } else {
        literal = single;
      }
      break;
    }
  }

  if (condition.dataset === FilterDataset.interactions) {
    const eventTypes: readonly string[] | '*' = (strings ?? []).includes('*') ? '*' : (strings ?? []);
    if (statement.target === FilterTarget.user) {
      return (id, scope) => scope.interactedItems(id, eventTypes).size > 0;
    }
    return (id, scope) => {
      const userId = scope.context.userId;
      return userId !== undefined && scope.interactedItems(userId, eventTypes).has(id);
    };
  }

  const lookup = fieldLookup(condition);
  const field = condition.field;
  if (currentItemField !== undefined) {
    const rhsField = currentItemField;
    return (id, scope) => {
      const currentItemId = scope.context.currentItemId;
      if (currentItemId === undefined) return false;
      const rhs = scope.context.data.itemValues(currentItemId, rhsField);
      if (rhs === undefined || rhs.length === 0) return false;
      return compareWithValues(condition.operator, lookup(id, field, scope), rhs);
    };
  }
  if (strings !== undefined) {
    const set = new Set(strings);
    const negate = condition.operator === FilterOperator.notIn;
    return (id, scope) => {
      const have = lookup(id, field, scope);
      const found = have?.some((v) => set.has(String(v))) === true;
      return negate ? !found : found;
    };
  }
  const rhs = literal as FilterValue;
  return (id, scope) => compareWithValues(condition.operator, lookup(id, field, scope), [rhs]);
}

type Lookup = (candidateId: string, field: string, scope: RequestScope) => readonly FilterValue[] | undefined;

function fieldLookup(condition: FilterCondition): Lookup {
  switch (condition.dataset) {
    case 'CurrentUser':
      return (_id, field, scope) =>
        scope.context.userId === undefined ? undefined : scope.context.data.userValues(scope.context.userId, field);
    case FilterDataset.users:
      return (id, field, scope) => scope.context.data.userValues(id, field);
    case FilterDataset.actions:
      return (id, field, scope) => scope.context.data.actionValues?.(id, field);
    default:
      return (id, field, scope) => scope.context.data.itemValues(id, field);
  }
}

/** True when some value on the left relates to some value on the right by `operator`. */
function compareWithValues(operator: FilterOperator, left: readonly FilterValue[] | undefined, right: readonly FilterValue[]): boolean {
  if (operator === FilterOperator.notIn) {
    if (left === undefined) return true;
    const set = new Set(right.map(String));
    return !left.some((v) => set.has(String(v)));
  }
  if (left === undefined || left.length === 0) return false;
  if (operator === FilterOperator.in) {
    const set = new Set(right.map(String));
    return left.some((v) => set.has(String(v)));
  }
  return left.some((l) => right.some((r) => relates(operator, l, r)));
}

function relates(operator: FilterOperator, left: FilterValue, right: FilterValue): boolean {
  const a = toNumber(left);
  const b = toNumber(right);
  if (operator === FilterOperator.eq) {
    return a !== undefined && b !== undefined ? a === b : String(left) === String(right);
  }
  if (a === undefined || b === undefined) return false;
  switch (operator) {
    case FilterOperator.ne:
      return a !== b;
    case FilterOperator.lt:
      return a < b;
    case FilterOperator.le:
      return a <= b;
    case FilterOperator.gt:
      return a > b;
    case FilterOperator.ge:
      return a >= b;
    default:
      return false;
  }
}

function toNumber(value: FilterValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}
