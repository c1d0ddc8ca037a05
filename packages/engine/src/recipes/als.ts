/**
 * Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008) solved by alternating least
 * squares with a few conjugate-gradient steps per row (Takács, Pilászy & Tikk 2011) instead of an
 * exact k×k solve: each row costs O(steps·(k² + nnz·k)), so 1M interactions × k=32 takes seconds
 * per sweep in plain JS, and warm-started CG converges in 2–3 steps per sweep.
 *
 * Confidence of an observed (user, item) pair is 1 + alpha·ln(1 + count); unobserved pairs have
 * confidence 1 and preference 0, handled implicitly through the Gram matrix YᵀY.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Rng } from '../rng';
import { createScratch, solveRow, solveRows } from './cg-kernel.mjs';
import type { Csr } from './interactions';

export interface AlsParams {
  readonly factors: number;
  readonly regularization: number;
  readonly alpha: number;
  readonly iterations: number;
  readonly cgSteps: number;
}

export const DEFAULT_ALS_PARAMS: AlsParams = { factors: 32, regularization: 5, alpha: 2, iterations: 8, cgSteps: 3 };

function confidence(count: number, alpha: number): number {
  return 1 + alpha * Math.log1p(count);
}

/** YᵀY + λI for factors Y (n×k, row-major). */
export function gram(y: Float32Array, n: number, k: number, lambda: number): Float64Array {
  const g = new Float64Array(k * k);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let a = 0; a < k; a++) {
      const ya = y[o + a]!;
      if (ya === 0) continue;
      const ga = a * k;
      for (let b = a; b < k; b++) g[ga + b]! += ya * y[o + b]!;
    }
  }
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < a; b++) g[a * k + b] = g[b * k + a]!;
    g[a * k + a]! += lambda;
  }
  return g;
}

/** Confidences for a count matrix. */
export function confidences(m: Csr, alpha: number): Float32Array {
  const out = new Float32Array(m.val.length);
  for (let p = 0; p < out.length; p++) out[p] = confidence(m.val[p]!, alpha);
  return out;
}

/** One half-sweep: re-solves every row of `m` (or only `rows`) against fixed factors `y`. */
export function sweep(
  target: Float32Array,
  m: Csr,
  conf: Float32Array,
  y: Float32Array,
  nY: number,
  params: AlsParams,
  steps = params.cgSteps,
  rows?: Iterable<number>,
): void {
  const k = params.factors;
  const g = gram(y, nY, k, params.regularization);
  if (rows === undefined) {
    solveRows(target, m.ptr, m.idx, conf, y, g, k, steps, 0, m.nRows);
    return;
  }
  const s = createScratch(k);
  for (const row of rows) {
    const start = m.ptr[row]!;
    const end = m.ptr[row + 1]!;
    if (start !== end) solveRow(target, row, k, m.idx, conf, start, end, y, g, steps, s);
  }
}

export interface Factors {
  readonly users: Float32Array;
  readonly items: Float32Array;
  readonly nUsers: number;
  readonly nItems: number;
  readonly k: number;
}

function zeroEmptyRows(factors: Float32Array, m: Csr, k: number): void {
  for (let r = 0; r < m.nRows; r++) if (m.ptr[r] === m.ptr[r + 1]) factors.fill(0, r * k, (r + 1) * k);
}

function initFactors(n: number, k: number, rng: Rng): Float32Array {
  const out = new Float32Array(n * k);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal() * 0.01;
  return out;
}

/** Lets the event loop run between sweeps, so a server hosting the engine keeps answering while it trains. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Below this many interactions, starting worker threads costs more than it saves. */
const POOL_MIN_INTERACTIONS = 100_000;

function shared<T extends Float32Array | Int32Array>(a: T): T {
  const sab = new SharedArrayBuffer(a.byteLength);
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(sab);
  copy.set(a);
  return copy;
}

/** Row ranges with about equal interaction counts, one per worker. */
function ranges(m: Csr, parts: number): [number, number][] {
  const total = m.ptr[m.nRows]!;
  const out: [number, number][] = [];
  let from = 0;
  for (let p = 1; p <= parts; p++) {
    let to = from;
    const goal = (total * p) / parts;
    while (to < m.nRows && (p === parts || m.ptr[to]! < goal)) to++;
    out.push([from, to]);
    from = to;
  }
  return out;
}

