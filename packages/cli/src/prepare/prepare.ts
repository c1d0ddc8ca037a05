/**
 * `recops prepare movielens <path> [--min-rating 3.5] [--out DIR] [--name DSG]`: turns a MovieLens
 * download into what `recops run` uploads: interactions.csv and items.csv with matching schemas
 * (original user and item ids kept), the users JSON Lines file the batch inference job reads
 * (`batch/<solution>/job_config.json`), and config.json using them. Unreadable lines are counted and
 * reported with their line numbers; they do not stop the preparation.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { detectLayout, MOVIELENS_LAYOUT, readMovies, readRatings, type BadLine } from './movielens';
import {
  INTERACTIONS_HEADER,
  ITEMS_HEADER,
  localBatchInputPath,
  preparedBatchSolutionName,
  preparedParameterFile,
  RATING_EVENT_TYPE,
} from './parameter-file';

export interface PrepareOptions {
  readonly path: string;
  readonly out: string;
  readonly minRating: number;
  readonly datasetGroupName: string;
}

export interface PrepareResult {
  readonly layout: string;
  readonly out: string;
  readonly files: { readonly interactions: string; readonly items: string; readonly users: string; readonly parameterFile: string };
  readonly ratingsRead: number;
  readonly interactions: number;
  readonly droppedBelowMinRating: number;
  readonly users: number;
  readonly items: number;
  readonly badLines: readonly BadLine[];
}

/** CSV cell: quoted when it holds a comma, quote or line break. */
function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes lines to a file through a stream, honouring back-pressure. */
async function writeLines(path: string, header: string | undefined, lines: Iterable<string>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const stream = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  if (header !== undefined) await write(`${header}\n`);
  for (const line of lines) await write(`${line}\n`);
  stream.end();
  await once(stream, 'finish');
}

export async function prepareMovieLens(options: PrepareOptions): Promise<PrepareResult> {
  const files = detectLayout(options.path);
  const { movies, bad: movieBad } = await readMovies(files);
  await mkdir(options.out, { recursive: true });
  const interactionsPath = join(options.out, 'interactions.csv');
  const itemsPath = join(options.out, 'items.csv');
  const usersPath = join(options.out, localBatchInputPath(preparedBatchSolutionName(options.datasetGroupName)));
  const parameterFilePath = join(options.out, 'config.json');

  const users = new Set<string>();
  let ratingsRead = 0;
  let kept = 0;
  await mkdir(dirname(interactionsPath), { recursive: true });
  const interactions = createWriteStream(interactionsPath);
  interactions.write(`${INTERACTIONS_HEADER}\n`);
  let pending: Promise<unknown> = Promise.resolve();
  const ratingBad = await readRatings(files, (rating) => {
    ratingsRead += 1;
    if (rating.rating < options.minRating) return;
    kept += 1;
    users.add(rating.userId);
    const ok = interactions.write(
      `${cell(rating.userId)},${cell(rating.itemId)},${rating.timestamp},${RATING_EVENT_TYPE},${rating.rating}\n`,
    );
    if (!ok) pending = once(interactions, 'drain');
  });
  await pending;
  interactions.end();
  await once(interactions, 'finish');

  const itemLines = [...movies.values()].map((m) => `${cell(m.itemId)},${cell(m.genres.join('|'))},${m.year ?? ''}`);
  await writeLines(itemsPath, ITEMS_HEADER, itemLines);
  const byNumber = (a: string, b: string): number => Number(a) - Number(b) || a.localeCompare(b);
  await writeLines(
    usersPath,
    undefined,
    [...users].sort(byNumber).map((userId) => JSON.stringify({ userId })),
  );
  await writeFile(parameterFilePath, `${JSON.stringify(preparedParameterFile(options.datasetGroupName), null, 2)}\n`);

  return {
    layout: MOVIELENS_LAYOUT[files.layout],
    out: options.out,
    files: { interactions: interactionsPath, items: itemsPath, users: usersPath, parameterFile: parameterFilePath },
    ratingsRead,
    interactions: kept,
    droppedBelowMinRating: ratingsRead - kept,
    users: users.size,
    items: movies.size,
    badLines: [...ratingBad, ...movieBad],
  };
}

/** Bad lines printed before "… and N more" (all of them with --json). */
const SHOWN_BAD_LINES = 20;

export function formatPrepareResult(result: PrepareResult, minRating: number): string[] {
  const lines = [
    `Read ${result.layout}: ${result.ratingsRead} ratings, ${result.items} movies.`,
    `Kept ${result.interactions} interactions with rating >= ${minRating} (dropped ${result.droppedBelowMinRating}) from ${result.users} users.`,
  ];
  if (result.badLines.length > 0) {
    lines.push(`Skipped ${result.badLines.length} unreadable line${result.badLines.length === 1 ? '' : 's'}:`);
    for (const bad of result.badLines.slice(0, SHOWN_BAD_LINES)) lines.push(`  ${bad.file}:${bad.line}: ${bad.reason}`);
    if (result.badLines.length > SHOWN_BAD_LINES) lines.push(`  … and ${result.badLines.length - SHOWN_BAD_LINES} more (--json lists all)`);
  }
  lines.push(
    'Wrote:',
    `  ${result.files.interactions}`,
    `  ${result.files.items}`,
    `  ${result.files.users}  (users for the batch inference job)`,
    `  ${result.files.parameterFile}`,
    `Next: recops validate ${result.files.parameterFile} && recops run ${result.files.parameterFile}`,
  );
  return lines;
}
