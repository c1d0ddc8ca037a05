/** `recops status [RUN_ID]`: see run/status.ts. */
import type { Command } from 'commander';
import { printJson } from '../output';
import type { TrackedRun } from '../run/state';
import type { TargetOptions } from '../target';
import { targetOptionsOf, withTargetOptions } from './target-options';

/** Runs listed at most, newest first (--limit). */
const DEFAULT_LIMIT = 20;

export function registerStatus(program: Command, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('status')
      .summary("list a stage's runs, or show one run's steps")
      .description(
        "Without RUN_ID: the runs of the stage, newest first, with dataset group, start, duration, outcome and trigger. With RUN_ID: that run's steps.",
      )
      .argument('[runId]', 'one run')
      .option('--dataset-group <name>', 'only runs of this dataset group')
      .option('--limit <n>', 'at most this many runs', String(DEFAULT_LIMIT))
      .option('--json', 'print the run records as JSON'),
  ).action(async (runId: string | undefined, opts: TargetOptions & { datasetGroup?: string; limit: string; json?: boolean }) => {
    const [{ resolveTarget }, { findRun, listRunKeys, MalformedRunRecordError, readRun }, { formatRun, formatRuns }, { namesFor }] =
      await Promise.all([import('../target'), import('../run/state'), import('../run/status'), import('../personalize/lookup')]);
    const target = await resolveTarget(targetOptionsOf(opts));
    if (runId !== undefined) {
      const run = await findRun(target, runId);
      if (opts.json) printJson(run);
      else process.stdout.write(`${formatRun(run).join('\n')}\n`);
      setExit(0);
      return;
    }
    const limit = Math.max(1, Number(opts.limit) || DEFAULT_LIMIT);
    // Runs are filed under the stage's name of their dataset group.
    let found = opts.datasetGroup === undefined ? await listRunKeys(target) : [];
    for (const name of opts.datasetGroup === undefined ? [] : namesFor(target, opts.datasetGroup)) {
      found = await listRunKeys(target, name);
      if (found.length > 0) break;
    }
    const keys = found.slice(0, limit);
    // One malformed record does not hide the other runs: it is reported on stderr and the exit code is 1.
    const read = await Promise.all(
      keys.map((k) =>
        readRun(target, k.key).catch((error: unknown) => {
          if (error instanceof MalformedRunRecordError) return error;
          throw error;
        }),
      ),
    );
    const runs: TrackedRun[] = [];
    const malformed: Error[] = [];
    for (const entry of read) {
      if (entry instanceof MalformedRunRecordError) malformed.push(entry);
      else runs.push(entry);
    }
    if (opts.json) printJson(runs);
    else process.stdout.write(`${formatRuns(runs).join('\n')}\n`);
    for (const error of malformed) process.stderr.write(`recops status: ${error.message}\n`);
    setExit(malformed.length === 0 ? 0 : 1);
  });
}
