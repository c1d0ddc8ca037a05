/**
 * Worker threads that score user vectors against a factor model's items (see score-worker.mjs),
 * so batch inference over large inputs uses every core. The item factors live in a
 * SharedArrayBuffer: each worker reads the same copy.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FactorModel } from '../recipes/model';

export interface Candidates {
  /** Item codes, best first; -1 pads when fewer than topN items exist. */
  readonly codes: Int32Array;
  readonly scores: Float64Array;
}

interface Reply {
  readonly id: number;
  readonly codes: ArrayBuffer;
  readonly scores: ArrayBuffer;
}

export class ScorePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(
    private readonly model: FactorModel,
    size = Math.max(1, Math.min(2, availableParallelism())),
  ) {
    const share = (a: Float32Array): SharedArrayBuffer => {
      const sab = new SharedArrayBuffer(a.byteLength);
      new Float32Array(sab).set(a);
      return sab;
    };
    const workerData = {
      itemFactors: share(model.itemFactors),
      tieBreak: share(model.popularityTieBreak()),
      k: model.k,
      nItems: model.nItems,
    };
    this.workers = Array.from({ length: size }, () => {
      // Plain JavaScript: no TypeScript loader flags from the parent (they cost a second per worker).
      const w = new Worker(new URL('./score-worker.mjs', import.meta.url), { workerData, execArgv: [] });
      w.on('message', (reply: Reply) => {
        this.pending.get(reply.id)?.resolve(reply);
        this.pending.delete(reply.id);
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      return w;
    });
  }

  private run(worker: Worker, vectors: Float32Array, count: number, topN: number): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, vectors: vectors.buffer, count, topN }, [vectors.buffer as ArrayBuffer]);
    });
  }

  /** The top `topN` items for each user vector, split evenly over the workers. */
  async topCandidates(vectors: readonly Float32Array[], topN: number): Promise<Candidates[]> {
    const k = this.model.k;
    const per = Math.ceil(vectors.length / this.workers.length);
    const parts = await Promise.all(
      this.workers.map((w, wi) => {
        const slice = vectors.slice(wi * per, (wi + 1) * per);
        if (slice.length === 0) return Promise.resolve(undefined);
        const packed = new Float32Array(slice.length * k);
        slice.forEach((x, i) => packed.set(x, i * k));
        return this.run(w, packed, slice.length, topN);
      }),
    );
    const out: Candidates[] = [];
    for (const part of parts) {
      if (part === undefined) continue;
      const codes = new Int32Array(part.codes);
      const scores = new Float64Array(part.scores);
      for (let u = 0; u * topN < codes.length; u++) {
        out.push({ codes: codes.subarray(u * topN, (u + 1) * topN), scores: scores.subarray(u * topN, (u + 1) * topN) });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
