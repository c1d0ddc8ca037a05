// Scoring kernels for batch inference, run in worker threads. Plain JavaScript on purpose: worker
// threads on Node 20 cannot load TypeScript through the tsx hooks, and these kernels need nothing else.
// Each keeps the top N item codes per user exactly as the main thread's scores + topK would:
// - factors: user factor vectors against the shared item factors (+ popularity tie-break);
// - ease: a user's history (by user code, from the shared snapshot) through the shared sparse
//   neighbourhood weights, recency-weighted as EaseModel.scores does; no usable history means the
//   cold-start (popularity) answer.
import { parentPort, workerData } from 'node:worker_threads';

/** Bounded min-heap of (code, score): the best `topN` offered, ties kept by first offer. */
function createTop(topN) {
  const codes = new Int32Array(topN);
  const scores = new Float64Array(topN);
  let size = 0;
  return {
    reset() {
      size = 0;
    },
    /** The score a candidate must beat once the heap is full (-Infinity before). */
    floor() {
      return size === topN ? scores[0] : Number.NEGATIVE_INFINITY;
    },
    full() {
      return size === topN;
    },
    offer(i, s) {
      if (size === topN && s <= scores[0]) return;
      if (size < topN) {
        let c = size++;
        codes[c] = i;
        scores[c] = s;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (scores[p] <= scores[c]) break;
          const tc = codes[c];
          const ts = scores[c];
          codes[c] = codes[p];
          scores[c] = scores[p];
          codes[p] = tc;
          scores[p] = ts;
          c = p;
        }
        return;
      }
      codes[0] = i;
      scores[0] = s;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        const r = l + 1;
        let m = c;
        if (l < size && scores[l] < scores[m]) m = l;
        if (r < size && scores[r] < scores[m]) m = r;
        if (m === c) break;
        const tc = codes[c];
        const ts = scores[c];
        codes[c] = codes[m];
        scores[c] = scores[m];
        codes[m] = tc;
        scores[m] = ts;
        c = m;
      }
    },
    /** Writes the kept candidates best first (ties by code) at `base`, padding with -1. */
    write(outCodes, outScores, base) {
      // Insertion sort of at most topN entries straight into the output: no allocation per user.
      for (let r = 0; r < size; r++) {
        const c = codes[r];
        const s = scores[r];
        let p = base + r;
        while (p > base && (outScores[p - 1] < s || (outScores[p - 1] === s && outCodes[p - 1] > c))) {
          outCodes[p] = outCodes[p - 1];
          outScores[p] = outScores[p - 1];
          p--;
        }
        outCodes[p] = c;
        outScores[p] = s;
      }
      for (let r = size; r < topN; r++) outCodes[base + r] = -1;
    },
  };
}

/** Offers every scored item (skipping -Infinity and NaN, as topK does). */
function offerAll(top, scores, n) {
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (s === Number.NEGATIVE_INFINITY || Number.isNaN(s)) continue;
    top.offer(i, s);
  }
}

function factorScorer() {
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
  const x = new Float64Array(k);
  return (xs, u, top) => {
    let xNorm = 0;
    for (let f = 0; f < k; f++) {
      x[f] = xs[u * k + f];
      xNorm += x[f] * x[f];
    }
    xNorm = Math.sqrt(xNorm);
    for (let r = 0; r < nItems; r++) {
      const i = order[r];
      if (top.full() && norms[i] * xNorm + maxTie < top.floor() - 1e-9) break;
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
      top.offer(i, Math.fround(tie[i] + (s0 + s1 + s2 + s3)));
    }
  };
}

function easeScorer() {
  const { nItems: n, decay } = workerData;
  const ptr = new Int32Array(workerData.ptr);
  const targets = new Int32Array(workerData.targets);
  const weights = new Float32Array(workerData.weights);
  const base = new Float32Array(workerData.base);
  const coldStart = new Float32Array(workerData.coldStart);
  const seqPtr = new Int32Array(workerData.seqPtr);
  const seqItems = new Int32Array(workerData.seqItems);
  // Marks the items already weighted for the current user (a history's repeats count once).
  const seen = new Int32Array(workerData.itemCodes);
  let stamp = 0;
  const out = new Float32Array(n);
  return (users, u, top) => {
    const user = users[u];
    let any = false;
    if (user >= 0) {
      out.set(base);
      stamp++;
      let w = 1;
      for (let p = seqPtr[user + 1] - 1; p >= seqPtr[user]; p--) {
        const item = seqItems[p];
        if (seen[item] === stamp) continue;
        seen[item] = stamp;
        const weight = w;
        w *= decay;
        if (item >= n) continue;
        any = true;
        const end = ptr[item + 1];
        for (let q = ptr[item]; q < end; q++) out[targets[q]] += weight * weights[q];
      }
    }
    offerAll(top, any ? out : coldStart, n);
  };
}

const score = workerData.kind === 'ease' ? easeScorer() : factorScorer();
const itemIds = workerData.itemIds;
const tops = new Map();
const round = (v) => Math.round(v * 1e6) / 1e6;

// Without a filter the answer is the top N itself, so the worker also writes its JSON text
// ({"recommendedItems":[…],"scores":[…]}, as JSON.stringify writes it): formatting numbers is a
// large share of a line's cost, and here it runs on every core instead of the main thread.
parentPort.on('message', (msg) => {
  const { id, queries, count, topN, format } = msg;
  let top = tops.get(topN);
  if (top === undefined) tops.set(topN, (top = createTop(topN)));
  const codes = new Int32Array(count * topN);
  const scores = new Float64Array(count * topN);
  const view = workerData.kind === 'ease' ? new Int32Array(queries) : new Float32Array(queries);
  const outputs = format ? new Array(count) : undefined;
  for (let u = 0; u < count; u++) {
    top.reset();
    score(view, u, top);
    top.write(codes, scores, u * topN);
    if (outputs === undefined) continue;
    const recommendedItems = [];
    const rounded = [];
    for (let r = u * topN; r < (u + 1) * topN && codes[r] >= 0; r++) {
      recommendedItems.push(itemIds[codes[r]]);
      rounded.push(round(scores[r]));
    }
    outputs[u] = JSON.stringify({ recommendedItems, scores: rounded });
  }
  if (outputs !== undefined) parentPort.postMessage({ id, outputs });
  else parentPort.postMessage({ id, codes: codes.buffer, scores: scores.buffer }, [codes.buffer, scores.buffer]);
});
