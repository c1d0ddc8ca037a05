/**
 * Items without interactions (new catalogue entries from an Items import or PutItems) get a factor
 * vector from the items they resemble: the mean vector of interacted items sharing one of their
 * categorical Items values, scaled down by an exploration weight. This is how an UPDATE version
 * "considers new items" (and a FULL one cold items) without inventing interactions; the service's
 * item exploration works at the campaign level and is not modelled further.
 */
import type { DatasetGroup } from '../data/group';

const COLD_ITEM_WEIGHT = 0.3;

/** Writes vectors for `coldItems` into `items` (n×k) from similar interacted items; returns how many got one. */
export function assignColdItemFactors(
  group: DatasetGroup,
  items: Float32Array,
  k: number,
  interacted: (code: number) => boolean,
  coldItems: readonly number[],
  weight = COLD_ITEM_WEIGHT,
): number {
  const t = group.table('ITEMS');
  if (t === undefined || coldItems.length === 0) return 0;
  const fields = t.fields.filter((f) => f.kind === 'string' && f.categorical).map((f) => f.name);
  if (fields.length === 0) return 0;
  const nItems = items.length / k;
  // Sum of vectors and count per (field, value) over interacted items.
  const sums = new Map<string, { sum: Float64Array; n: number }>();
  const valuesOf = (code: number): string[] =>
    fields.flatMap((field) => {
      const v = group.recordValue('ITEMS', code, field);
      return typeof v === 'string' ? v.split('|').map((x) => `${field}\u0000${x}`) : [];
    });
  for (let code = 0; code < nItems; code++) {
    if (!interacted(code)) continue;
    for (const key of valuesOf(code)) {
      let acc = sums.get(key);
      if (acc === undefined) sums.set(key, (acc = { sum: new Float64Array(k), n: 0 }));
      for (let f = 0; f < k; f++) acc.sum[f]! += items[code * k + f]!;
      acc.n++;
    }
  }
  let assigned = 0;
  for (const code of coldItems) {
    if (code >= nItems) continue;
    const matches = valuesOf(code)
      .map((key) => sums.get(key))
      .filter((a) => a !== undefined);
    if (matches.length === 0) continue;
    for (let f = 0; f < k; f++) {
      let v = 0;
      for (const m of matches) v += m.sum[f]! / m.n;
      items[code * k + f] = (weight * v) / matches.length;
    }
    assigned++;
  }
  return assigned;
}
