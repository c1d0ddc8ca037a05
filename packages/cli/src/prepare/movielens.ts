/**
 * Reads the common MovieLens layouts and the HetRec 2011 one into ratings and movies:
 * - ML-100K: `u.data` (tab: user item rating timestamp), `u.item` (pipe; 19 genre flags), `u.genre`;
 * - ML-1M / ML-10M: `ratings.dat` and `movies.dat` (`::`-separated, genres `|`-joined);
 * - ML-latest / 20M / 25M / 32M: `ratings.csv` and `movies.csv` (with headers, quoted titles);
 * - HetRec 2011: `user_ratedmovies-timestamps.dat` (tab, header, millisecond timestamps),
 *   `movies.dat` (tab, header, a `year` column) and `movie_genres.dat` (tab: movieID genre).
 * A line that cannot be read is counted with its file and line number and skipped.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse/sync';
import { CliError } from '../errors';

export const MOVIELENS_LAYOUT = {
  ml100k: 'MovieLens 100K (u.data, u.item)',
  mlDat: 'MovieLens 1M/10M (ratings.dat, movies.dat)',
  mlCsv: 'MovieLens latest/20M/25M (ratings.csv, movies.csv)',
  hetrec: 'HetRec 2011 (user_ratedmovies-timestamps.dat, movies.dat, movie_genres.dat)',
} as const;
type MovieLensLayout = keyof typeof MOVIELENS_LAYOUT;

export interface Rating {
  readonly userId: string;
  readonly itemId: string;
  readonly rating: number;
  /** Seconds since the epoch. */
  readonly timestamp: number;
}

interface Movie {
  readonly itemId: string;
  readonly genres: readonly string[];
  readonly year?: number;
}

export interface BadLine {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

interface LayoutFiles {
  readonly layout: MovieLensLayout;
  readonly ratings: string;
  readonly movies: string;
  /** HetRec keeps genres in their own file; ML-100K names its genres in u.genre. */
  readonly genres?: string;
}

/** The ML-100K genre columns of u.item, in order (used when u.genre is absent). */
const ML100K_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
] as const;

/** Which layout `path` (a folder, or a ratings file in one) holds. */
export function detectLayout(path: string): LayoutFiles {
  if (!existsSync(path)) throw new CliError(`${path} does not exist`);
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  const has = (name: string): boolean => existsSync(join(dir, name));
  const need = (layout: MovieLensLayout, ratings: string, movies: string, genres?: string): LayoutFiles => {
    for (const name of [movies, ...(genres && layout === 'hetrec' ? [genres] : [])]) {
      if (!has(name)) throw new CliError(`${join(dir, name)} is missing: the ${MOVIELENS_LAYOUT[layout]} layout needs it for the items`);
    }
    return {
      layout,
      ratings: join(dir, ratings),
      movies: join(dir, movies),
      ...(genres && has(genres) ? { genres: join(dir, genres) } : {}),
    };
  };
  const named = statSync(path).isDirectory() ? undefined : basename(path);
  const pick = (name: string): boolean => (named === undefined ? has(name) : named === name);
  if (pick('u.data')) return need('ml100k', 'u.data', 'u.item', 'u.genre');
  if (pick('user_ratedmovies-timestamps.dat')) return need('hetrec', 'user_ratedmovies-timestamps.dat', 'movies.dat', 'movie_genres.dat');
  if (pick('ratings.dat')) return need('mlDat', 'ratings.dat', 'movies.dat');
  if (pick('ratings.csv')) return need('mlCsv', 'ratings.csv', 'movies.csv');
  throw new CliError(
    `${path} holds no MovieLens layout recops reads: expected u.data, ratings.dat, ratings.csv or user_ratedmovies-timestamps.dat`,
  );
}

/** UTF-8 when the bytes are valid UTF-8, else Latin-1 (ML-100K and ML-1M are Latin-1). */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

const ID = /^[A-Za-z0-9_.-]{1,256}$/;

function parseRating(fields: readonly string[], millis: boolean): Rating | string {
  if (fields.length !== 4) return `expected 4 fields, found ${fields.length}`;
  const [userId = '', itemId = '', ratingText = '', timeText = ''] = fields.map((f) => f.trim());
  if (!ID.test(userId)) return `user id ${JSON.stringify(userId)} is not an id`;
  if (!ID.test(itemId)) return `item id ${JSON.stringify(itemId)} is not an id`;
  const rating = Number(ratingText);
  if (ratingText === '' || !Number.isFinite(rating) || rating < 0 || rating > 10)
    return `rating ${JSON.stringify(ratingText)} is not a number from 0 to 10`;
  const time = Number(timeText);
  if (!/^\d+$/.test(timeText)) return `timestamp ${JSON.stringify(timeText)} is not a whole number`;
  return { userId, itemId, rating, timestamp: millis ? Math.floor(time / 1000) : time };
}

/**
 * Streams the ratings file, calling `onRating` for each readable line and counting the others.
 * Streaming keeps the 25M-rating files out of memory.
 */
