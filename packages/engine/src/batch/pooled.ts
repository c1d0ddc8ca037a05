/**
 * Batch inference for user-personalization models on worker threads. The main thread parses lines
 * and says what each user is scored from (ScorePool.query); the workers score and keep the top
 * candidates; the main thread applies filters to those candidates and writes the lines. A filter
 * that rejects too many candidates sends that line back to the single-threaded path, so answers are
 * the same either way.
 */
import type { DatasetGroup } from '../data/group';
import type { FilterCache } from '../filter-view';
import { GroupFilterView } from '../filter-view';
import type { FilterRef } from '../port';
import type { Model } from '../recipes/model';
import { inferenceLine } from './lines';
import type { ScorePool } from './score-pool';

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

interface Pending {
  readonly index: number;
  readonly input: Record<string, unknown>;
  readonly userId: string;
  readonly query: Float32Array | number;
  readonly filter: FilterRef | undefined;
}

export async function pooledInferenceLines(
  group: DatasetGroup,
  model: Model,
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
    const query = pool.query(obj.userId);
    if (query === undefined) {
      out[index] = inferenceLine(group, model, filters, line, numResults, filter);
      return;
    }
    const lineFilter =
      filter === undefined
        ? undefined
        : obj.filterValues === undefined
          ? filter
          : { ...filter, filterValues: obj.filterValues as Record<string, string> };
    pending.push({ index, input: obj, userId: obj.userId, query, filter: lineFilter });
  });
  if (pending.length === 0) return out;
  if (filter === undefined) {
    const texts = await pool.outputs(
      pending.map((p) => p.query),
      numResults,
    );
    // The text JSON.stringify writes for { input, output, error: null }.
    pending.forEach((p, i) => (out[p.index] = `{"input":${JSON.stringify(p.input)},"output":${texts[i]!},"error":null}`));
    return out;
  }
  const filtered = pending.some((p) => p.filter !== undefined);
  const topN = Math.min(model.nItems, filtered ? numResults * 4 + 50 : numResults);
  const candidates = await pool.topCandidates(
    pending.map((p) => p.query),
    topN,
  );
  pending.forEach((p, i) => {
    const c = candidates[i]!;
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
    const items: string[] = [];
    const scores: number[] = [];
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
    // One JSON.stringify of the whole line: its number formatting is several times faster than String(n).
    out[p.index] = JSON.stringify({ input: p.input, output: { recommendedItems: items, scores }, error: null });
  });
  return out;
}
