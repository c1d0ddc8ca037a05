/** `recops run <file>`: see run/pipeline.ts. */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { CliError, UsageError } from '../errors';
import { printJson } from '../output';
import type { TargetOptions } from '../target';
import { targetOptionsOf, withTargetOptions } from './target-options';

export function registerRun(program: Command, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('run')
      .summary('upload a parameter file with its data and follow the run it starts')
      .description(
        "Validates the parameter file, uploads the CSVs beside it (and the batch jobs' input files from DIR/batch/<solution>/) " +
          "to train/<dataset group>/ of the stage's bucket, then the file, which starts a run. Follows the run live, one line " +
          'per event with the time since the upload, until Pipeline Completed (exit 0) or Pipeline Failed (exit 1).',
      )
      .argument('<file>', 'the parameter file')
      .option('--data <dir>', "folder holding the CSVs (default: the parameter file's folder)")
      .option('--timeout <seconds>', 'give up following after this long (exit 1)', '1800')
      .option('--no-follow', 'upload and exit without following the run')
      .option('--json', 'print the result (run id, outcome, events) as JSON'),
  ).action(async (file: string, opts: TargetOptions & { data?: string; timeout: string; follow: boolean; json?: boolean }) => {
    const timeoutSeconds = Number(opts.timeout);
    if (!/^\d+$/.test(opts.timeout) || timeoutSeconds < 1)
      throw new UsageError(`--timeout must be a whole number of seconds of at least 1, got ${JSON.stringify(opts.timeout)}`);
    if (!existsSync(file)) throw new CliError(`cannot read ${file}: no such file`);
    const [{ resolveTarget }, { runPipeline }] = await Promise.all([import('../target'), import('../run/pipeline')]);
    const target = await resolveTarget(targetOptionsOf(opts));
    const result = await runPipeline(target, {
      file,
      dataDir: opts.data ?? dirname(file),
      timeoutSeconds,
      json: opts.json === true,
      follow: opts.follow,
    });
    if (opts.json) printJson(result);
    setExit(result.outcome === 'completed' ? 0 : 1);
  });
}
