/** `recops import-existing --dataset-group NAME [--out FILE] [--schedule KIND=EXPR…]`: see personalize/import-existing.ts. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { printJson } from '../output';
import type { TargetOptions } from '../target';
import { targetOptionsOf, withTargetOptions } from './target-options';

export function registerImportExisting(program: Command, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('import-existing')
      .summary("write a parameter file describing a dataset group's existing resources")
      .description(
        "Reads the dataset group's schemas, datasets, solutions, campaigns, filters, event tracker and recommenders and writes the " +
          'parameter file that describes them, so recops manages them from then on. --schedule adds schedules: import=EXPR (re-import), ' +
          'full=EXPR or update=EXPR (every solution), full:<solution>=EXPR (one solution); EXPR is cron(...) or rate(...).',
      )
      .requiredOption('--dataset-group <name>', 'the dataset group')
      .option('--out <file>', 'where to write the parameter file (default: print it)')
      .option('--schedule <KIND=EXPR...>', 'schedules to add, e.g. "full=cron(0 2 ? * 1 *)"')
      .option('--json', 'print the file and the notes as one JSON document'),
  ).action(async (opts: TargetOptions & { datasetGroup: string; out?: string; schedule?: string[]; json?: boolean }) => {
    const [{ resolveTarget }, { importExisting, parseScheduleRequest }, { findDatasetGroup }] = await Promise.all([
      import('../target'),
      import('../personalize/import-existing'),
      import('../personalize/lookup'),
    ]);
    const schedules = (opts.schedule ?? []).map(parseScheduleRequest);
    const target = await resolveTarget(targetOptionsOf(opts));
    const group = await findDatasetGroup(target, opts.datasetGroup);
    const result = await importExisting(target, group, schedules);
    const text = `${JSON.stringify(result.parameterFile, null, 2)}\n`;
    if (opts.out) await writeFile(opts.out, text);
    if (opts.json) printJson(result);
    else if (opts.out) {
      process.stdout.write(`Wrote ${opts.out} describing dataset group ${group.name}.\n`);
      for (const note of result.notes) process.stdout.write(`  note: ${note}\n`);
    } else process.stdout.write(text);
    setExit(0);
  });
}
