import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FactorModel } from '../../packages/engine/src/recipes/model';
import { ModelStore } from '../../packages/engine/src/recipes/model-store';
import { DEFAULT_ALS_PARAMS, trainAls } from '../../packages/engine/src/recipes/als';
import { buildMatrix } from '../../packages/engine/src/recipes/interactions';
import type { InteractionLog } from '../../packages/engine/src/recipes/interactions';
import { createRng } from '@recops/engine';

function randomLog(nUsers: number, nItems: number, n: number): InteractionLog {
  const rng = createRng(5);
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    users[k] = Math.floor(rng.next() * nUsers);
    // Users prefer items congruent to their id: a structure ALS can find.
    items[k] = rng.next() < 0.8 ? (users[k]! * 7 + Math.floor(rng.next() * 5) * 10) % nItems : Math.floor(rng.next() * nItems);
  }
  return { users, items, timestamps: new Float64Array(n), length: n, nUsers, nItems };
}

describe('Function: trainAls', () => {
  it('returns identical factors on worker threads and in one thread', async () => {
    const m = buildMatrix(randomLog(200, 100, 5000));
    const params = { ...DEFAULT_ALS_PARAMS, iterations: 3 };
    const inline = await trainAls(m.byUser, m.byItem, params, createRng(1), { workers: 0 });
    const pooled = await trainAls(m.byUser, m.byItem, params, createRng(1), { workers: 2 });
    expect(Array.from(pooled.users)).toEqual(Array.from(inline.users));
    expect(Array.from(pooled.items)).toEqual(Array.from(inline.items));
  });

  it('persists factors trained in shared memory and loads them in a new store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engine-als-'));
    try {
      const m = buildMatrix(randomLog(200, 100, 5000));
      const f = await trainAls(m.byUser, m.byItem, { ...DEFAULT_ALS_PARAMS, iterations: 2 }, createRng(1), { workers: 2 });
      const info = {
        family: 'factors' as const,
        recipe: 'aws-user-personalization',
        datasetGroupArn: 'dg',
        selection: {},
        trainedRows: 5000,
        trainedItems: 100,
        trainedUsers: 200,
        tableRows: 5000,
        revision: 1,
        params: {},
        metrics: { coverage: 0.5 },
      };
      await new ModelStore(dir).save('sv', new FactorModel(info, new Float32Array(100), f.k, f.users, f.items, DEFAULT_ALS_PARAMS));
      const loaded = await new ModelStore(dir).load('sv');
      expect(loaded).toBeInstanceOf(FactorModel);
      expect(Array.from((loaded as FactorModel).userFactors)).toEqual(Array.from(f.users));
      expect(Array.from((loaded as FactorModel).itemFactors)).toEqual(Array.from(f.items));
      expect(loaded?.info.metrics).toEqual({ coverage: 0.5 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fits observed pairs above unobserved ones', async () => {
    const m = buildMatrix(randomLog(200, 100, 5000));
    const f = await trainAls(m.byUser, m.byItem, DEFAULT_ALS_PARAMS, createRng(1), { workers: 0 });
    const dot = (u: number, i: number): number => {
      let s = 0;
      for (let d = 0; d < f.k; d++) s += f.users[u * f.k + d]! * f.items[i * f.k + d]!;
      return s;
    };
    let observed = 0;
    let nObserved = 0;
    let other = 0;
    let nOther = 0;
    for (let u = 0; u < 200; u++) {
      const seen = new Set(m.byUser.idx.subarray(m.byUser.ptr[u]!, m.byUser.ptr[u + 1]!));
      for (let i = 0; i < 100; i++) {
        if (seen.has(i)) {
          observed += dot(u, i);
          nObserved++;
        } else {
          other += dot(u, i);
          nOther++;
        }
      }
    }
    expect(observed / nObserved).toBeGreaterThan(other / nOther + 0.2);
  });
});
