// Kernels of the neighbourhood EASE solver (see ease.ts). Plain JavaScript because they also run in
// worker threads, which on Node 20 cannot load TypeScript; types are in ease-kernel.d.mts.

/**
 * Adds rows [from, to) of the item×item co-occurrence matrix G = XᵀX (X binary users×items) into
 * the dense row-major `g`: for item a, every user of a adds 1 to G[a, b] for each item b of theirs.
 * Walking by item keeps every write inside one row of G (cache-friendly) and lets threads split rows.
 */
export function gramRows(g, n, itemPtr, itemUsers, userPtr, userItems, from, to) {
  for (let a = from; a < to; a++) {
    const row = a * n;
    for (let p = itemPtr[a]; p < itemPtr[a + 1]; p++) {
      const u = itemUsers[p];
      for (let q = userPtr[u]; q < userPtr[u + 1]; q++) g[row + userItems[q]] += 1;
    }
  }
}

/** Scratch space for solveTargets with neighbourhoods of up to `size` items. */
export function createEaseScratch(size) {
  return {
    heapIdx: new Int32Array(size),
    heapVal: new Float64Array(size),
    a: new Float64Array(size * size),
    b: new Float64Array(size),
  };
}

/**
 * For each target item j in [from, to): its neighbourhood is the `size` items co-occurring with it
 * most often; the weights are the ridge regression of column j of X on those columns,
 * w = (G_NN + λI)⁻¹ G_Nj — EASE's closed form restricted to the neighbourhood (EASE solves the
 * same regression over every other item). Results go to outIdx/outVal[j·size …], padded with -1.
 */
export function solveTargets(g, n, lambda, size, from, to, outIdx, outVal, s) {
  const { heapIdx, heapVal, a, b } = s;
  for (let j = from; j < to; j++) {
    // Top `size` co-occurring items (min-heap on the count).
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = g[j * n + i]; // G is symmetric: read row j, not the strided column
      if (i === j || v <= 0) continue;
      if (m < size) {
        let c = m++;
        heapIdx[c] = i;
        heapVal[c] = v;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (heapVal[p] <= heapVal[c]) break;
          const ti = heapIdx[c];
          heapIdx[c] = heapIdx[p];
          heapIdx[p] = ti;
          const tv = heapVal[c];
          heapVal[c] = heapVal[p];
          heapVal[p] = tv;
          c = p;
        }
      } else if (v > heapVal[0]) {
        heapIdx[0] = i;
        heapVal[0] = v;
        let c = 0;
        for (;;) {
          const l = 2 * c + 1;
          const r = l + 1;
          let k = c;
          if (l < m && heapVal[l] < heapVal[k]) k = l;
          if (r < m && heapVal[r] < heapVal[k]) k = r;
          if (k === c) break;
          const ti = heapIdx[c];
          heapIdx[c] = heapIdx[k];
          heapIdx[k] = ti;
          const tv = heapVal[c];
          heapVal[c] = heapVal[k];
          heapVal[k] = tv;
          c = k;
        }
      }
    }
    const o = j * size;
    for (let t = 0; t < size; t++) outIdx[o + t] = -1;
    if (m === 0) continue;
    // A = G_NN + λI (lower triangle), b = G_Nj.
    for (let r = 0; r < m; r++) {
      const gr = heapIdx[r] * n;
      for (let c = 0; c <= r; c++) a[r * m + c] = g[gr + heapIdx[c]];
      a[r * m + r] += lambda;
      b[r] = heapVal[r];
    }
    // Cholesky A = LLᵀ in place (lower), then L y = b, Lᵀ w = y.
    for (let c = 0; c < m; c++) {
      let d = a[c * m + c];
      for (let k = 0; k < c; k++) d -= a[c * m + k] * a[c * m + k];
      d = Math.sqrt(Math.max(d, 1e-12));
      a[c * m + c] = d;
      for (let r = c + 1; r < m; r++) {
        let v = a[r * m + c];
        const rr = r * m;
        const cc = c * m;
        for (let k = 0; k < c; k++) v -= a[rr + k] * a[cc + k];
        a[rr + c] = v / d;
      }
    }
    for (let r = 0; r < m; r++) {
      let v = b[r];
      for (let k = 0; k < r; k++) v -= a[r * m + k] * b[k];
      b[r] = v / a[r * m + r];
    }
    for (let r = m - 1; r >= 0; r--) {
      let v = b[r];
      for (let k = r + 1; k < m; k++) v -= a[k * m + r] * b[k];
      b[r] = v / a[r * m + r];
    }
    for (let t = 0; t < m; t++) {
      outIdx[o + t] = heapIdx[t];
      outVal[o + t] = b[t];
    }
  }
}
