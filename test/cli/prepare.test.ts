/** `recops prepare movielens` on small files in every layout it reads, malformed lines included; `recops sample`. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recops } from './run-recops';

interface Layout {
  readonly name: string;
  readonly files: Readonly<Record<string, string | Buffer>>;
  /** The line numbers (in their file) the command must report as unreadable. */
  readonly bad: readonly string[];
}

const GENRE_FLAGS = (on: number[]) => Array.from({ length: 19 }, (_, i) => (on.includes(i) ? '1' : '0')).join('|');

const LAYOUTS: readonly Layout[] = [
  {
    name: 'ml-100k',
    files: {
      'u.data': [
        '1\t10\t5\t881250949',
        '1\t20\t3\t881250950',
        '2\t10\t4\t881250951',
        'garbage line',
        '2\t30\tfive\t881250952',
        '3\t20\t2\t881250953',
        '',
      ].join('\n'),
      // Latin-1 title, as the real u.item is.
      'u.item': Buffer.from(
        [
          `10|Caf\u00e9 (1995)|01-Jan-1995||http://x|${GENRE_FLAGS([1, 5])}`,
          `20|Toy Story (1995)|01-Jan-1995||http://x|${GENRE_FLAGS([3, 4, 5])}`,
          `30|No Genre|||http://x|${GENRE_FLAGS([0])}`,
          '40|short line',
        ].join('\n'),
        'latin1',
      ),
    },
    bad: ['u.data:4', 'u.data:5', 'u.item:4'],
  },
  {
    name: 'ml-1m',
    files: {
      'ratings.dat': ['1::10::5::978300760', '1::20::4::978302109', '2::10::3.5::978301968', '2::20::1::978300275', '3::10::4', ''].join(
        '\n',
      ),
      'movies.dat': ["10::Toy Story (1995)::Animation|Children's|Comedy", '20::Jumanji (1995)::Adventure|Fantasy', '30::broken'].join('\n'),
    },
    bad: ['ratings.dat:5', 'movies.dat:3'],
  },
  {
    name: 'ml-latest',
    files: {
      'ratings.csv': [
        'userId,movieId,rating,timestamp',
        '1,10,4.0,964982703',
        '1,20,4.5,964981247',
        '2,10,3.0,964982224',
        '2,abc def,5.0,964983815',
        '3,20,2.5,',
      ].join('\n'),
      'movies.csv': [
        'movieId,title,genres',
        '10,Toy Story (1995),Adventure|Animation',
        '20,"American President, The (1995)",Comedy|Drama|Romance',
        '30,Unknown,(no genres listed)',
        '40,"unterminated',
      ].join('\n'),
    },
    bad: ['ratings.csv:5', 'ratings.csv:6', 'movies.csv:5'],
  },
  {
    name: 'hetrec',
    files: {
      'user_ratedmovies-timestamps.dat': [
        'userID\tmovieID\trating\ttimestamp',
        '75\t3\t1\t1162160236000',
        '75\t32\t4.5\t1162160624000',
        '78\t3\t4\t1162161000000',
        '78\t32\t5',
        '',
      ].join('\n'),
      'movies.dat': [
        'id\ttitle\timdbID\tspanishTitle\timdbPictureURL\tyear\trtID',
        '3\tGrumpier Old Men\t107050\tDos viejos\thttp://x\t1995\tgrumpier',
        '32\tTwelve Monkeys\t114746\tDoce monos\thttp://x\t1995\t12_monkeys',
      ].join('\n'),
      'movie_genres.dat': ['movieID\tgenre', '3\tComedy', '3\tRomance', '32\tSci-Fi', '32'].join('\n'),
    },
    bad: ['user_ratedmovies-timestamps.dat:5', 'movie_genres.dat:5'],
  },
];

