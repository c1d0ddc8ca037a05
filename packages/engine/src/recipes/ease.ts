/**
 * aws-user-personalization and aws-personalized-ranking on catalogues up to EASE_MAX_ITEMS items:
 * EASE (Steck 2019) restricted to neighbourhoods, with recency-weighted histories.
 *
 * EASE's weights for target item j are the ridge regression of X's column j on every other column,
 * (G₋ⱼ₋ⱼ + λI)⁻¹ G₋ⱼⱼ with G = XᵀX, which the closed form gets from one n×n inverse (n³ flops:
 * a minute in JavaScript at 4k items, against seconds for numpy's BLAS). Solving the same
 * regression over only the `neighbours` items co-occurring most with j costs n·m³/3 flops
 * (m = 64: a fraction of a second) and scores within noise of full EASE on the bench shapes, since
 * the weights of items that never co-occur with j are close to zero anyway. The weights are sparse
 * (n·m), so scoring a user touches m weights per history item instead of a dense n-vector.
 *
 * Histories are weighted by recency at scoring time: the k-th newest item weighs decay^k (EASE
 * treats every item alike), which is what the temporal split — and a user's next visit — rewards.
 *
 * G is dense (n² floats): above EASE_MAX_ITEMS items the recipe trains the factor model instead.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Csr } from './interactions';
import { createEaseScratch, gramRows, solveTargets } from './ease-kernel.mjs';

export interface EaseParams {
  /** Ridge penalty λ. */
  readonly lambda: number;
  /** Items each target item is regressed on. */
  readonly neighbours: number;
  /** Weight ratio between consecutive items of a history, newest first (1 = no recency weighting). */
  readonly decay: number;
  /** Weight of the items' recent popularity (in [0, 1]) added to every score (0 = none). */
  readonly blend: number;
}

/** Dense co-occurrence of 8192 items is 256 MiB of float32; beyond it the factor model trains. */
export const EASE_MAX_ITEMS = 8192;

/**
 * Items each target is regressed on in the served model. 96 scores above 64 on the long-tail shape
 * (bench) at 3.4× the solve cost; the λ / decay / blend search solves with SEARCH_NEIGHBOURS,
 * whose choice agrees, so only the two final solves pay for the larger neighbourhoods.
 */
const DEFAULT_NEIGHBOURS = 96;
export const SEARCH_NEIGHBOURS = 64;
/** Without HPO the decay is chosen on the validation split unless given; this is its value before that. */
const DEFAULT_DECAY = 1;
/** Likewise the recent-popularity blend. */
const DEFAULT_BLEND = 0;

/** λ relative to the mean interactions per item: the penalty must grow with the counts in G. */
const DEFAULT_LAMBDA_PER_MEAN_COUNT = 1;

export function defaultEaseParams(interactions: number, nItems: number): EaseParams {
  const meanCount = interactions / Math.max(1, nItems);
  return {
    lambda: Math.max(1, Math.round(meanCount * DEFAULT_LAMBDA_PER_MEAN_COUNT)),
    neighbours: DEFAULT_NEIGHBOURS,
    decay: DEFAULT_DECAY,
    blend: DEFAULT_BLEND,
  };
}

/** Reads algorithmHyperParameters (string values, as the service passes them). */
export function easeParamsFrom(hyper: Record<string, unknown> | undefined, base: EaseParams): EaseParams {
  const num = (...keys: string[]): number | undefined => {
    for (const key of keys) {
      const v = hyper?.[key];
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (Number.isFinite(n)) return n;
    }
    return undefined;
  };
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  return {
    lambda: clamp(num('regularization', 'lambda') ?? base.lambda, 1e-3, 1e7),
    neighbours: Math.round(clamp(num('neighbours') ?? base.neighbours, 4, 512)),
    decay: clamp(num('recency_decay') ?? base.decay, 0.05, 1),
    blend: clamp(num('popularity_blend') ?? base.blend, 0, 10),
  };
}

/** The hyperparameters as DescribeSolutionVersion reports them (string values). */
export function easeParamsReport(p: EaseParams): Record<string, string> {
  return {
    regularization: String(p.lambda),
    neighbours: String(p.neighbours),
    recency_decay: String(p.decay),
    popularity_blend: String(p.blend),
  };
}

/** Sparse item-to-item weights, by source item: ptr/targets/weights in CSR form. */
export interface ItemWeights {
  readonly ptr: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float32Array;
}

/** Below this many interactions worker threads cost more than they save. */
const POOL_MIN_INTERACTIONS = 100_000;

