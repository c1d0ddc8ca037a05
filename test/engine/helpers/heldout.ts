/**
 * Scoring an engine against a reference on one temporal split: the training rows go into the
 * engine as an Interactions import, each test user's recommendations come from GetRecommendations
 * (asking for enough to drop the items already in their input, which both sides exclude), and
 * NDCG@10 is computed on the held-out items.
 */
import type { PersonalizeEngine } from '@recops/engine';
import type { Interactions, TemporalSplit, TestCase } from './shapes';

const SPLIT_CSV_HEADER = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE';

/** The training rows as an Interactions CSV (ids u<code>, i<code>). */
export function trainingCsv(log: Interactions, split: TemporalSplit): string {
  const lines = [SPLIT_CSV_HEADER];
  for (let k = 0; k < log.length; k++)
    if (split.train[k] === 1) lines.push(`u${log.users[k]},i${log.items[k]},${log.timestamps[k]},click,`);
  return `${lines.join('\n')}\n`;
}

/** NDCG@10 of one ranked list (item codes) against the held-out items. */
export function ndcgAt10(ranked: readonly number[], targets: readonly number[]): number {
  const relevant = new Set(targets);
  let dcg = 0;
  ranked.slice(0, 10).forEach((item, p) => {
    if (relevant.has(item)) dcg += 1 / Math.log2(p + 2);
  });
  let ideal = 0;
  for (let p = 0; p < Math.min(10, relevant.size); p++) ideal += 1 / Math.log2(p + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** The top 10 of a score vector, excluding the input items. */
function top10(scores: ArrayLike<number>, exclude: ReadonlySet<number>): number[] {
  const order: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!exclude.has(i)) order.push(i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, 10);
}

/** Mean NDCG@10 of a solution version over the test cases, from GetRecommendations. */
export async function engineNdcg(engine: PersonalizeEngine, solutionVersionArn: string, cases: readonly TestCase[]): Promise<number> {
  let total = 0;
  for (const c of cases) {
    const input = new Set(c.input);
    const recs = await engine.getRecommendations({ solutionVersionArn, userId: `u${c.user}`, numResults: Math.min(500, 10 + input.size) });
    const ranked = recs.map((r) => Number(r.itemId.slice(1))).filter((i) => !input.has(i));
    total += ndcgAt10(ranked, c.targets);
  }
  return total / Math.max(1, cases.length);
}

/**
 * EASE (Steck 2019) in closed form on binary data, for small catalogues: P = (XᵀX + λI)⁻¹,
 * B = I − P·diag(1/diag P) with a zero diagonal. Dense Gauss–Jordan, n³: tests only.
 */
export function easeWeights(log: Interactions, split: TemporalSplit, lambda: number): Float64Array {
  const n = log.nItems;
  const histories: Set<number>[] = Array.from({ length: log.nUsers }, () => new Set());
  for (let k = 0; k < log.length; k++) if (split.train[k] === 1) histories[log.users[k]!]!.add(log.items[k]!);
  const a = new Float64Array(n * n);
  for (const h of histories) {
    const items = [...h];
    for (const i of items) for (const j of items) a[i * n + j]! += 1;
  }
  for (let i = 0; i < n; i++) a[i * n + i]! += lambda;
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    const d = a[c * n + c]!;
    for (let j = 0; j < n; j++) {
      a[c * n + j]! /= d;
      inv[c * n + j]! /= d;
    }
    for (let r = 0; r < n; r++) {
      const f = a[r * n + c]!;
      if (r === c || f === 0) continue;
      for (let j = 0; j < n; j++) {
        a[r * n + j]! -= f * a[c * n + j]!;
        inv[r * n + j]! -= f * inv[c * n + j]!;
      }
    }
  }
  const b = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -inv[i * n + j]! / inv[j * n + j]!;
  return b;
}

/** Mean NDCG@10 of EASE weights over the test cases (binary input histories). */
export function easeNdcg(b: Float64Array, n: number, cases: readonly TestCase[]): number {
  let total = 0;
  for (const c of cases) {
    const scores = new Float64Array(n);
    for (const i of new Set(c.input)) for (let j = 0; j < n; j++) scores[j]! += b[i * n + j]!;
    total += ndcgAt10(top10(scores, new Set(c.input)), c.targets);
  }
  return total / Math.max(1, cases.length);
}
