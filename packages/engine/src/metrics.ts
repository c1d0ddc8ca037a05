/**
 * The offline metrics GetSolutionMetrics reports (PERSONALIZE.md §6), computed on the held-out
 * split: for each test user the model ranks items given the oldest 90 % of their interactions and
 * is judged against the newest 10 %.
 */
const METRIC_CUTOFFS = [5, 10, 25] as const;

/** NDCG@K with gains 1/log2(1 + position) (1-based), normalised by the ideal ordering. */
export function ndcgAtK(recommended: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  const top = Math.min(k, recommended.length);
  for (let p = 0; p < top; p++) if (relevant.has(recommended[p]!)) dcg += 1 / Math.log2(p + 2);
  let ideal = 0;
  for (let p = 0; p < Math.min(k, relevant.size); p++) ideal += 1 / Math.log2(p + 2);
  return dcg / ideal;
}

export function precisionAtK(recommended: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  for (let p = 0; p < Math.min(k, recommended.length); p++) if (relevant.has(recommended[p]!)) hits++;
  return hits / k;
}

export function reciprocalRankAtK(recommended: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  for (let p = 0; p < Math.min(k, recommended.length); p++) if (relevant.has(recommended[p]!)) return 1 / (p + 1);
  return 0;
}

export interface RankedCase {
  readonly recommended: readonly number[];
  readonly relevant: ReadonlySet<number>;
}

/** Averages over test cases; coverage = distinct recommended items ÷ catalog size. */
export function solutionMetrics(cases: readonly RankedCase[], catalogSize: number): Record<string, number> {
  const out: Record<string, number> = {};
  const n = Math.max(cases.length, 1);
  const recommended = new Set<number>();
  let mrr = 0;
  const ndcg = new Map<number, number>();
  const precision = new Map<number, number>();
  for (const c of cases) {
    for (const code of c.recommended.slice(0, 25)) recommended.add(code);
    mrr += reciprocalRankAtK(c.recommended, c.relevant, 25);
    for (const k of METRIC_CUTOFFS) {
      ndcg.set(k, (ndcg.get(k) ?? 0) + ndcgAtK(c.recommended, c.relevant, k));
      precision.set(k, (precision.get(k) ?? 0) + precisionAtK(c.recommended, c.relevant, k));
    }
  }
  const round = (v: number): number => Math.round(v * 10_000) / 10_000;
  out.coverage = round(catalogSize === 0 ? 0 : recommended.size / catalogSize);
  out.mean_reciprocal_rank_at_25 = round(mrr / n);
  for (const k of METRIC_CUTOFFS) out[`normalized_discounted_cumulative_gain_at_${k}`] = round((ndcg.get(k) ?? 0) / n);
  for (const k of METRIC_CUTOFFS) out[`precision_at_${k}`] = round((precision.get(k) ?? 0) / n);
  return out;
}

/**
 * USER_SEGMENTATION metrics: for each held-out item, the top 1 % of users by affinity (at least one)
 * is the segment; hits = held-out users of the item in the segment, recall = hits ÷ held-out users
 * (at most the segment size). Averaged over items. Key strings follow the developer guide's
 * "hits at 1%" and "recall at 1%" (their exact spelling is unverified).
 */
export function segmentMetrics(
  segments: readonly { readonly segment: readonly number[]; readonly relevant: ReadonlySet<number> }[],
): Record<string, number> {
  let hits = 0;
  let recall = 0;
  for (const { segment, relevant } of segments) {
    let h = 0;
    for (const u of segment) if (relevant.has(u)) h++;
    hits += h;
    recall += h / Math.min(relevant.size, segment.length);
  }
  const n = Math.max(1, segments.length);
  const round = (v: number): number => Math.round(v * 10_000) / 10_000;
  return { hits_at_1_percent: round(hits / n), recall_at_1_percent: round(recall / n) };
}