function sharedCopy<T extends Int32Array | Float32Array>(a: T): T {
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

/** Items evenly split in `parts` ranges, weighted by `cost(i)`. */
function ranges(n: number, parts: number, cost: (i: number) => number): [number, number][] {
  let total = 0;
  for (let i = 0; i < n; i++) total += cost(i);
  const out: [number, number][] = [];
  let from = 0;
  let acc = 0;
  for (let p = 1; p <= parts; p++) {
    let to = from;
    const goal = (total * p) / parts;
    while (to < n && (p === parts || acc < goal)) acc += cost(to++);
    out.push([from, to]);
    from = to;
  }
  return out;
}

export interface EaseTrainerOptions {
  /** Worker threads; default up to 2 when the data is large enough. */
  readonly workers?: number;
  /** Largest neighbourhood any solve will ask for. */
  readonly maxNeighbours?: number;
}

/**
 * Holds the co-occurrence matrix of one training matrix: solve() computes weights for a λ and
 * neighbourhood size (HPO solves several), replaceUsers() moves G to a matrix with some users'
 * rows changed (the held-out rows added back) without recomputing it.
 */
export class EaseTrainer {
  readonly n: number;
  private readonly g: Float32Array;
  private readonly workers: Worker[];
  private readonly maxNeighbours: number;
  private readonly outIdx: Int32Array;
  private readonly outVal: Float32Array;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private ready: Promise<void>;

  constructor(byUser: Csr, byItem: Csr, options: EaseTrainerOptions = {}) {
    const n = byItem.nRows;
    this.n = n;
    this.maxNeighbours = Math.max(options.maxNeighbours ?? DEFAULT_NEIGHBOURS, 1);
    const nWorkers = options.workers ?? (byUser.idx.length >= POOL_MIN_INTERACTIONS ? Math.min(2, availableParallelism()) : 0);
    const pooled = nWorkers > 1;
    const alloc = <T extends Int32Array | Float32Array>(C: new (b: ArrayBuffer | SharedArrayBuffer) => T, length: number): T =>
      new C(pooled ? new SharedArrayBuffer(length * 4) : new ArrayBuffer(length * 4));
    this.g = alloc(Float32Array, n * n);
    this.outIdx = alloc(Int32Array, n * this.maxNeighbours);
    this.outVal = alloc(Float32Array, n * this.maxNeighbours);
    if (!pooled) {
      this.workers = [];
      gramRows(this.g, n, byItem.ptr, byItem.idx, byUser.ptr, byUser.idx, 0, n);
      this.ready = Promise.resolve();
      return;
    }
    const workerData = {
      n,
      g: this.g.buffer,
      itemPtr: sharedCopy(byItem.ptr).buffer,
      itemUsers: sharedCopy(byItem.idx).buffer,
      userPtr: sharedCopy(byUser.ptr).buffer,
      userItems: sharedCopy(byUser.idx).buffer,
      outIdx: this.outIdx.buffer,
      outVal: this.outVal.buffer,
      maxSize: this.maxNeighbours,
    };
    this.workers = Array.from({ length: nWorkers }, () => {
      const w = new Worker(new URL('./ease-worker.mjs', import.meta.url), { workerData, execArgv: [] });
      w.on('message', ({ id }: { id: number }) => {
        this.waiting.get(id)?.resolve();
        this.waiting.delete(id);
      });
      w.on('error', (err) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      });
      return w;
    });
    // Gram rows cost Σ over an item's users of their history lengths.
    const userLength = (u: number): number => byUser.ptr[u + 1]! - byUser.ptr[u]!;
    const rowCost = (a: number): number => {
      let c = 1;
      for (let p = byItem.ptr[a]!; p < byItem.ptr[a + 1]!; p++) c += userLength(byItem.idx[p]!);
      return c;
    };
    this.ready = this.run('gram', ranges(n, nWorkers, rowCost), 0);
  }

  private run(task: 'gram' | 'solve', parts: [number, number][], lambda: number, size = 0): Promise<void> {
    return Promise.all(
      parts.map(([from, to], i) => {
        const id = this.nextId++;
        return new Promise<void>((resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
          this.workers[i]!.postMessage({ id, task, from, to, lambda, size });
        });
      }),
    ).then(() => undefined);
  }

  /** Weights for λ and neighbourhoods of `neighbours` items (≤ maxNeighbours). */
  async solve(lambda: number, neighbours: number): Promise<ItemWeights> {
    await this.ready;
    const n = this.n;
    const m = Math.max(1, Math.min(neighbours, this.maxNeighbours));
    if (this.workers.length === 0) {
      solveTargets(this.g, n, lambda, m, 0, n, this.outIdx, this.outVal, createEaseScratch(m));
    } else {
      this.ready = this.run(
        'solve',
        ranges(n, this.workers.length, () => 1),
        lambda,
        m,
      );
      await this.ready;
    }
    return bySource(this.outIdx, this.outVal, n, m);
  }

  /**
   * Moves G from a matrix whose listed users' rows are `before` to one where they are `after`
   * (G -= xxᵀ for the old row, += for the new one).
   */
  async replaceUsers(users: Iterable<number>, before: Csr, after: Csr): Promise<void> {
    await this.ready;
    const n = this.n;
    const g = this.g;
    const outer = (m: Csr, u: number, sign: number): void => {
      for (let p = m.ptr[u]!; p < m.ptr[u + 1]!; p++) {
        const row = m.idx[p]! * n;
        for (let q = m.ptr[u]!; q < m.ptr[u + 1]!; q++) g[row + m.idx[q]!]! += sign;
      }
    };
    for (const u of users) {
      outer(before, u, -1);
      outer(after, u, 1);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Weights kept per source item when scoring. A popular item sits in the neighbourhood of most
 * targets, so its row would hold thousands of tiny weights and every history containing it would
 * pay for them; its 128 largest weights carry the ranking (bench: no measurable NDCG change) and
 * bound a user's scoring cost by 128 per history item.
 */
const MAX_WEIGHTS_PER_SOURCE = 128;

/** Transposes target-major neighbourhood weights (n × size, -1 padded) to CSR by source item, keeping each source's largest weights. */
function bySource(outIdx: Int32Array, outVal: Float32Array, n: number, size: number, cap = MAX_WEIGHTS_PER_SOURCE): ItemWeights {
  const count = new Int32Array(n + 1);
  for (let p = 0; p < n * size; p++) if (outIdx[p]! >= 0) count[outIdx[p]! + 1]!++;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const fill = count.slice(0, n);
  const allTargets = new Int32Array(count[n]!);
  const allWeights = new Float32Array(count[n]!);
  for (let j = 0; j < n; j++) {
    for (let t = 0; t < size; t++) {
      const src = outIdx[j * size + t]!;
      if (src < 0) continue;
      const q = fill[src]!++;
      allTargets[q] = j;
      allWeights[q] = outVal[j * size + t]!;
    }
  }
  const ptr = new Int32Array(n + 1);
  const targets: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const from = count[i]!;
    const to = count[i + 1]!;
    let keep = Array.from({ length: to - from }, (_, q) => from + q);
    if (keep.length > cap)
      keep = keep
        .sort((a, b) => Math.abs(allWeights[b]!) - Math.abs(allWeights[a]!) || a - b)
        .slice(0, cap)
        .sort((a, b) => a - b);
    for (const q of keep) {
      targets.push(allTargets[q]!);
      weights.push(allWeights[q]!);
    }
    ptr[i + 1] = targets.length;
  }
  return { ptr, targets: Int32Array.from(targets), weights: Float32Array.from(weights) };
}

/**
 * Each item's recent popularity in [0, 1]: interactions weighted by exp(−age/τ) at the newest
 * timestamp (τ a twentieth of the time span), divided by the largest. EASE ranks by what goes with
 * a history and knows nothing of time; items released lately (few co-occurrences yet, many next
 * interactions) and short histories (weak EASE scores) are where this prior carries the answer.
 */
export function recentPopularity(
  timestamps: Float64Array,
  items: Int32Array,
  nItems: number,
  include: (k: number) => boolean,
): Float32Array {
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let k = 0; k < items.length; k++) {
    if (!include(k)) continue;
    const t = timestamps[k]!;
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  const tau = Math.max(3600, (tMax - tMin) / 20);
  const recent = new Float64Array(nItems);
  for (let k = 0; k < items.length; k++) if (include(k)) recent[items[k]!]! += Math.exp(-(tMax - timestamps[k]!) / tau);
  let max = 0;
  for (const v of recent) if (v > max) max = v;
  return Float32Array.from(recent, (v) => (max > 0 ? v / max : 0));
}

/** Recency weights of a history given oldest first: the k-th newest distinct item weighs decay^k. */
export function recencyWeights(sequence: readonly number[], decay: number): Map<number, number> {
  const out = new Map<number, number>();
  let w = 1;
  for (let p = sequence.length - 1; p >= 0; p--) {
    const item = sequence[p]!;
    if (!out.has(item)) {
      out.set(item, w);
      w *= decay;
    }
  }
  return out;
}
