/**
 * Top-K selection over a score vector with a min-heap: O(n log K) and no full sort, which is what
 * keeps batch inference over thousands of items per user fast.
 */
export interface TopKOptions {
  /** Candidates to skip (e.g. items the user already interacted with). */
  readonly exclude?: { has(code: number): boolean };
  /** Candidates a filter rejects; called only for candidates that would enter the heap. */
  readonly allow?: (code: number) => boolean;
  /** Only candidates below this code (the model's item count). */
  readonly limit?: number;
}

export function topK(scores: ArrayLike<number>, k: number, opts: TopKOptions = {}): { codes: number[]; scores: number[] } {
  const n = Math.min(scores.length, opts.limit ?? scores.length);
  const heapCodes = new Int32Array(k);
  const heapScores = new Float64Array(k);
  let size = 0;
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && heapScores[l]! < heapScores[m]!) m = l;
      if (r < size && heapScores[r]! < heapScores[m]!) m = r;
      if (m === i) return;
      const tc = heapCodes[i]!;
      const ts = heapScores[i]!;
      heapCodes[i] = heapCodes[m]!;
      heapScores[i] = heapScores[m]!;
      heapCodes[m] = tc;
      heapScores[m] = ts;
      i = m;
    }
  };
  if (k <= 0) return { codes: [], scores: [] };
  for (let c = 0; c < n; c++) {
    const s = scores[c]!;
    if (s === -Infinity || Number.isNaN(s)) continue;
    if (size === k && s <= heapScores[0]!) continue;
    if (opts.exclude?.has(c) === true) continue;
    if (opts.allow !== undefined && !opts.allow(c)) continue;
    if (size < k) {
      let i = size++;
      heapCodes[i] = c;
      heapScores[i] = s;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heapScores[parent]! <= heapScores[i]!) break;
        const tc = heapCodes[i]!;
        const ts = heapScores[i]!;
        heapCodes[i] = heapCodes[parent]!;
        heapScores[i] = heapScores[parent]!;
        heapCodes[parent] = tc;
        heapScores[parent] = ts;
        i = parent;
      }
    } else {
      heapCodes[0] = c;
      heapScores[0] = s;
      siftDown(0);
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => heapScores[b]! - heapScores[a]! || heapCodes[a]! - heapCodes[b]!);
  return { codes: order.map((i) => heapCodes[i]!), scores: order.map((i) => heapScores[i]!) };
}