export async function readRatings(files: LayoutFiles, onRating: (rating: Rating) => void): Promise<BadLine[]> {
  const bad: BadLine[] = [];
  const file = files.ratings;
  const input = createInterface({ input: createReadStream(file, { encoding: 'latin1' }), crlfDelay: Infinity });
  let line = 0;
  const hasHeader = files.layout === 'mlCsv' || files.layout === 'hetrec';
  for await (const text of input) {
    line += 1;
    if (text.trim() === '') continue;
    if (hasHeader && line === 1) continue;
    const fields =
      files.layout === 'ml100k' || files.layout === 'hetrec'
        ? text.split('\t')
        : files.layout === 'mlDat'
          ? text.split('::')
          : text.split(',');
    const parsed = parseRating(fields, files.layout === 'hetrec');
    if (typeof parsed === 'string') bad.push({ file, line, reason: parsed });
    else onRating(parsed);
  }
  return bad;
}

const TITLE_YEAR = /\((\d{4})(?:[–-]\d{0,4})?\)\s*$/;

function yearOf(title: string, fallback?: string): number | undefined {
  const fromTitle = TITLE_YEAR.exec(title.trim())?.[1];
  const text = fromTitle ?? /(\d{4})\s*$/.exec(fallback ?? '')?.[1];
  const year = text === undefined ? Number.NaN : Number(text);
  return Number.isInteger(year) && year >= 1800 && year <= 2100 ? year : undefined;
}

/** `(no genres listed)` is MovieLens' way of saying none. */
function genreList(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((g) => g.trim())
    .filter((g) => g !== '' && g !== '(no genres listed)');
}

export interface MoviesResult {
  readonly movies: Map<string, Movie>;
  readonly bad: BadLine[];
}

/** Reads the movies (and HetRec's genres) of the layout. */
export async function readMovies(files: LayoutFiles): Promise<MoviesResult> {
  const movies = new Map<string, Movie>();
  const bad: BadLine[] = [];
  const file = files.movies;
  const text = decode(await readFile(file));
  const lines = text.split(/\r?\n/);
  const add = (lineNumber: number, itemId: string, genres: string[], year: number | undefined): void => {
    if (!ID.test(itemId)) {
      bad.push({ file, line: lineNumber, reason: `movie id ${JSON.stringify(itemId)} is not an id` });
      return;
    }
    movies.set(itemId, { itemId, genres, ...(year !== undefined ? { year } : {}) });
  };
  switch (files.layout) {
    case 'ml100k': {
      const names = files.genres
        ? decode(await readFile(files.genres))
            .split(/\r?\n/)
            .flatMap((l) => (l.includes('|') ? [l.split('|')[0] ?? ''] : []))
        : [...ML100K_GENRES];
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        const fields = line.split('|');
        if (fields.length !== 5 + names.length) {
          bad.push({ file, line: index + 1, reason: `expected ${5 + names.length} fields separated by "|", found ${fields.length}` });
          return;
        }
        const flags = fields.slice(5);
        const genres = names.filter((name, i) => flags[i]?.trim() === '1' && name !== 'unknown');
        add(index + 1, fields[0]?.trim() ?? '', genres, yearOf(fields[1] ?? '', fields[2]));
      });
      break;
    }
    case 'mlDat':
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        const fields = line.split('::');
        if (fields.length !== 3) {
          bad.push({ file, line: index + 1, reason: `expected 3 fields separated by "::", found ${fields.length}` });
          return;
        }
        add(index + 1, fields[0]?.trim() ?? '', genreList(fields[2] ?? '', '|'), yearOf(fields[1] ?? ''));
      });
      break;
    case 'mlCsv':
      lines.forEach((line, index) => {
        if (index === 0 || line.trim() === '') return;
        let fields: string[];
        try {
          fields = (parseCsv(line, { relax_quotes: false }) as string[][])[0] ?? [];
        } catch (error) {
          bad.push({ file, line: index + 1, reason: `not a CSV line: ${(error as Error).message.split('\n')[0]}` });
          return;
        }
        if (fields.length !== 3) {
          bad.push({ file, line: index + 1, reason: `expected 3 columns (movieId,title,genres), found ${fields.length}` });
          return;
        }
        add(index + 1, fields[0]?.trim() ?? '', genreList(fields[2] ?? '', '|'), yearOf(fields[1] ?? ''));
      });
      break;
    case 'hetrec': {
      const header = (lines[0] ?? '').split('\t');
      const yearColumn = header.indexOf('year');
      lines.forEach((line, index) => {
        if (index === 0 || line.trim() === '') return;
        const fields = line.split('\t');
        if (fields.length !== header.length) {
          bad.push({ file, line: index + 1, reason: `expected ${header.length} tab-separated fields, found ${fields.length}` });
          return;
        }
        const year = yearColumn >= 0 ? yearOf('', fields[yearColumn]) : undefined;
        add(index + 1, fields[0]?.trim() ?? '', [], year);
      });
      if (files.genres) {
        const genreFile = files.genres;
        const genreLines = decode(await readFile(genreFile)).split(/\r?\n/);
        genreLines.forEach((line, index) => {
          if (index === 0 || line.trim() === '') return;
          const [itemId = '', genre = '', ...rest] = line.split('\t');
          if (rest.length > 0 || genre.trim() === '') {
            bad.push({ file: genreFile, line: index + 1, reason: 'expected 2 tab-separated fields: movieID genre' });
            return;
          }
          const movie = movies.get(itemId.trim());
          if (movie) movies.set(movie.itemId, { ...movie, genres: [...movie.genres, genre.trim()] });
        });
      }
      break;
    }
  }
  return { movies, bad };
}
