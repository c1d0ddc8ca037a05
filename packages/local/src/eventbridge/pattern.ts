/**
 * The EventBridge event pattern language: parse (with EventBridge's validation rules) and match.
 *
 * Semantics follow the EventBridge user guide ("Creating event patterns", "Comparison operators",
 * "Arrays in event patterns", "Matching on null values and empty strings"):
 * - fields of a pattern object are ANDed; the values in a field's array are ORed;
 * - `$or` takes alternative sub-patterns, each matched against the same object;
 * - when the event value is an array, the field matches if any element matches; a nested pattern
 *   matched against an array of objects matches if one element satisfies the whole sub-pattern;
 * - comparison operators apply to leaf values only: an object is not a leaf, so `exists: true`
 *   does not match it and `exists: false` does;
 * - `null` and `""` are distinct values;
 * - string operators (prefix, suffix, wildcard, equals-ignore-case) match strings only, `numeric`
 *   matches numbers only; `anything-but` of strings matches other strings, of numbers other numbers.
 */
import { isIP } from 'node:net';
import { InvalidEventPatternError } from './errors';
import { clip } from '../errors';

type Leaf = string | number | boolean | null;
type LeafMatcher = (value: Leaf) => boolean;

interface ObjectNode {
  readonly fields: readonly (readonly [string, FieldNode])[];
  /** Each entry is one `$or`: at least one alternative must match. */
  readonly ors: readonly (readonly ObjectNode[])[];
}

type FieldNode =
  | { readonly type: 'object'; readonly node: ObjectNode }
  | { readonly type: 'leaf'; readonly matchers: readonly LeafMatcher[]; readonly matchesAbsent: boolean };

/** Largest magnitude EventBridge accepts in a numeric pattern. */
const NUMERIC_LIMIT = 5e9;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isLeaf = (value: unknown): value is Leaf =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const describe = (value: unknown): string => JSON.stringify(value) ?? String(value);

// ---------------------------------------------------------------- parsing

export class EventPattern {
  private constructor(
    private readonly root: ObjectNode,
    /** The pattern as given, normalised to a JSON string. */
    readonly source: string,
  ) {}

