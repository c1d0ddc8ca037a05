/** `recops prepare movielens <path>`: see prepare/prepare.ts. */
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { printJson } from '../output';

export function registerPrepare(program: Command, setExit: (code: number) => void): void {
  const prepare = program.command('prepare').summary('turn raw ratings into Personalize CSVs and a parameter file');
  prepare
    .command('movielens')
    .description(
      'Reads a MovieLens download (u.data/u.item, ratings.dat/movies.dat, ratings.csv/movies.csv, or HetRec 2011 ' +
        'user_ratedmovies-timestamps.dat/movies.dat/movie_genres.dat), drops ratings below --min-rating, and writes ' +
        'interactions.csv, items.csv, the users JSON Lines file for batch inference and config.json, ready for "recops run". ' +
        'Unreadable lines are counted and listed with their line numbers, not fatal.',
    )
    .argument('<path>', 'folder of the unpacked download (or its ratings file)')
    .option('--min-rating <n>', 'drop ratings below this value', '3.5')
    .option('--out <dir>', 'where to write the files', 'movielens-prepared')
    .option('--name <datasetGroup>', 'dataset group name of the parameter file', 'movielens')
    .option('--json', 'print the summary as JSON')
    .action(async (path: string, opts: { minRating: string; out: string; name: string; json?: boolean }) => {
      const minRating = Number(opts.minRating);
      if (opts.minRating.trim() === '' || !Number.isFinite(minRating))
        throw new UsageError(`--min-rating must be a number, got ${JSON.stringify(opts.minRating)}`);
      const [{ nameProblem }, { formatPrepareResult, prepareMovieLens }] = await Promise.all([
        import('@recops/core'),
        import('../prepare/prepare'),
      ]);
      const problem = nameProblem(opts.name);
      if (problem) throw new UsageError(`--name ${JSON.stringify(opts.name)}: name ${problem}`);
      const result = await prepareMovieLens({ path, out: opts.out, minRating, datasetGroupName: opts.name });
      if (opts.json) printJson(result);
      else process.stdout.write(`${formatPrepareResult(result, minRating).join('\n')}\n`);
      setExit(0);
    });
  // Commander routes `recops prepare <other>` here: say which sources exist.
  prepare.showHelpAfterError(false);
}
