/**
 * `npm run chaos -- --runs N [--seed S] [--groups G] [--poison P] [--visibility S] [--max-receives N] [--keep]`: the chaos suite (harness.ts)
 * with the fault mix; prints one line per run, then the figures. Exits 1 when a run was
 * lost or stuck, a Personalize resource was duplicated, a poison message was not dead-lettered, or
 * a redrive did not complete its run.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './harness';
import { chaosVerdict, formatChaosReport } from './report';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '40' },
    seed: { type: 'string' },
    groups: { type: 'string' },
    poison: { type: 'string' },
    visibility: { type: 'string' },
    'max-receives': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const integer = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
  return value;
};

const runs = integer('runs', values.runs) ?? 40;
const seed = integer('seed', values.seed);
const groups = integer('groups', values.groups);
const poisonRuns = integer('poison', values.poison);
const visibilitySeconds = integer('visibility', values.visibility);
const maxReceives = integer('max-receives', values['max-receives']);
const started = new Date();
const report = await runChaos({
  runs,
  ...(seed !== undefined ? { seed } : {}),
  ...(groups !== undefined ? { groups } : {}),
  ...(poisonRuns !== undefined ? { poisonRuns } : {}),
  ...(visibilitySeconds !== undefined ? { visibilitySeconds } : {}),
  ...(maxReceives !== undefined ? { maxReceives } : {}),
  keepData: values.keep,
  log: (line) => process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${line}\n`),
});
process.stdout.write(`\nchaos run of ${started.toISOString()}: npm run chaos -- --runs ${runs} --seed ${report.seed}\n`);
if (values.keep) process.stdout.write(`data directory kept: ${report.dataDir}\n`);
process.stdout.write(formatChaosReport(report));
const problems = chaosVerdict(report);
for (const problem of problems) process.stdout.write(`FAILED: ${problem}\n`);
process.exit(problems.length === 0 ? 0 : 1);
