/**
 * What EASE would cost here: EASE needs the inverse of the item×item Gram matrix (G + λI)⁻¹.
 * Times an in-place Gauss–Jordan inverse of a random SPD matrix (n³ multiply-adds, the same order
 * as the Cholesky route) for a few sizes and extrapolates cubically to the 4k-item target.
 *
 *   npx tsx bench/engine/ease-cost.ts
 */
import { createRng } from '@recops/engine';

function spd(n: number): Float64Array {
  const rng = createRng(n);
  const a = new Float64Array(n * n);
  // Diagonally dominant symmetric matrix: SPD, like a regularised Gram matrix.
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = rng.next() * 0.01;
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
    a[i * n + i] = n * 0.01 + 1;
  }
  return a;
}

/** In-place Gauss–Jordan inverse without pivoting (fine for SPD). */
function invert(a: Float64Array, n: number): void {
  for (let p = 0; p < n; p++) {
    const pivot = a[p * n + p]!;
    const inv = 1 / pivot;
    const rowP = p * n;
    for (let j = 0; j < n; j++) a[rowP + j]! *= inv;
    a[rowP + p] = inv;
    for (let i = 0; i < n; i++) {
      if (i === p) continue;
      const rowI = i * n;
      const f = a[rowI + p]!;
      if (f === 0) continue;
      a[rowI + p] = 0;
      for (let j = 0; j < n; j++) a[rowI + j]! -= f * a[rowP + j]!;
    }
  }
}

const target = 4000;
for (const n of [500, 1000, 1500]) {
  const a = spd(n);
  const t = performance.now();
  invert(a, n);
  const seconds = (performance.now() - t) / 1000;
  const projected = seconds * (target / n) ** 3;
  console.log(
    `n=${n}: ${seconds.toFixed(2)} s; projected n=${target}: ${projected.toFixed(0)} s, matrix ${((target * target * 8) / 2 ** 20).toFixed(0)} MiB`,
  );
}
