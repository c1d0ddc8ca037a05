/**
 * `recops cleanup --dataset-group NAME [--campaigns-only] [--yes]`: deletes what a non-production
 * stage left running (campaigns bill by the hour), in dependency order, after showing the plan.
 * Refuses production stages. Without --yes it asks on a terminal and deletes nothing elsewhere.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { CliError } from '../errors';
import { createProgress, printJson } from '../output';
import type { TargetOptions } from '../target';
import { targetOptionsOf, withTargetOptions } from './target-options';

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function registerCleanup(program: Command, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('cleanup')
      .summary("delete a dataset group's resources on a non-production stage")
      .description(
        "Deletes, in dependency order, recops' schedules of the dataset group, its campaigns, recommenders, filters, event tracker, " +
          'solutions (with their versions), datasets, their schemas and the group itself; or only the campaigns. Shows the plan first; ' +
          'asks before deleting unless --yes (and without a terminal deletes nothing unless --yes). Refuses production stages.',
      )
      .requiredOption('--dataset-group <name>', 'the dataset group')
      .option('--campaigns-only', 'delete only the campaigns (they bill by the hour; the rest costs storage only)')
      .option('-y, --yes', 'delete without asking')
      .option('--json', 'print the plan and what was deleted as JSON'),
  ).action(async (opts: TargetOptions & { datasetGroup: string; campaignsOnly?: boolean; yes?: boolean; json?: boolean }) => {
    const [{ resolveTarget }, cleanup, { findDatasetGroup }] = await Promise.all([
      import('../target'),
      import('../personalize/cleanup'),
      import('../personalize/lookup'),
    ]);
    const target = await resolveTarget(targetOptionsOf(opts));
    if (target.production)
      throw new CliError(`refusing to clean up stage ${target.stage}: it is a production stage, whose resources recops keeps`);
    const group = await findDatasetGroup(target, opts.datasetGroup);
    const plan = await cleanup.planCleanup(target, group, opts.campaignsOnly === true);
    const progress = createProgress(opts.json ? { write: () => true } : process.stdout);
    for (const line of cleanup.formatPlan(plan, target)) progress.line(line);
    const count = plan.levels.reduce((n, level) => n + level.length, 0);
    if (count === 0) {
      if (opts.json) printJson({ plan: plan.levels.flat(), deleted: [], kept: [] });
      setExit(0);
      return;
    }
    if (!opts.yes) {
      if (!process.stdin.isTTY || opts.json) throw new CliError('nothing deleted: pass --yes to delete the resources above');
      if (!(await confirm(`Delete these ${count} resources? [y/N] `))) {
        progress.line('Nothing deleted.');
        setExit(1);
        return;
      }
    }
    const report = await cleanup.executeCleanup(target, plan, {
      pollMs: target.kind === 'local' ? 250 : 10_000,
      timeoutMs: 30 * 60_000,
      onProgress: (line) => progress.line(line),
      onStatus: (text) => progress.status(text),
    });
    progress.done();
    if (opts.json) printJson({ plan: plan.levels.flat(), ...report });
    else
      progress.line(
        `Deleted ${report.deleted.length} resource${report.deleted.length === 1 ? '' : 's'}${report.kept.length > 0 ? `, kept ${report.kept.length}` : ''}.`,
      );
    setExit(0);
  });
}
