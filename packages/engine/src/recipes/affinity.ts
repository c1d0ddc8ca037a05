/**
 * aws-item-affinity and aws-item-attribute-affinity: user segments from the factor model. A query
 * item (or the mean vector of the items matching an attribute query) scores every known user; the
 * segment is the top users.
 */
import type { DatasetGroup } from '../data/group';
import { EngineInputError } from '../errors';
import type { FactorModel } from './model';

/** Items matching `ITEMS.<field> = "<value>" [AND …]` (the only form the service accepts). */
export function itemsMatchingAttributes(group: DatasetGroup, query: string): number[] {
  const conditions = query.split(/\s+AND\s+/i).map((part) => {
    const m = /^\s*ITEMS\.([A-Za-z0-9_]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/i.exec(part);
    if (m === null) throw new EngineInputError(`Invalid itemAttributes condition "${part.trim()}": expected ITEMS.<field> = "<value>"`);
    return { field: m[1]!, value: m[2]!.replace(/\\(.)/g, '$1') };
  });
  // A field the Items schema does not have is a bad query, not an empty segment.
  const items = group.tables.get('ITEMS');
  for (const { field } of conditions) {
    if (items === undefined || items.fieldIndex(field) < 0) {
      throw new EngineInputError(`Invalid itemAttributes condition: ${field} is not a field of the Items dataset`);
    }
  }
  const out: number[] = [];
  for (let code = 0; code < group.items.size; code++) {
    const ok = conditions.every(({ field, value }) => {
      const v = group.recordValue('ITEMS', code, field);
      if (v === undefined || v === null) return false;
      return typeof v === 'string' ? v.split('|').includes(value) : String(v) === value;
    });
    if (ok) out.push(code);
  }
  return out;
}

/** Mean factor vector of the given items (those the model knows); undefined when none. */
export function meanItemVector(model: FactorModel, itemCodes: readonly number[]): Float32Array | undefined {
  const k = model.k;
  const out = new Float32Array(k);
  let n = 0;
  for (const code of itemCodes) {
    if (code < 0 || code >= model.nItems) continue;
    for (let f = 0; f < k; f++) out[f]! += model.itemFactors[code * k + f]!;
    n++;
  }
  if (n === 0) return undefined;
  for (let f = 0; f < k; f++) out[f]! /= n;
  return out;
}