/**
 * ALS sweeps on worker threads (als-worker.mjs): each worker solves a share of the rows in shared
 * memory, so training uses every core and the main thread stays free to serve requests.
 */
class SweepPool {
  private readonly workers: Worker[];
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(workerData: Record<string, unknown>, size: number) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL('./als-worker.mjs', import.meta.url), { workerData, execArgv: [] });
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
  }

  async sweep(side: 'users' | 'items', m: Csr, g: Float64Array, steps: number): Promise<void> {
    await Promise.all(
      ranges(m, this.workers.length).map(([from, to], i) => {
        const id = this.nextId++;
        return new Promise<void>((resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
          this.workers[i]!.postMessage({ id, side, from, to, steps, gram: g.buffer });
        });
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export interface TrainAlsOptions {
  /** Worker threads for the sweeps; default: up to 2 when the data is large enough. */
  readonly workers?: number;
}

export async function trainAls(byUser: Csr, byItem: Csr, params: AlsParams, rng: Rng, options: TrainAlsOptions = {}): Promise<Factors> {
  const k = params.factors;
  const nUsers = byUser.nRows;
  const nItems = byItem.nRows;
  const nWorkers = options.workers ?? (byUser.idx.length >= POOL_MIN_INTERACTIONS ? Math.min(2, availableParallelism()) : 0);
  const pooled = nWorkers > 1;
  const users = pooled ? shared(initFactors(nUsers, k, rng)) : initFactors(nUsers, k, rng);
  const items = pooled ? shared(initFactors(nItems, k, rng)) : initFactors(nItems, k, rng);
  const confU = confidences(byUser, params.alpha);
  const confI = confidences(byItem, params.alpha);
  const pool = pooled
    ? new SweepPool(
        {
          k,
          users: users.buffer,
          items: items.buffer,
          byUser: { ptr: shared(byUser.ptr).buffer, idx: shared(byUser.idx).buffer, conf: shared(confU).buffer },
          byItem: { ptr: shared(byItem.ptr).buffer, idx: shared(byItem.idx).buffer, conf: shared(confI).buffer },
        },
        nWorkers,
      )
    : undefined;
  try {
    for (let it = 0; it < params.iterations; it++) {
      // The first sweep starts from noise: give it more CG steps.
      const steps = it === 0 ? Math.max(params.cgSteps, 6) : params.cgSteps;
      if (pool !== undefined) {
        await pool.sweep('users', byUser, gram(items, nItems, k, params.regularization), steps);
        await pool.sweep('items', byItem, gram(users, nUsers, k, params.regularization), steps);
      } else {
        sweep(users, byUser, confU, items, nItems, params, steps);
        await yieldToEventLoop();
        sweep(items, byItem, confI, users, nUsers, params, steps);
        await yieldToEventLoop();
      }
    }
  } finally {
    await pool?.close();
  }
  // Rows without interactions keep their random start: zero them, so such users fall back to
  // popularity (the tie-break) instead of noise, and such items rank last.
  zeroEmptyRows(users, byUser, k);
  zeroEmptyRows(items, byItem, k);
  return { users, items, nUsers, nItems, k };
}

/** Folds a user into fixed item factors: the factor vector for an item history with counts. */
export function foldIn(
  items: Float32Array,
  itemGram: Float64Array,
  k: number,
  history: ReadonlyMap<number, number>,
  params: Pick<AlsParams, 'alpha'>,
  start?: Float32Array,
): Float32Array {
  const idx = new Int32Array(history.size);
  const conf = new Float32Array(history.size);
  let n = 0;
  for (const [item, weight] of history) {
    idx[n] = item;
    conf[n] = confidence(weight, params.alpha);
    n++;
  }
  const out = new Float32Array(k);
  if (start !== undefined) out.set(start);
  solveRow(out, 0, k, idx, conf, 0, n, items, itemGram, Math.min(k, 12), createScratch(k));
  return out;
}
