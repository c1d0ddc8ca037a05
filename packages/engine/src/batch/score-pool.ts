/**
 * Worker threads that score users for batch inference (see score-worker.mjs), so large inputs use
 * every core. The model's arrays live in SharedArrayBuffers: each worker reads the same copy.
 *
 * - Factor models: the main thread finds each user's vector (stored, or refit from new events) and
 *   the workers score it against the item factors.
 * - Neighbourhood EASE: the pool snapshots every user's history (item codes under the model's event
 *   selection, oldest first) once per job; the main thread only looks up the user code and the
 *   workers weigh the history and score it. Users with events the model has not been trained on
 *   are answered by the single-threaded path (which weighs a live session differently).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DatasetGroup } from '../data/group';
import { rowSelector } from '../recipes/interactions';
import { EaseModel, FactorModel } from '../recipes/model';
import type { Model } from '../recipes/model';
import { userQuery } from '../runtime';

export interface Candidates {
  /** Item codes, best first; -1 pads when fewer than topN items exist. */
  readonly codes: Int32Array;
  readonly scores: Float64Array;
}

type Reply =
  | { readonly id: number; readonly codes: ArrayBuffer; readonly scores: ArrayBuffer }
  | { readonly id: number; readonly outputs: string[] };

function shared<T extends Int32Array | Float32Array>(a: T): ArrayBufferLike {
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy.buffer;
}

interface PoolKind {
  readonly workerData: Record<string, unknown>;
  /** What a worker scores for this user; undefined sends the line to the single-threaded path. */
  query(userId: string): Float32Array | number | undefined;
  pack(queries: readonly (Float32Array | number)[]): ArrayBuffer;
}

function factorKind(group: DatasetGroup, model: FactorModel): PoolKind {
  const k = model.k;
  return {
    workerData: {
      kind: 'factors',
      itemFactors: shared(model.itemFactors),
      tieBreak: shared(model.popularityTieBreak()),
      k,
      nItems: model.nItems,
    },
    query: (userId) => {
      const vector = model.userVector(userQuery(group, model, userId));
      return vector === undefined ? undefined : Float32Array.from(vector); // undefined: cold start
    },
    pack: (queries) => {
      const packed = new Float32Array(queries.length * k);
      queries.forEach((x, i) => packed.set(x as Float32Array, i * k));
      return packed.buffer;
    },
  };
}

function easeKind(group: DatasetGroup, model: EaseModel): PoolKind {
  // Each user's history as userQuery reads it, in one CSR; `changed` marks users whose history has
  // events newer than the model (the single-threaded path weighs those as a live session).
  const t = group.table('INTERACTIONS');
  const nUsers = group.users.size;
  const seqPtr = new Int32Array(nUsers + 1);
  const changed = new Uint8Array(nUsers);
  let seqItems = new Int32Array(Math.max(16, t?.length ?? 0));
  let length = 0;
  if (t !== undefined) {
    const keep = rowSelector(group, model.info.selection);
    const items = t.codes('ITEM_ID');
    for (let u = 0; u < nUsers; u++) {
      for (const row of group.userRows(u)) {
        if (!keep(row)) continue;
        const item = items[row] ?? -1;
        if (item < 0) continue;
        if (length === seqItems.length) {
          const grown = new Int32Array(length * 2);
          grown.set(seqItems);
          seqItems = grown;
        }
        seqItems[length++] = item;
        if (row >= model.info.tableRows) changed[u] = 1;
      }
      if (u >= model.info.trainedUsers && length > seqPtr[u]!) changed[u] = 1;
      seqPtr[u + 1] = length;
    }
  }
  return {
    workerData: {
      kind: 'ease',
      nItems: model.nItems,
      decay: model.easeParams.decay,
      ptr: shared(model.ptr),
      targets: shared(model.targets),
      weights: shared(model.weights),
      base: shared(model.scoringBase()),
      coldStart: shared(model.coldStartScores()),
      seqPtr: shared(seqPtr),
      seqItems: shared(seqItems.subarray(0, length)),
      itemCodes: Math.max(group.items.size, model.nItems),
    },
    query: (userId) => {
      const code = group.users.lookup(userId);
      if (code < 0) return -1; // never seen: the cold-start answer
      return code < nUsers && changed[code] === 0 ? code : undefined;
    },
    pack: (queries) => Int32Array.from(queries as number[]).buffer,
  };
}

export class ScorePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  private constructor(
    private readonly kind: PoolKind,
    itemIds: readonly string[],
    nItems: number,
    size: number,
  ) {
    this.workers = Array.from({ length: size }, () => {
      // Plain JavaScript: no TypeScript loader flags from the parent (they cost a second per worker).
      const workerData = { ...kind.workerData, itemIds: itemIds.slice(0, nItems) };
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

  /** A pool for models the workers can score (factor and neighbourhood-EASE models), else undefined. */
  static forModel(group: DatasetGroup, model: Model, size = Math.max(1, Math.min(2, availableParallelism()))): ScorePool | undefined {
    const ids = group.items.values;
    if (model instanceof FactorModel) return new ScorePool(factorKind(group, model), ids, model.nItems, size);
    if (model instanceof EaseModel) return new ScorePool(easeKind(group, model), ids, model.nItems, size);
    return undefined;
  }

  /** What the workers score for this user, or undefined when the single-threaded path must answer. */
  query(userId: string): Float32Array | number | undefined {
    return this.kind.query(userId);
  }

  /** The queries split evenly over the workers; replies in query order. */
  private scatter(queries: readonly (Float32Array | number)[], topN: number, format: boolean): Promise<Reply[]> {
    const per = Math.ceil(queries.length / this.workers.length);
    const parts: Promise<Reply>[] = [];
    this.workers.forEach((worker, wi) => {
      const slice = queries.slice(wi * per, (wi + 1) * per);
      if (slice.length === 0) return;
      const id = this.nextId++;
      const packed = this.kind.pack(slice);
      parts.push(
        new Promise<Reply>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.postMessage({ id, queries: packed, count: slice.length, topN, format }, [packed]);
        }),
      );
    });
    return Promise.all(parts);
  }

  /**
   * The `output` JSON text of each query's answer, {"recommendedItems":[…],"scores":[…]} with the
   * top `numResults` items (no filter to apply).
   */
  async outputs(queries: readonly (Float32Array | number)[], numResults: number): Promise<string[]> {
    const out: string[] = [];
    for (const part of await this.scatter(queries, numResults, true)) {
      if ('outputs' in part) for (const text of part.outputs) out.push(text);
    }
    return out;
  }

  /** The top `topN` items for each query. */
  async topCandidates(queries: readonly (Float32Array | number)[], topN: number): Promise<Candidates[]> {
    const out: Candidates[] = [];
    for (const part of await this.scatter(queries, topN, false)) {
      if ('outputs' in part) continue;
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
