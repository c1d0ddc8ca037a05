/**
 * `recops report [RUN_ID] [--out FILE]`: one self-contained HTML page about a run (the newest
 * without RUN_ID): its steps as a timeline, each solution version's metrics against the version a
 * campaign serves and the gate's decision, and what the batch jobs wrote.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { printJson } from '../output';
import { dataDirOf, type TargetOptions } from '../target';
import { targetOptionsOf, withTargetOptions } from './target-options';

export function registerReport(program: Command, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('report')
      .summary('write an HTML report of a run: timeline, models against the live one, batch output')
      .description(
        'Writes one self-contained HTML page (inline SVG, nothing loaded from the network) about the run: its steps as a Gantt ' +
          "timeline, each solution version's metrics against the version its campaign serves with the promotion gate's decision, " +
          "and a summary of the batch jobs' output. Without RUN_ID, the newest run.",
      )
      .argument('[runId]', 'the run (default: the newest)')
      .option('--out <file>', 'where to write the page (default recops-report-<run>.html)')
      .option('--json', 'print the gathered report as JSON instead of writing HTML'),
  ).action(async (runId: string | undefined, opts: TargetOptions & { out?: string; json?: boolean }) => {
    const [{ resolveTarget }, state, { gatherReport, localRunEvents }, { renderReport }] = await Promise.all([
      import('../target'),
      import('../run/state'),
      import('../report/gather'),
      import('../report/html'),
    ]);
    const target = await resolveTarget(targetOptionsOf(opts));
    const run = runId === undefined ? await state.newestRun(target) : await state.findRun(target, runId);
    // The local cloud's event log holds the run's bus events (gate decisions); a deployed stage's are in CloudWatch.
    const dataDir = target.kind === 'local' ? (target.dataDir ?? (opts.dataDir !== undefined ? dataDirOf(opts) : undefined)) : undefined;
    const events = dataDir !== undefined ? await localRunEvents(dataDir, run.runId).catch(() => undefined) : undefined;
    const report = await gatherReport(target, run, events);
    if (opts.json) {
      printJson(report);
    } else {
      const out = opts.out ?? join(process.cwd(), `recops-report-${run.runId}.html`);
      await writeFile(out, renderReport(report));
      process.stdout.write(
        `Wrote ${out}: run ${run.runId}, ${report.steps.length} steps, ${report.versions.length} solution versions, ${report.batchJobs.length} batch jobs.\n`,
      );
    }
    setExit(0);
  });
}
