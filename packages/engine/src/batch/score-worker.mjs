// Scoring kernel for batch inference, run in worker threads. Plain JavaScript on purpose: worker
// threads on Node 20 cannot load TypeScript through the tsx hooks, and this kernel needs nothing else.
// It scores user factor vectors against the shared item factors (+ popularity tie-break) and keeps
// the top N item codes per user, exactly as FactorModel.scoreVector + topK do on the main thread.
import { parentPort, workerData } from 'node:worker_threads';

const { itemFactors: itemBuffer, tieBreak: tieBuffer, k, nItems } = workerData;
const v = new Float32Array(itemBuffer);
const tie = new Float32Array(tieBuffer);
const k4 = k - (k % 4);

// Items by decreasing factor norm. By Cauchy–Schwarz an item scores at most |v_i|·|x| (+ the
// tie-break, < 1e-4), so once that bound drops below the worst kept score no later item can enter
// the top N: the scan stops early, typically after a fraction of the catalogue.
const norms = new Float64Array(nItems);
for (let i = 0; i < nItems; i++) {
  let n = 0;
  for (let f = 0; f < k; f++) n += v[i * k + f] * v[i * k + f];
  norms[i] = Math.sqrt(n);
}
const order = Int32Array.from({ length: nItems }, (_, i) => i).sort((a, b) => norms[b] - norms[a] || a - b);
let maxTie = 0;
for (let i = 0; i < nItems; i++) if (tie[i] > maxTie) maxTie = tie[i];

function scoreTop(x, topN, outCodes, outScores, base) {
  const heapC = new Int32Array(topN);
  const heapS = new Float64Array(topN);
  let size = 0;
  let xNorm = 0;
  for (let f = 0; f < k; f++) xNorm += x[f] * x[f];
  xNorm = Math.sqrt(xNorm);
  for (let r = 0; r < nItems; r++) {
    const i = order[r];
    if (size === topN && norms[i] * xNorm + maxTie < heapS[0] - 1e-9) break;
    const o = i * k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let f = 0; f < k4; f += 4) {
      s0 += v[o + f] * x[f];
      s1 += v[o + f + 1] * x[f + 1];
      s2 += v[o + f + 2] * x[f + 2];
      s3 += v[o + f + 3] * x[f + 3];
    }
    for (let f = k4; f < k; f++) s0 += v[o + f] * x[f];
    const s = Math.fround(tie[i] + (s0 + s1 + s2 + s3));
    if (size === topN && s <= heapS[0]) continue;
    if (size < topN) {
      let c = size++;
      heapC[c] = i;
      heapS[c] = s;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (heapS[p] <= heapS[c]) break;
        const tc = heapC[c];
        const ts = heapS[c];
        heapC[c] = heapC[p];
        heapS[c] = heapS[p];
        heapC[p] = tc;
        heapS[p] = ts;
        c = p;
      }
    } else {
      heapC[0] = i;
      heapS[0] = s;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        const r = l + 1;
        let m = c;
        if (l < size && heapS[l] < heapS[m]) m = l;
        if (r < size && heapS[r] < heapS[m]) m = r;
        if (m === c) break;
        const tc = heapC[c];
        const ts = heapS[c];
        heapC[c] = heapC[m];
        heapS[c] = heapS[m];
        heapC[m] = tc;
        heapS[m] = ts;
        c = m;
      }
    }
  }
  const ranked = Array.from({ length: size }, (_, i) => i).sort((a, b) => heapS[b] - heapS[a] || heapC[a] - heapC[b]);
  for (let r = 0; r < size; r++) {
    outCodes[base + r] = heapC[ranked[r]];
    outScores[base + r] = heapS[ranked[r]];
  }
  for (let r = size; r < topN; r++) outCodes[base + r] = -1;
}

parentPort.on('message', (msg) => {
  const { id, vectors, count, topN } = msg;
  const xs = new Float32Array(vectors);
  const codes = new Int32Array(count * topN);
  const scores = new Float64Array(count * topN);
  const x = new Float64Array(k);
  for (let u = 0; u < count; u++) {
    for (let f = 0; f < k; f++) x[f] = xs[u * k + f];
    scoreTop(x, topN, codes, scores, u * topN);
  }
  parentPort.postMessage({ id, codes: codes.buffer, scores: scores.buffer }, [codes.buffer, scores.buffer]);
});