describe('CLI: recops prepare movielens', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-prepare-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(LAYOUTS)('reads the $name layout, keeps ids, drops low ratings and lists bad lines with their numbers', async (layout) => {
    // Prepare
    const source = join(dir, layout.name);
    const out = join(dir, `${layout.name}-out`);
    await mkdir(source, { recursive: true });
    for (const [name, body] of Object.entries(layout.files)) await writeFile(join(source, name), body);
    // Act
    const run = await recops(['prepare', 'movielens', source, '--out', out, '--min-rating', '3.5', '--name', 'films', '--json']);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      badLines: { file: string; line: number; reason: string }[];
      interactions: number;
      droppedBelowMinRating: number;
    };
    expect(result.badLines.map((b) => `${b.file.split('/').pop()}:${b.line}`).sort()).toEqual([...layout.bad].sort());
    const interactions = (await readFile(join(out, 'interactions.csv'), 'utf8')).trim().split('\n');
    expect(interactions[0]).toBe('USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE');
    expect(interactions).toHaveLength(result.interactions + 1);
    for (const line of interactions.slice(1)) {
      const [, , timestamp, type, value] = line.split(',');
      expect(Number(value)).toBeGreaterThanOrEqual(3.5);
      expect(type).toBe('rating');
      // Seconds, not milliseconds (HetRec writes milliseconds).
      expect(Number(timestamp)).toBeLessThan(2_000_000_000);
    }
    expect(result.droppedBelowMinRating).toBeGreaterThan(0);
    const items = (await readFile(join(out, 'items.csv'), 'utf8')).trim().split('\n');
    expect(items[0]).toBe('ITEM_ID,GENRES,YEAR');
    const users = (await readFile(join(out, 'batch/films-user-personalization/job_config.json'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { userId: string });
    expect(users.length).toBeGreaterThan(0);
    // The written parameter file passes validation as is.
    const validate = await recops(['validate', join(out, 'config.json')]);
    expect(validate.code, validate.stdout).toBe(0);
  });

  it('keeps original ids and genres (ML-100K flags, HetRec genre file, quoted CSV titles)', async () => {
    const items100k = await readFile(join(dir, 'ml-100k-out', 'items.csv'), 'utf8');
    expect(items100k).toContain('10,Action|Comedy,1995');
    expect(items100k).toContain("20,Animation|Children's|Comedy,1995");
    const itemsLatest = await readFile(join(dir, 'ml-latest-out', 'items.csv'), 'utf8');
    expect(itemsLatest).toContain('20,Comedy|Drama|Romance,1995');
    expect(itemsLatest).toContain('30,,');
    const itemsHetrec = await readFile(join(dir, 'hetrec-out', 'items.csv'), 'utf8');
    expect(itemsHetrec).toContain('3,Comedy|Romance,1995');
    const interactionsHetrec = await readFile(join(dir, 'hetrec-out', 'interactions.csv'), 'utf8');
    expect(interactionsHetrec).toContain('75,32,1162160624,rating,4.5');
  });

  it('prints a readable summary naming each bad line', async () => {
    const run = await recops(['prepare', 'movielens', join(dir, 'ml-1m'), '--out', join(dir, 'ml-1m-text')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Read MovieLens 1M/10M (ratings.dat, movies.dat): 4 ratings, 2 movies.');
    expect(run.stdout).toMatch(/ratings\.dat:5: expected 4 fields, found 3/);
    expect(run.stdout).toMatch(/movies\.dat:3: expected 3 fields separated by "::", found 2/);
  });

  it('fails with one line for a folder without a MovieLens layout, a missing folder and a bad threshold', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    const none = await recops(['prepare', 'movielens', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain('holds no MovieLens layout recops reads');
    const missing = await recops(['prepare', 'movielens', join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    const threshold = await recops(['prepare', 'movielens', join(dir, 'ml-1m'), '--min-rating', 'high']);
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toContain('--min-rating must be a number');
  });

  it('names the missing movies file of a layout', async () => {
    const partial = join(dir, 'partial');
    await mkdir(partial, { recursive: true });
    await writeFile(join(partial, 'ratings.dat'), '1::10::5::978300760\n');
    const run = await recops(['prepare', 'movielens', partial]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/movies\.dat is missing: the MovieLens 1M\/10M .* layout needs it/);
  });
});

describe('CLI: recops sample', () => {
  it('writes the demo data set, the batch users file and a valid parameter file; the same seed writes the same files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'recops-sample-'));
    try {
      const first = await recops([
        'sample',
        '--users',
        '30',
        '--items',
        '20',
        '--interactions',
        '600',
        '--seed',
        '7',
        '--out',
        join(dir, 'a'),
        '--json',
      ]);
      expect(first.code, first.stderr).toBe(0);
      const summary = JSON.parse(first.stdout) as { users: number; items: number; files: string[] };
      expect(summary.users).toBe(30);
      expect(summary.items).toBe(20);
      await recops(['sample', '--users', '30', '--items', '20', '--interactions', '600', '--seed', '7', '--out', join(dir, 'b')]);
      for (const name of ['interactions.csv', 'items.csv', 'users.csv', 'batch/movies-demo-personalization/job_config.json']) {
        expect(await readFile(join(dir, 'b', name), 'utf8')).toBe(await readFile(join(dir, 'a', name), 'utf8'));
      }
      expect((await readFile(join(dir, 'a', 'batch/movies-demo-personalization/job_config.json'), 'utf8')).trim().split('\n')).toHaveLength(
        30,
      );
      const validate = await recops(['validate', join(dir, 'a', 'config.json')]);
      expect(validate.code, validate.stdout).toBe(0);
      const bad = await recops(['sample', '--users', '0']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--users must be a whole number of at least 1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
