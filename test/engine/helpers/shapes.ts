/**
 * Planted interaction data of several shapes for the accuracy bench, and the temporal split both the
 * engine and the numpy EASE reference are scored on.
 *
 * - longtail: items in genres with a steep Zipf popularity; users favour one to three genres.
 * - drift: every user's favourite genre changes once during their history, and items are released
 *   over time with newer items drawing more attention (what was popular early fades).
 * - sequential: items form series of ten; a user who watched episode e usually watches e + 1 next.
 * - coldstart: a third of the users have 3–6 interactions, and a tenth of the items are released in
 *   the last tenth of the time span (few training interactions, many held-out ones).
 */
import { createRng } from '@recops/engine';
import type { Rng } from '@recops/engine';

export interface ShapeOptions {
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  readonly seed: number;
}

export interface Interactions {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly timestamps: Float64Array;
  readonly length: number;
  readonly nUsers: number;
  readonly nItems: number;
}

export const SHAPES = ['longtail', 'drift', 'sequential', 'coldstart'] as const;
export type Shape = (typeof SHAPES)[number];

const T0 = 1_700_000_000;
const SPAN = 180 * 86_400;

/** Cumulative weight table for sampling items of a list with Zipf(exponent) popularity by rank. */
function zipfSampler(items: readonly number[], exponent: number, rng: Rng): () => number {
  const cum = new Float64Array(items.length);
  let acc = 0;
  for (let r = 0; r < items.length; r++) cum[r] = acc += 1 / (r + 2) ** exponent;
  return () => {
    const x = rng.next() * acc;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

class Builder {
  readonly users: number[] = [];
  readonly items: number[] = [];
  readonly timestamps: number[] = [];
  add(u: number, i: number, t: number): void {
    this.users.push(u);
    this.items.push(i);
    this.timestamps.push(Math.floor(t));
  }
  done(nUsers: number, nItems: number): Interactions {
    return {
      users: Int32Array.from(this.users),
      items: Int32Array.from(this.items),
      timestamps: Float64Array.from(this.timestamps),
      length: this.users.length,
      nUsers,
      nItems,
    };
  }
}

/** Per-user history lengths: a long-tailed spread around the mean (at least 3). */
function historyLengths(o: ShapeOptions, rng: Rng): number[] {
  const mean = o.interactions / o.users;
  return Array.from({ length: o.users }, () => Math.max(3, Math.round(mean * -Math.log(Math.max(rng.next(), 1e-9)) * 0.7 + mean * 0.3)));
}

/** A user's event times: a start in the first half of the span, events spread after it in order. */
function eventTimes(n: number, rng: Rng): number[] {
  const start = T0 + rng.next() * SPAN * 0.5;
  const length = SPAN * (0.1 + rng.next() * 0.4);
  const out = Array.from({ length: n }, () => start + rng.next() * length);
  return out.sort((a, b) => a - b);
}

function genresOf(nItems: number, nGenres: number): number[][] {
  const out: number[][] = Array.from({ length: nGenres }, () => []);
  for (let i = 0; i < nItems; i++) out[i % nGenres]!.push(i);
  return out;
}

function longtail(o: ShapeOptions): Interactions {
  const rng = createRng(o.seed);
  const nGenres = 40;
  const genres = genresOf(o.items, nGenres);
  const pickIn = genres.map((g) => zipfSampler(g, 1.1, rng));
  const all = zipfSampler(
    Array.from({ length: o.items }, (_, i) => i),
    1.0,
    rng,
  );
  const out = new Builder();
  historyLengths(o, rng).forEach((n, u) => {
    const favs = Array.from({ length: 1 + Math.floor(rng.next() * 3) }, () => Math.floor(rng.next() * nGenres));
    const seen = new Set<number>();
    for (const t of eventTimes(n, rng)) {
      let item = -1;
      for (let a = 0; a < 5 && (item < 0 || seen.has(item)); a++)
        item = rng.next() < 0.8 ? pickIn[favs[Math.floor(rng.next() * favs.length)]!]!() : all();
      seen.add(item);
      out.add(u, item, t);
    }
  });
  return out.done(o.users, o.items);
}

function drift(o: ShapeOptions): Interactions {
  const rng = createRng(o.seed);
  const nGenres = 30;
  // Item i is released at a time spread over the span; it draws attention mostly in its first weeks.
  const release = Float64Array.from({ length: o.items }, () => T0 + rng.next() * SPAN * 0.95);
  const genres = genresOf(o.items, nGenres);
  const out = new Builder();
  historyLengths(o, rng).forEach((n, u) => {
    const first = Math.floor(rng.next() * nGenres);
    const second = (first + 1 + Math.floor(rng.next() * (nGenres - 1))) % nGenres;
    const switchAt = 0.3 + rng.next() * 0.5;
    const seen = new Set<number>();
    const times = eventTimes(n, rng);
    times.forEach((t, p) => {
      const g = rng.next() < 0.85 ? (p / times.length < switchAt ? first : second) : Math.floor(rng.next() * nGenres);
      // Released items of the genre, weighted by freshness (half-life 20 days) and a fixed appeal.
      let best = -1;
      let bestKey = -Infinity;
      const pool = genres[g]!;
      for (let a = 0; a < 24; a++) {
        const i = pool[Math.floor(rng.next() * pool.length)]!;
        if (release[i]! > t || seen.has(i)) continue;
        const age = (t - release[i]!) / 86_400;
        const key = -age / 20 + Math.log(1 + ((i * 2654435761) % 97) / 10) + Math.log(Math.max(rng.next(), 1e-9));
        if (key > bestKey) [best, bestKey] = [i, key];
      }
      if (best < 0) return;
      seen.add(best);
      out.add(u, best, t);
    });
  });
  return out.done(o.users, o.items);
}

function sequential(o: ShapeOptions): Interactions {
  const rng = createRng(o.seed);
  const nGenres = 20;
  const seriesLength = 10;
  const genres = genresOf(o.items, nGenres);
  // Series start items, by genre; episode e of a series is item start + e·nGenres (same genre).
  const starts = genres.map((g) => g.filter((_, r) => r % seriesLength === 0));
  const pickStart = starts.map((s) => zipfSampler(s, 0.9, rng));
  const out = new Builder();
  historyLengths(o, rng).forEach((n, u) => {
    const favs = [Math.floor(rng.next() * nGenres), Math.floor(rng.next() * nGenres)];
    const seen = new Set<number>();
    let last = -1;
    for (const t of eventTimes(n, rng)) {
      let item = -1;
      const next = last + nGenres;
      if (
        last >= 0 &&
        next < o.items &&
        Math.floor(next / nGenres / seriesLength) === Math.floor(last / nGenres / seriesLength) &&
        !seen.has(next) &&
        rng.next() < 0.7
      ) {
        item = next;
      } else {
        for (let a = 0; a < 5 && (item < 0 || seen.has(item)); a++) item = pickStart[favs[Math.floor(rng.next() * 2)]!]!();
        if (seen.has(item)) continue;
      }
      seen.add(item);
      out.add(u, item, t);
      last = item;
    }
  });
  return out.done(o.users, o.items);
}

function coldstart(o: ShapeOptions): Interactions {
  const rng = createRng(o.seed);
  const nGenres = 25;
  const nNew = Math.floor(o.items / 10);
  const release = Float64Array.from({ length: o.items }, (_, i) => (i < o.items - nNew ? T0 : T0 + SPAN * (0.9 + rng.next() * 0.08)));
  const genres = genresOf(o.items, nGenres);
  const pickIn = genres.map((g) => zipfSampler(g, 1.0, rng));
  const fresh = genres.map((g) => g.filter((i) => i >= o.items - nNew));
  const out = new Builder();
  const lengths = historyLengths(o, rng).map((n) => (rng.next() < 0.33 ? 3 + Math.floor(rng.next() * 4) : n));
  lengths.forEach((n, u) => {
    const favs = Array.from({ length: 1 + Math.floor(rng.next() * 2) }, () => Math.floor(rng.next() * nGenres));
    const seen = new Set<number>();
    // Short histories sit late in the span; new items, once released, take a third of the attention.
    const start = T0 + SPAN * (n < 7 ? 0.75 : 0.3) * rng.next();
    const times = Array.from({ length: n }, () => start + rng.next() * (T0 + SPAN - start)).sort((a, b) => a - b);
    for (const t of times) {
      const g = favs[Math.floor(rng.next() * favs.length)]!;
      let item = -1;
      for (let a = 0; a < 6 && (item < 0 || seen.has(item) || release[item]! > t); a++) {
        const newOnes = fresh[g]!.filter((i) => release[i]! <= t);
        item =
          newOnes.length > 0 && rng.next() < 0.33
            ? newOnes[Math.floor(rng.next() * newOnes.length)]!
            : pickIn[rng.next() < 0.85 ? g : Math.floor(rng.next() * nGenres)]!();
      }
      if (seen.has(item) || release[item]! > t) continue;
      seen.add(item);
      out.add(u, item, t);
    }
  });
  return out.done(o.users, o.items);
}

export function generateShape(shape: Shape, o: ShapeOptions): Interactions {
  switch (shape) {
    case 'longtail':
      return longtail(o);
    case 'drift':
      return drift(o);
    case 'sequential':
      return sequential(o);
    case 'coldstart':
      return coldstart(o);
  }
}

export interface TestCase {
  readonly user: number;
  /** Input items, oldest first. */
  readonly input: number[];
  /** Held-out items not in the input. */
  readonly targets: number[];
}

export interface TemporalSplit {
  /** Log rows that stay in training (every row of non-test users, the older 90 % of test users'). */
  readonly train: Uint8Array;
  readonly cases: TestCase[];
}

/** A random share of users with ≥ 2 interactions is tested; the newest 10 % of each one's interactions is held out. */
export function temporalSplit(log: Interactions, testShare: number, seed: number): TemporalSplit {
  const rng = createRng(seed);
  const rows: number[][] = Array.from({ length: log.nUsers }, () => []);
  for (let k = 0; k < log.length; k++) rows[log.users[k]!]!.push(k);
  const train = new Uint8Array(log.length).fill(1);
  const cases: TestCase[] = [];
  for (let u = 0; u < log.nUsers; u++) {
    const mine = rows[u]!;
    if (mine.length < 2 || rng.next() >= testShare) continue;
    mine.sort((a, b) => log.timestamps[a]! - log.timestamps[b]! || a - b);
    const nHeld = Math.max(1, Math.round(mine.length * 0.1));
    const input = mine.slice(0, mine.length - nHeld).map((k) => log.items[k]!);
    const inputSet = new Set(input);
    const targets = new Set<number>();
    for (const k of mine.slice(mine.length - nHeld)) {
      train[k] = 0;
      if (!inputSet.has(log.items[k]!)) targets.add(log.items[k]!);
    }
    if (targets.size > 0) cases.push({ user: u, input, targets: [...targets] });
  }
  return { train, cases };
}
