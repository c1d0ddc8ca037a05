/**
 * A small MovieLens-like data set with planted preferences, for `recops demo`: movies with one or
 * two genres and a long-tailed popularity inside each genre; users who each favour one or two genres
 * and draw most of their interactions from them, rating those movies higher. A personalised model
 * can recover the favourite genres; a popularity model cannot, which is what the metrics then show.
 *
 * Columns match the demo parameter file's schemas (`parameter-file.ts`). Deterministic per seed.
 */
import { createRng, type Rng } from '@recops/engine';

/** MovieLens' genre vocabulary (the first `genres` are used). */
const MOVIE_GENRES = [
  'Action',
  'Comedy',
  'Drama',
  'Sci-Fi',
  'Romance',
  'Thriller',
  'Animation',
  'Documentary',
  'Horror',
  'Western',
  'Musical',
  'Fantasy',
] as const;

export interface DemoDataOptions {
  /** Default 100. */
  readonly users?: number;
  /** Default 80. */
  readonly items?: number;
  /** Average interactions per user (each user gets 50 %–150 % of it, at least 2). Default 24. */
  readonly interactionsPerUser?: number;
  /** How many genres of `MOVIE_GENRES` to use (2–12). Default 6. */
  readonly genres?: number;
  /** Share of a user's interactions drawn from their favourite genres. Default 0.85. */
  readonly affinity?: number;
  readonly seed?: number;
}

interface DemoMovie {
  readonly id: string;
  readonly genres: readonly string[];
  readonly year: number;
}

export interface DemoData {
  readonly usersCsv: string;
  readonly itemsCsv: string;
  readonly interactionsCsv: string;
  readonly userIds: readonly string[];
  readonly movies: ReadonlyMap<string, DemoMovie>;
  readonly interactionCount: number;
  /** The genres a user was planted to prefer. */
  favouriteGenres(userId: string): readonly string[];
}

/** 2026-01-01T00:00:00Z: interactions spread over the 90 days before it. */
const END_SECONDS = 1_767_225_600;
const SPAN_SECONDS = 90 * 24 * 3600;

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[Math.floor(rng.next() * values.length)] as T;
}

/** Index drawn with weights (cumulative sums in `cumulative`, last one is the total). */
function weighted(rng: Rng, cumulative: readonly number[]): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const target = rng.next() * total;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((cumulative[mid] ?? 0) > target) high = mid;
    else low = mid + 1;
  }
  return low;
}

function cumulativeOf(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

function checkPositiveInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`demo data: ${name} must be an integer of at least ${min}, got ${value}`);
}

export function generateDemoData(options: DemoDataOptions = {}): DemoData {
  const userCount = options.users ?? 100;
  const itemCount = options.items ?? 80;
  const perUser = options.interactionsPerUser ?? 24;
  const genreCount = options.genres ?? 6;
  const affinity = options.affinity ?? 0.85;
  checkPositiveInteger('users', userCount, 1);
  checkPositiveInteger('items', itemCount, 2);
  checkPositiveInteger('interactionsPerUser', perUser, 2);
  if (!Number.isInteger(genreCount) || genreCount < 2 || genreCount > MOVIE_GENRES.length) {
    throw new RangeError(`demo data: genres must be an integer from 2 to ${MOVIE_GENRES.length}, got ${genreCount}`);
  }
  if (!(affinity >= 0 && affinity <= 1)) throw new RangeError(`demo data: affinity must be between 0 and 1, got ${affinity}`);
  const rng = createRng(options.seed ?? 20_260_101);
  const genres: readonly string[] = MOVIE_GENRES.slice(0, genreCount);

  // Movies: a primary genre (round robin, so every genre has movies), sometimes a second one.
  const movies = new Map<string, DemoMovie>();
  const movieIds: string[] = [];
  const moviesOfGenre = new Map<string, string[]>(genres.map((g) => [g, []]));
  for (let i = 0; i < itemCount; i++) {
    const primary = genres[i % genreCount] as string;
    const second = rng.next() < 0.3 ? pick(rng, genres) : primary;
    const movieGenres = second === primary ? [primary] : [primary, second];
    const movie: DemoMovie = { id: `m${i + 1}`, genres: movieGenres, year: 1960 + Math.floor(rng.next() * 66) };
    movies.set(movie.id, movie);
    movieIds.push(movie.id);
    for (const g of movieGenres) moviesOfGenre.get(g)?.push(movie.id);
  }
  // Long tail: the k-th movie of a genre (and of the catalogue) is drawn with weight 1/(k+1).
  const zipf = (n: number) => cumulativeOf(Array.from({ length: n }, (_, k) => 1 / (k + 1)));
  const genreDraw = new Map(genres.map((g) => [g, zipf(moviesOfGenre.get(g)?.length ?? 0)]));
  const anyDraw = zipf(movieIds.length);

  const userRows = ['USER_ID,AGE,GENDER'];
  const interactionRows = ['ITEM_ID,USER_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE'];
  const favourites = new Map<string, readonly string[]>();
  const userIds: string[] = [];
  let interactionCount = 0;
  for (let u = 0; u < userCount; u++) {
    const userId = `u${u + 1}`;
    userIds.push(userId);
    const first = pick(rng, genres);
    const secondGenre = rng.next() < 0.4 ? pick(rng, genres) : first;
    const liked = secondGenre === first ? [first] : [first, secondGenre];
    favourites.set(userId, liked);
    userRows.push(`${userId},${18 + Math.floor(rng.next() * 55)},${rng.next() < 0.5 ? 'F' : 'M'}`);

    const count = Math.max(2, Math.round(perUser * (0.5 + rng.next())));
    const times = Array.from({ length: count }, () => END_SECONDS - Math.floor(rng.next() * SPAN_SECONDS)).sort((a, b) => a - b);
    for (const time of times) {
      let movieId: string;
      if (rng.next() < affinity) {
        const genre = pick(rng, liked);
        const pool = moviesOfGenre.get(genre) ?? [];
        movieId = pool[weighted(rng, genreDraw.get(genre) ?? [])] as string;
      } else {
        movieId = movieIds[weighted(rng, anyDraw)] as string;
      }
      const likedMovie = movies.get(movieId)?.genres.some((g) => liked.includes(g)) ?? false;
      // Streams are the stronger signal; ratings lean high for the favourite genres.
      const eventType = rng.next() < (likedMovie ? 0.6 : 0.3) ? 'stream' : 'click';
      const rating = Math.min(5, Math.max(1, Math.round((likedMovie ? 4 : 2.5) + rng.normal() * 0.8)));
      interactionRows.push(`${movieId},${userId},${time},${eventType},${rating.toFixed(1)}`);
      interactionCount++;
    }
  }

  const itemRows = ['ITEM_ID,GENRES,YEAR'];
  for (const movie of movies.values()) itemRows.push(`${movie.id},${movie.genres.join('|')},${movie.year}`);

  return {
    usersCsv: `${userRows.join('\n')}\n`,
    itemsCsv: `${itemRows.join('\n')}\n`,
    interactionsCsv: `${interactionRows.join('\n')}\n`,
    userIds,
    movies,
    interactionCount,
    favouriteGenres: (userId) => favourites.get(userId) ?? [],
  };
}