  /** Parses and validates a pattern (a JSON string or an already parsed object). */
  static parse(input: string | unknown): EventPattern {
    let value: unknown = input;
    if (typeof input === 'string') {
      try {
        value = JSON.parse(input);
      } catch (error) {
        throw new InvalidEventPatternError(`Filter is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    }
    if (!isPlainObject(value)) throw new InvalidEventPatternError('Filter is not an object');
    return new EventPattern(parseObject(value, ''), typeof input === 'string' ? input : JSON.stringify(input));
  }

  /** True when the event (the full envelope: source, detail-type, detail, …) matches. */
  matches(event: unknown): boolean {
    return matchObject(this.root, event);
  }
}

function parseObject(value: Record<string, unknown>, path: string): ObjectNode {
  const keys = Object.keys(value);
  if (keys.length === 0) throw new InvalidEventPatternError(`Empty objects are not allowed${path ? ` at "${clip(path)}"` : ''}`);
  const fields: [string, FieldNode][] = [];
  const ors: ObjectNode[][] = [];
  for (const key of keys) {
    const child = value[key];
    const childPath = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(child) || child.length < 2 || !child.every(isPlainObject)) {
        throw new InvalidEventPatternError(`"$or" at "${path || '(root)'}" must be an array of at least two pattern objects`);
      }
      ors.push(child.map((alternative, index) => parseObject(alternative as Record<string, unknown>, `${childPath}[${index}]`)));
    } else if (isPlainObject(child)) {
      fields.push([key, { type: 'object', node: parseObject(child, childPath) }]);
    } else if (Array.isArray(child)) {
      fields.push([key, parseLeafArray(child, childPath)]);
    } else {
      throw new InvalidEventPatternError(`"${childPath}" must be an object or an array`);
    }
  }
  return { fields, ors };
}

function parseLeafArray(values: readonly unknown[], path: string): FieldNode {
  if (values.length === 0) throw new InvalidEventPatternError(`Empty arrays are not allowed at "${clip(path)}"`);
  const matchers: LeafMatcher[] = [];
  let matchesAbsent = false;
  for (const value of values) {
    if (isLeaf(value)) {
      matchers.push(exactMatcher(value));
    } else if (isPlainObject(value)) {
      const parsed = parseOperator(value, path);
      if (parsed === 'absent') matchesAbsent = true;
      else matchers.push(parsed);
    } else {
      throw new InvalidEventPatternError(
        `Match value at "${clip(path)}" must be a string, number, true, false, null or an operator object; got ${describe(value)}`,
      );
    }
  }
  return { type: 'leaf', matchers, matchesAbsent };
}

function exactMatcher(expected: Leaf): LeafMatcher {
  return (value) => value === expected;
}

function requireString(value: unknown, operator: string, path: string, allowEmpty = true): string {
  if (typeof value !== 'string')
    throw new InvalidEventPatternError(`"${operator}" at "${clip(path)}" must be a string; got ${describe(value)}`);
  if (!allowEmpty && value === '') throw new InvalidEventPatternError(`"${operator}" at "${clip(path)}" must not be an empty string`);
  return value;
}

/** `prefix`/`suffix` take a string or `{ "equals-ignore-case": string }`. */
function affixMatcher(operator: 'prefix' | 'suffix', argument: unknown, path: string, allowEmpty: boolean): (value: string) => boolean {
  let expected: string;
  let ignoreCase = false;
  if (isPlainObject(argument)) {
    const keys = Object.keys(argument);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw new InvalidEventPatternError(
        `"${operator}" at "${clip(path)}" accepts a string or {"equals-ignore-case": string}; got ${describe(argument)}`,
      );
    }
    expected = requireString(argument['equals-ignore-case'], `${operator}.equals-ignore-case`, path, allowEmpty).toLowerCase();
    ignoreCase = true;
  } else {
    expected = requireString(argument, operator, path, allowEmpty);
  }
  return (value) => {
    const subject = ignoreCase ? value.toLowerCase() : value;
    return operator === 'prefix' ? subject.startsWith(expected) : subject.endsWith(expected);
  };
}

function stringOrStrings(argument: unknown, operator: string, path: string): string[] {
  if (typeof argument === 'string') return [argument];
  if (Array.isArray(argument) && argument.length > 0 && argument.every((item) => typeof item === 'string')) return argument as string[];
  throw new InvalidEventPatternError(
    `"${operator}" at "${clip(path)}" must be a string or a non-empty array of strings; got ${describe(argument)}`,
  );
}

function onlyStrings(test: (value: string) => boolean): LeafMatcher {
  return (value) => typeof value === 'string' && test(value);
}

function parseOperator(operator: Record<string, unknown>, path: string): LeafMatcher | 'absent' {
  const keys = Object.keys(operator);
  if (keys.length !== 1) {
    throw new InvalidEventPatternError(`Operator object at "${clip(path)}" must have exactly one key; got ${describe(operator)}`);
  }
  const name = keys[0] as string;
  const argument = operator[name];
  switch (name) {
    case 'prefix':
      return onlyStrings(affixMatcher('prefix', argument, path, true));
    case 'suffix':
      return onlyStrings(affixMatcher('suffix', argument, path, true));
    case 'equals-ignore-case': {
      const expected = requireString(argument, name, path).toLowerCase();
      return onlyStrings((value) => value.toLowerCase() === expected);
    }
    case 'wildcard': {
      const regex = wildcardRegex(requireString(argument, name, path), path);
      return onlyStrings((value) => regex.test(value));
    }
    case 'exists':
      if (typeof argument !== 'boolean')
        throw new InvalidEventPatternError(`"exists" at "${clip(path)}" must be true or false; got ${describe(argument)}`);
      return argument ? () => true : 'absent';
    case 'numeric':
      return numericMatcher(argument, path);
    case 'cidr':
      return cidrMatcher(argument, path);
    case 'anything-but':
      return anythingButMatcher(argument, path);
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${clip(name)} at "${clip(path)}"`);
  }
}

/**
 * `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash.
 * EventBridge refuses consecutive wildcards and other escapes.
 */
function wildcardRegex(pattern: string, path: string): RegExp {
  let source = '^';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (char === '\\') {
      const next = pattern[index + 1];
      if (next !== '*' && next !== '\\')
        throw new InvalidEventPatternError(`Invalid escape character at pos ${index + 1} in wildcard at "${clip(path)}"`);
      source += `\\${next}`;
      index += 1;
    } else if (char === '*') {
      if (pattern[index + 1] === '*')
        throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${index + 1} in wildcard at "${clip(path)}"`);
      source += '[\\s\\S]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]]/g, '\\$&');
    }
  }
  return new RegExp(`${source}$`);
}

const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

function numericMatcher(argument: unknown, path: string): LeafMatcher {
  const bad = (reason: string): never => {
    throw new InvalidEventPatternError(`"numeric" at "${clip(path)}" ${reason}; got ${describe(argument)}`);
  };
  if (!Array.isArray(argument) || (argument.length !== 2 && argument.length !== 4)) {
    return bad('must be an array [op, number] or [lower op, number, upper op, number]');
  }
  const comparisons: ((value: number) => boolean)[] = [];
  for (let index = 0; index < argument.length; index += 2) {
    const op = argument[index];
    const bound = argument[index + 1];
    if (typeof bound !== 'number') return bad(`needs a number after "${String(op)}"`);
    if (Math.abs(bound) > NUMERIC_LIMIT) return bad(`values must be between -5.0E9 and 5.0E9`);
    switch (op) {
      case '=':
        if (argument.length !== 2) return bad('allows "=" only on its own');
        comparisons.push((value) => value === bound);
        break;
      case '<':
        comparisons.push((value) => value < bound);
        break;
      case '<=':
        comparisons.push((value) => value <= bound);
        break;
      case '>':
        comparisons.push((value) => value > bound);
        break;
      case '>=':
        comparisons.push((value) => value >= bound);
        break;
      default:
        return bad(`has the unknown operator ${describe(op)} (use =, <, <=, >, >=)`);
    }
  }
  if (argument.length === 4) {
    if (!LOWER_BOUNDS.has(argument[0] as string) || !UPPER_BOUNDS.has(argument[2] as string)) {
      return bad('ranges must start with a lower bound (> or >=) and end with an upper bound (< or <=)');
    }
    if ((argument[1] as number) >= (argument[3] as number)) return bad('ranges need the lower bound below the upper bound');
  }
  return (value) => typeof value === 'number' && comparisons.every((compare) => compare(value));
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((sum, part) => (sum << 8n) + BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = ipv4ToBigInt(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailParts];
  return parts.reduce((sum, part) => (sum << 16n) + BigInt(Number.parseInt(part || '0', 16)), 0n);
}

function cidrMatcher(argument: unknown, path: string): LeafMatcher {
  const text = requireString(argument, 'cidr', path);
  const [address = '', prefixText] = text.split('/');
  const family = isIP(address);
  const width = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > width) {
    throw new InvalidEventPatternError(
      `"cidr" at "${clip(path)}" must be an IPv4 or IPv6 address or CIDR block; got ${describe(argument)}`,
    );
  }
  const toBig = family === 4 ? ipv4ToBigInt : ipv6ToBigInt;
  const shift = BigInt(width - prefix);
  const network = toBig(address) >> shift;
  return onlyStrings((value) => isIP(value) === family && toBig(value) >> shift === network);
}

function anythingButMatcher(argument: unknown, path: string): LeafMatcher {
  if (typeof argument === 'string') return (value) => typeof value === 'string' && value !== argument;
  if (typeof argument === 'number') return (value) => typeof value === 'number' && value !== argument;
  if (Array.isArray(argument)) {
    if (argument.length > 0 && argument.every((item) => typeof item === 'string')) {
      const excluded = new Set(argument as string[]);
      return (value) => typeof value === 'string' && !excluded.has(value);
    }
    if (argument.length > 0 && argument.every((item) => typeof item === 'number')) {
      const excluded = argument as number[];
      return (value) => typeof value === 'number' && !excluded.includes(value);
    }
    throw new InvalidEventPatternError(
      `"anything-but" list at "${clip(path)}" must be a non-empty list of only strings or only numbers; got ${describe(argument)}`,
    );
  }
  if (isPlainObject(argument)) {
    const keys = Object.keys(argument);
    const inner = keys[0];
    if (keys.length !== 1 || inner === undefined) {
      throw new InvalidEventPatternError(
        `"anything-but" object at "${clip(path)}" must have exactly one of prefix, suffix, equals-ignore-case, wildcard`,
      );
    }
    const value = argument[inner];
    switch (inner) {
      case 'prefix':
      case 'suffix': {
        const affix = affixMatcher(inner, value, `${path}.anything-but`, false);
        return onlyStrings((subject) => !affix(subject));
      }
      case 'equals-ignore-case': {
        const excluded = new Set(stringOrStrings(value, 'anything-but.equals-ignore-case', path).map((item) => item.toLowerCase()));
        return onlyStrings((subject) => !excluded.has(subject.toLowerCase()));
      }
      case 'wildcard': {
        const regexes = stringOrStrings(value, 'anything-but.wildcard', path).map((item) => wildcardRegex(item, path));
        return onlyStrings((subject) => !regexes.some((regex) => regex.test(subject)));
      }
      default:
        throw new InvalidEventPatternError(`Unsupported anything-but pattern ${inner} at "${clip(path)}"`);
    }
  }
  throw new InvalidEventPatternError(
    `"anything-but" at "${clip(path)}" must be a string, number, list or operator object; got ${describe(argument)}`,
  );
}

// ---------------------------------------------------------------- matching

function matchObject(node: ObjectNode, value: unknown): boolean {
  const object = isPlainObject(value) ? value : undefined;
  for (const [key, field] of node.fields) {
    if (!matchField(field, object?.[key])) return false;
  }
  for (const alternatives of node.ors) {
    if (!alternatives.some((alternative) => matchObject(alternative, value))) return false;
  }
  return true;
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((item) => (Array.isArray(item) ? flatten(item) : [item]));
}

function matchField(field: FieldNode, value: unknown): boolean {
  if (field.type === 'object') {
    if (Array.isArray(value)) {
      const objects = flatten(value).filter(isPlainObject);
      return objects.length === 0 ? matchObject(field.node, undefined) : objects.some((object) => matchObject(field.node, object));
    }
    return matchObject(field.node, value);
  }
  const leaves = value === undefined ? [] : Array.isArray(value) ? flatten(value).filter(isLeaf) : isLeaf(value) ? [value] : [];
  if (leaves.length === 0) return field.matchesAbsent;
  return leaves.some((leaf) => field.matchers.some((matcher) => matcher(leaf)));
}

/** Convenience for one-off checks (TestEventPattern). */
export function matchesEventPattern(pattern: string | unknown, event: unknown): boolean {
  return EventPattern.parse(pattern).matches(event);
}
