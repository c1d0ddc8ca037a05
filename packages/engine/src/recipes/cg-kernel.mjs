// The conjugate-gradient row solve of implicit ALS (see als.ts). Plain JavaScript because it also
// runs in worker threads, which on Node 20 cannot load TypeScript; types are in cg-kernel.d.mts.

/** Scratch space for one CG solve, reused across rows. */
export function createScratch(k) {
  return { x: new Float64Array(k), r: new Float64Array(k), p: new Float64Array(k), ap: new Float64Array(k) };
}

/**
 * Solves one row: minimises Σ_i c_i (p_i − x·y_i)² + λ|x|² over x, starting from `target[row]`,
 * where the row's observed columns are idx[start..end) with confidences `conf`, and g = YᵀY + λI.
 */
export function solveRow(target, row, k, idx, conf, start, end, y, g, steps, s) {
  const { x, r, p, ap } = s;
  const o = row * k;
  for (let f = 0; f < k; f++) x[f] = target[o + f];
  // r = b − A x
  for (let a = 0; a < k; a++) {
    let acc = 0;
    const ga = a * k;
    for (let b = 0; b < k; b++) acc += g[ga + b] * x[b];
    r[a] = -acc;
  }
  for (let q = start; q < end; q++) {
    const yo = idx[q] * k;
    const c = conf[q];
    let d = 0;
    for (let f = 0; f < k; f++) d += y[yo + f] * x[f];
    const coef = c - (c - 1) * d;
    for (let f = 0; f < k; f++) r[f] += coef * y[yo + f];
  }
  let rs = 0;
  for (let f = 0; f < k; f++) {
    p[f] = r[f];
    rs += r[f] * r[f];
  }
  for (let step = 0; step < steps && rs > 1e-12; step++) {
    for (let a = 0; a < k; a++) {
      let acc = 0;
      const ga = a * k;
      for (let b = 0; b < k; b++) acc += g[ga + b] * p[b];
      ap[a] = acc;
    }
    for (let q = start; q < end; q++) {
      const yo = idx[q] * k;
      const c1 = conf[q] - 1;
      let d = 0;
      for (let f = 0; f < k; f++) d += y[yo + f] * p[f];
      const coef = c1 * d;
      for (let f = 0; f < k; f++) ap[f] += coef * y[yo + f];
    }
    let pap = 0;
    for (let f = 0; f < k; f++) pap += p[f] * ap[f];
    if (pap <= 0) break;
    const a = rs / pap;
    let rsNew = 0;
    for (let f = 0; f < k; f++) {
      x[f] += a * p[f];
      r[f] -= a * ap[f];
      rsNew += r[f] * r[f];
    }
    const beta = rsNew / rs;
    for (let f = 0; f < k; f++) p[f] = r[f] + beta * p[f];
    rs = rsNew;
  }
  for (let f = 0; f < k; f++) target[o + f] = x[f];
}

/** Solves rows [from, to) of a CSR matrix (rows without entries are left alone). */
export function solveRows(target, ptr, idx, conf, y, g, k, steps, from, to) {
  const s = createScratch(k);
  for (let row = from; row < to; row++) {
    const start = ptr[row];
    const end = ptr[row + 1];
    if (start !== end) solveRow(target, row, k, idx, conf, start, end, y, g, steps, s);
  }
}
