/**
 * Batch inference for user-personalization models on worker threads. The main thread parses lines
 * and finds each user's vector (stored, or refit from new events); the workers score and keep the
 * top candidates; the main thread applies filters to those candidates and writes the lines. A
 * filter that rejects too many candidates sends that line back to the single-threaded path, so
 * answers are the same either way.
 */
import type { DatasetGroup } from '../data/group';
import type { FilterCache } from '../filter-view';
import { GroupFilterView } from '../filter-view';
import type { FilterRef } from '../port';
import type { FactorModel } from '../recipes/model';
import { userQuery } from '../runtime';
import { inferenceLine } from './lines';
import type { ScorePool } from './score-pool';

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

interface Pending {
  readonly index: number;
  readonly input: Record<string, unknown>;
  readonly userId: string;
  readonly vector: Float32Array;
  readonly filter: FilterRef | undefined;
}

export async function pooledInferenceLines(
  group: DatasetGroup,
  model: FactorModel,
  filters: FilterCache,
  pool: ScorePool,
  lines: readonly string[],
  numResults: number,
  filter: FilterRef | undefined,
): Promise<string[]> {
  const out: string[] = new Array<string>(lines.length);
  const pending: Pending[] = [];
  lines.forEach((line, index) => {
    let input: unknown;
    try {
      input = JSON.parse(line);
    } catch {
      input = undefined;
    }
    const obj = input as Record<string, unknown> | undefined;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || typeof obj.userId !== 'string') {
      out[index] = inferenceLine(group, model, filters, line, numResults, filter); // error lines, same text
      return;
    }
    const vector = model.userVector(userQuery(group, model, obj.userId));
    if (vector === undefined) {
      out[index] = inferenceLine(group, model, filters, line, numResults, filter); // cold start
      return;
    }
    const lineFilter =
      filter === undefined
        ? undefined
        : obj.filterValues === undefined
          ? filter
          : { ...filter, filterValues: obj.filterValues as Record<string, string> };
    pending.push({ index, input: obj, userId: obj.userId, vector: Float32Array.from(vector), filter: lineFilter });
  });
  if (pending.length === 0) return out;
  const filtered = pending.some((p) => p.filter !== undefined);
  const topN = Math.min(model.nItems, filtered ? numResults * 4 + 50 : numResults);
  const candidates = await pool.topCandidates(
    pending.map((p) => p.vector),
    topN,
  );
  pending.forEach((p, i) => {
    const c = candidates[i]!;
    const items: string[] = [];
    const scores: number[] = [];
    let allows: ((id: string) => boolean) | undefined;
    try {
      const compiled = p.filter === undefined ? undefined : filters.get(p.filter);
      if (compiled !== undefined && compiled.target !== 'ItemID') throw new Error('not an item filter');
      allows = compiled?.bind({ userId: p.userId, data: new GroupFilterView(group) });
    } catch {
      // The single-threaded path reports the filter's problem on this line.
      out[p.index] = inferenceLine(group, model, filters, lines[p.index]!, numResults, filter);
      return;
    }
    for (let r = 0; r < c.codes.length && items.length < numResults; r++) {
      const code = c.codes[r]!;
      if (code < 0) break;
      const id = group.items.decode(code);
      if (allows !== undefined && !allows(id)) continue;
      items.push(id);
      scores.push(round(c.scores[r]!));
    }
    if (items.length < numResults && topN < model.nItems) {
      out[p.index] = inferenceLine(group, model, filters, lines[p.index]!, numResults, filter);
      return;
    }
    out[p.index] = JSON.stringify({ input: p.input, output: { recommendedItems: items, scores }, error: null });
  });
  return out;
}
