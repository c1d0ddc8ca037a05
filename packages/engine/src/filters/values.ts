/**
 * Parses a runtime request's `filterValues`: each value is a comma-separated list of quoted strings
 * (`"\"Comedy\",\"Action\""`); numbers may be unquoted (`"25"`).
 */
import { FilterSyntaxError } from './errors';

/** Keys one request may carry (GetRecommendations `filterValues`, boto model). */
const FILTER_VALUES_MAX_KEYS = 25;

export function parseFilterValues(filterValues: Record<string, string> | undefined): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  if (filterValues === undefined) return parsed;
  const keys = Object.keys(filterValues);
  if (keys.length > FILTER_VALUES_MAX_KEYS) {
    throw new FilterSyntaxError(`Invalid filterValues: ${keys.length} keys; the maximum is ${FILTER_VALUES_MAX_KEYS}`);
  }
  for (const key of keys) {
    const raw = filterValues[key];
    if (typeof raw !== 'string') {
      throw new FilterSyntaxError(`Invalid filterValues.${key}: expected a string of comma-separated quoted values`);
    }
    parsed.set(key, splitValues(key, raw));
  }
  return parsed;
}

function splitValues(key: string, raw: string): string[] {
  const values: string[] = [];
  let i = 0;
  const fail = (rule: string): never => {
    throw new FilterSyntaxError(`Invalid filterValues.${key} at character ${i + 1}: ${rule}`);
  };
  const skipSpaces = (): void => {
    while (i < raw.length && /\s/.test(raw[i] as string)) i += 1;
  };
  skipSpaces();
  if (i >= raw.length) fail('expected at least one value');
  while (i < raw.length) {
    skipSpaces();
    const ch = raw[i];
    if (ch === '"' || ch === "'") {
      const quote = ch;
      let value = '';
      i += 1;
      for (;;) {
        if (i >= raw.length) fail(`unterminated string (missing closing ${quote})`);
        const c = raw[i] as string;
        if (c === '\\' && i + 1 < raw.length) {
          value += raw[i + 1];
          i += 2;
          continue;
        }
        i += 1;
        if (c === quote) break;
        value += c;
      }
      values.push(value);
    } else {
      const start = i;
      while (i < raw.length && raw[i] !== ',') i += 1;
      const value = raw.slice(start, i).trim();
      if (value === '') fail('empty value');
      if (/["']/.test(value)) fail('a quote may only start a value');
      values.push(value);
    }
    skipSpaces();
    if (i >= raw.length) break;
    if (raw[i] !== ',') fail('expected , between values');
    i += 1;
    skipSpaces();
    if (i >= raw.length) fail('expected a value after ,');
  }
  return values;
}
