/**
 * aws-sims / aws-similar-items (and the "because you watched", "more like", "also viewed",
 * "frequently bought together" domain recipes): item-to-item co-occurrence within user histories,
 * cosine-normalised (co(i,j) / √(users(i)·users(j))) so blockbusters do not dominate every list.
 * Each item keeps its top neighbours; the rest of an answer falls back to popularity.
 */
import { topK } from '../topk';
import { yieldToEventLoop } from './als';
import type { Csr } from './interactions';
import { SimsModel } from './model';
import type { ModelInfo } from './model';

/** Neighbours kept per item: enough for numResults = 500, bounded to ~20M entries overall. */
function neighboursPerItem(nItems: number): number {
  return Math.max(20, Math.min(500, Math.floor(20_000_000 / Math.max(nItems, 1))));
}

export async function trainSims(info: ModelInfo, popularity: Float32Array, matrix: { byUser: Csr; byItem: Csr }): Promise<SimsModel> {
  const { byUser, byItem } = matrix;
  const nItems = byItem.nRows;
  const m = neighboursPerItem(nItems);
  const usersOf = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) usersOf[i] = byItem.ptr[i + 1]! - byItem.ptr[i]!;
  const acc = new Float64Array(nItems);
  const touched = new Int32Array(nItems);
  const ptr = new Int32Array(nItems + 1);
  const neighbours: number[] = [];
  const similarity: number[] = [];
  for (let i = 0; i < nItems; i++) {
    if (i % 256 === 255) await yieldToEventLoop();
    let nTouched = 0;
    for (let p = byItem.ptr[i]!; p < byItem.ptr[i + 1]!; p++) {
      const u = byItem.idx[p]!;
      for (let q = byUser.ptr[u]!; q < byUser.ptr[u + 1]!; q++) {
        const j = byUser.idx[q]!;
        if (j === i) continue;
        if (acc[j] === 0) touched[nTouched++] = j;
        acc[j]! += 1;
      }
    }
    const cand = new Float64Array(nTouched);
    const codes = touched.subarray(0, nTouched);
    for (let t = 0; t < nTouched; t++) {
      const j = codes[t]!;
      cand[t] = acc[j]! / Math.sqrt(usersOf[i]! * usersOf[j]!);
      acc[j] = 0;
    }
    const best = topK(cand, Math.min(m, nTouched));
    for (let r = 0; r < best.codes.length; r++) {
      neighbours.push(codes[best.codes[r]!]!);
      similarity.push(best.scores[r]!);
    }
    ptr[i + 1] = neighbours.length;
  }
  return new SimsModel(info, popularity, ptr, Int32Array.from(neighbours), Float32Array.from(similarity));
}
