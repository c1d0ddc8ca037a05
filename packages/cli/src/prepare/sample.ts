/**
 * `recops sample [--users N] [--items N] [--interactions N] [--seed S] [--out DIR] [--name DSG]`:
 * the demo's generator as files: users, items and interactions CSVs with planted genre preferences,
 * the users JSON Lines file of the batch inference job, and the demo's parameter file, ready for
 * `recops run`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateDemoData } from '../demo/data';
import { batchSolutionName, demoParameterFile } from '../demo/parameter-file';
import { localBatchInputPath } from './parameter-file';

export interface SampleResult {
  readonly out: string;
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  readonly files: readonly string[];
}

export async function writeSample(options: {
  users: number;
  items: number;
  interactions: number;
  seed: number;
  out: string;
  name: string;
}): Promise<SampleResult> {
  const data = generateDemoData({
    users: options.users,
    items: options.items,
    interactionsPerUser: Math.max(2, Math.round(options.interactions / options.users)),
    seed: options.seed,
  });
  const files: [string, string][] = [
    ['users.csv', data.usersCsv],
    ['items.csv', data.itemsCsv],
    ['interactions.csv', data.interactionsCsv],
    [localBatchInputPath(batchSolutionName(options.name)), `${data.userIds.map((userId) => JSON.stringify({ userId })).join('\n')}\n`],
    ['config.json', `${JSON.stringify(demoParameterFile(options.name), null, 2)}\n`],
  ];
  const written: string[] = [];
  for (const [name, body] of files) {
    const path = join(options.out, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    written.push(path);
  }
  return { out: options.out, users: data.userIds.length, items: data.movies.size, interactions: data.interactionCount, files: written };
}
