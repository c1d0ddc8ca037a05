/**
 * Synthetic data with planted preferences: items belong to genres with a long-tailed popularity
 * inside each genre; every user favours one or two genres and draws most interactions from them.
 * A personalised model can recover the genres; popularity cannot.
 */
import { createRng } from '@recops/engine';
import { INTERACTION_KEY_FIELDS, personalizeSchema } from '../../support/personalize-schema';

export interface SyntheticOptions {
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  readonly genres?: number;
  /** Share of interactions drawn from the user's favourite genres. */
  readonly affinity?: number;
  readonly seed?: number;
}

export interface SyntheticData {
  readonly interactionsCsv: string;
  readonly itemsCsv: string;
  readonly usersCsv: string;
  readonly genreOfItem: (item: number) => number;
  readonly favouritesOfUser: (user: number) => readonly number[];
}

export const INTERACTIONS_SCHEMA = JSON.stringify(
  personalizeSchema('Interactions', [
    ...INTERACTION_KEY_FIELDS,
    { name: 'EVENT_TYPE', type: 'string' },
    { name: 'EVENT_VALUE', type: ['null', 'float'] },
  ]),
);

export const ITEMS_SCHEMA = JSON.stringify(
  personalizeSchema('Items', [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'GENRES', type: ['null', 'string'], categorical: true },
    { name: 'PRICE', type: 'float' },
    { name: 'CREATION_TIMESTAMP', type: 'long' },
  ]),
);

export const USERS_SCHEMA = JSON.stringify(
  personalizeSchema('Users', [
    { name: 'USER_ID', type: 'string' },
    { name: 'MEMBERSHIP', type: 'string', categorical: true },
  ]),
);

export const T0 = 1_700_000_000;

export function generateSynthetic(opts: SyntheticOptions): SyntheticData {
  const rng = createRng(opts.seed ?? 7);
  const nGenres = opts.genres ?? 10;
  const affinity = opts.affinity ?? 0.85;
  const genreOfItem = (i: number): number => i % nGenres;
  // Cumulative popularity weights per genre (Zipf-like inside the genre).
  const byGenre: number[][] = Array.from({ length: nGenres }, () => []);
  for (let i = 0; i < opts.items; i++) byGenre[genreOfItem(i)]!.push(i);
  const cumulative = byGenre.map((items) => {
    let acc = 0;
    return items.map((_, rank) => (acc += 1 / (rank + 3) ** 0.9));
  });
  const pick = (g: number): number => {
    const cum = cumulative[g]!;
    const x = rng.next() * cum[cum.length - 1]!;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return byGenre[g]![lo]!;
  };
  const favourites = Array.from({ length: opts.users }, () => {
    const a = Math.floor(rng.next() * nGenres);
    return rng.next() < 0.5 ? [a] : [a, (a + 1 + Math.floor(rng.next() * (nGenres - 1))) % nGenres];
  });
  const lines: string[] = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE'];
  const perUser = Math.max(2, Math.floor(opts.interactions / opts.users));
  for (let u = 0; u < opts.users; u++) {
    const seen = new Set<number>();
    const fav = favourites[u]!;
    for (let n = 0; n < perUser; n++) {
      let item = -1;
      for (let attempt = 0; attempt < 5 && (item < 0 || seen.has(item)); attempt++) {
        const g = rng.next() < affinity ? fav[Math.floor(rng.next() * fav.length)]! : Math.floor(rng.next() * nGenres);
        item = pick(g);
      }
      seen.add(item);
      const ts = T0 + u * 7 + n * 3600 + Math.floor(rng.next() * 600);
      const type = rng.next() < 0.8 ? 'click' : 'purchase';
      const value = rng.next() < 0.1 ? '' : (1 + Math.floor(rng.next() * 5)).toFixed(1);
      lines.push(`u${u},i${item},${ts},${type},${value}`);
    }
  }
  const items = ['ITEM_ID,GENRES,PRICE,CREATION_TIMESTAMP'];
  for (let i = 0; i < opts.items; i++) {
    const g = genreOfItem(i);
    const genres = i % 7 === 0 ? `g${g}|g${(g + 1) % nGenres}` : `g${g}`;
    items.push(`i${i},${genres},${(5 + (i % 50)).toFixed(2)},${T0 - 86400 + i}`);
  }
  const users = ['USER_ID,MEMBERSHIP'];
  for (let u = 0; u < opts.users; u++) users.push(`u${u},${u % 3 === 0 ? 'gold' : 'basic'}`);
  return {
    interactionsCsv: `${lines.join('\n')}\n`,
    itemsCsv: `${items.join('\n')}\n`,
    usersCsv: `${users.join('\n')}\n`,
    genreOfItem,
    favouritesOfUser: (u) => favourites[u] ?? [],
  };
}
