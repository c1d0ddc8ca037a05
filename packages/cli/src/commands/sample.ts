/** `recops sample`: see prepare/sample.ts. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { printJson } from '../output';

/** The demo's dataset group name (demo/parameter-file.ts), kept here so help loads nothing else. */
const DEMO_DATASET_GROUP = 'movies-demo';

function wholeNumber(option: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min)
    throw new UsageError(`${option} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  return value;
}

export function registerSample(program: Command, setExit: (code: number) => void): void {
  program
    .command('sample')
    .summary("write the demo's generated data set and parameter file to a folder")
    .description(
      'Generates a small movie data set with planted genre preferences (the one "recops demo" uses): users.csv, items.csv, ' +
        'interactions.csv, the users JSON Lines file of the batch inference job, and config.json, ready for "recops run". ' +
        'Personalize trains on at least 1,000 interactions from 25 users.',
    )
    .option('--users <n>', 'number of users', '100')
    .option('--items <n>', 'number of movies', '80')
    .option('--interactions <n>', 'about how many interactions in all', '2400')
    .option('--seed <n>', 'random seed (the same seed writes the same files)', '20260101')
    .option('--out <dir>', 'where to write the files', 'recops-sample')
    .option('--name <datasetGroup>', 'dataset group name of the parameter file', DEMO_DATASET_GROUP)
    .option('--json', 'print the summary as JSON')
    .action(
      async (opts: { users: string; items: string; interactions: string; seed: string; out: string; name: string; json?: boolean }) => {
        const [{ nameProblem }, { writeSample }] = await Promise.all([import('@recops/core'), import('../prepare/sample')]);
        const problem = nameProblem(opts.name);
        if (problem) throw new UsageError(`--name ${JSON.stringify(opts.name)}: name ${problem}`);
        const result = await writeSample({
          users: wholeNumber('--users', opts.users, 1),
          items: wholeNumber('--items', opts.items, 2),
          interactions: wholeNumber('--interactions', opts.interactions, 2),
          seed: wholeNumber('--seed', opts.seed, 0),
          out: opts.out,
          name: opts.name,
        });
        if (opts.json) printJson(result);
        else {
          process.stdout.write(`${result.users} users, ${result.items} movies, ${result.interactions} interactions:\n`);
          for (const file of result.files) process.stdout.write(`  ${file}\n`);
          process.stdout.write(`Next: recops run ${join(result.out, 'config.json')}\n`);
        }
        setExit(0);
      },
    );
}
