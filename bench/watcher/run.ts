/**
 * How soon the status watcher notices a finished job, and how many Personalize calls it spends,
 * against the polling loops it replaces, on the same jobs.
 *
 *   npx tsx bench/watcher/run.ts [--durations FILE] [--json]
 *
 * FILE is a JSON array of jobs: `{ "kind": "solutionVersion", "parent": "<solution name>",
 * "startSeconds": 0, "durationSeconds": 2400, "previousDurationsSeconds": [2300, 2550] }` (kinds:
 * solutionVersion, datasetImportJob, batchInferenceJob, batchSegmentJob; jobs of one parent that
 * overlap in time share List calls). Without it, a generated comparison set of jobs lasting
 * 5–60 min: first jobs of their parent (no history), and jobs with two to four earlier durations
 * each within ±20 % of their own.
 *
 * The watcher runs for real on a virtual clock (simulator.ts). Delay: job end → the check that
 * publishes it. Checks per job: every Personalize call the watcher made (history and the first
 * check included), divided by the jobs; a List shared by several jobs counts once. Polling
 * strategies check only after their first wait, as the loops they model do.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { JOB_KINDS, simulate, type SimJob } from './simulator';

interface Figures {
  readonly jobs: number;
  readonly meanDelaySeconds: number;
  readonly p95DelaySeconds: number;
  readonly checksPerJob: number;
}

interface Report {
  readonly overall: Figures;
  readonly byKind: Readonly<Record<string, Figures>>;
}

interface Strategy {
  readonly name: string;
  /** Seconds to wait before check `attempt` (0-based). */
  wait(kind: SimJob['kind'], attempt: number): number;
}

/** The loops recops replaces, and its own previous fixed backoff (per kind, as it shipped). */
const PREVIOUS_BACKOFF: Readonly<Record<SimJob['kind'], { first: number; factor: number; max: number }>> = {
  datasetImportJob: { first: 30, factor: 1.5, max: 300 },
  solutionVersion: { first: 120, factor: 1.5, max: 900 },
  batchInferenceJob: { first: 60, factor: 1.5, max: 900 },
  batchSegmentJob: { first: 60, factor: 1.5, max: 900 },
};

const STRATEGIES: readonly Strategy[] = [
  { name: 'poll 60 s ×1.02', wait: (_kind, attempt) => 60 * 1.02 ** attempt },
  { name: 'poll fixed 120 s', wait: () => 120 },
  { name: 'poll fixed 300 s', wait: () => 300 },
  {
    name: 'backoff (previous default)',
    wait: (kind, attempt) => {
      const p = PREVIOUS_BACKOFF[kind];
      return Math.min(Math.round(p.first * p.factor ** attempt), p.max);
    },
  },
];

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

function figures(delays: readonly number[], checks: number, jobs: number): Figures {
  const sorted = [...delays].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    jobs,
    meanDelaySeconds: round(mean),
    p95DelaySeconds: round(percentile(sorted, 95)),
    checksPerJob: round(checks / Math.max(1, jobs)),
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function pollingReport(strategy: Strategy, jobs: readonly SimJob[]): Report {
  const byKind: Record<string, { delays: number[]; checks: number; jobs: number }> = {};
  for (const job of jobs) {
    let waited = 0;
    let checks = 0;
    while (waited < job.durationSeconds) {
      waited += strategy.wait(job.kind, checks);
      checks += 1;
    }
    const entry = (byKind[job.kind] ??= { delays: [], checks: 0, jobs: 0 });
    entry.delays.push(waited - job.durationSeconds);
    entry.checks += checks;
    entry.jobs += 1;
  }
  return assemble(byKind);
}

function assemble(byKind: Record<string, { delays: number[]; checks: number; jobs: number }>): Report {
  const all = Object.values(byKind);
  return {
    overall: figures(
      all.flatMap((k) => k.delays),
      all.reduce((a, k) => a + k.checks, 0),
      all.reduce((a, k) => a + k.jobs, 0),
    ),
    byKind: Object.fromEntries(Object.entries(byKind).map(([kind, k]) => [kind, figures(k.delays, k.checks, k.jobs)])),
  };
}

/**
 * The watcher on `jobs`: one simulation per kind (kinds never share a call), all of a kind's jobs
 * together so overlapping jobs of one parent share Lists.
 */
async function watcherReport(jobs: readonly SimJob[]): Promise<Report & { readonly idleCalls: number; readonly unnoticed: number }> {
  const byKind: Record<string, { delays: number[]; checks: number; jobs: number }> = {};
  let idleCalls = 0;
  let unnoticed = 0;
  for (const kind of JOB_KINDS) {
    const ofKind = jobs.filter((j) => j.kind === kind);
    if (ofKind.length === 0) continue;
    const result = await simulate(ofKind);
    idleCalls += result.idleCalls;
    const delays: number[] = [];
    for (const o of result.outcomes) {
      if (o.delaySeconds === undefined || o.status !== 'ACTIVE') unnoticed += 1;
      else delays.push(o.delaySeconds);
    }
    byKind[kind] = { delays, checks: result.totalCalls, jobs: ofKind.length };
  }
  return { ...assemble(byKind), idleCalls, unnoticed };
}

/** Park–Miller, so the generated set is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

const GENERATED_KINDS = ['solutionVersion', 'datasetImportJob', 'batchInferenceJob'] as const;
const JOBS_PER_KIND = 200;

/**
 * The comparison set: per kind, 200 first jobs of their parent (a quarter of them batch jobs in
 * fours sharing one solution version and starting within a minute), and 200 jobs with two to four
 * earlier durations, each within ±20 % of the job's own. Durations uniform over 5–60 min.
 */
function generated(): { readonly noHistory: SimJob[]; readonly history: SimJob[] } {
  const rand = random(20261203);
  const duration = () => 300 + rand() * 3300;
  const noHistory: SimJob[] = [];
  const history: SimJob[] = [];
  for (const kind of GENERATED_KINDS) {
    for (let i = 0; i < JOBS_PER_KIND; i += 1) {
      const shared = kind === 'batchInferenceJob' && i < JOBS_PER_KIND / 4;
      const parent = shared ? `${kind}-shared-${Math.floor(i / 4)}` : `${kind}-first-${i}`;
      const startSeconds = shared ? Math.floor(i / 4) * 7200 + rand() * 60 : i * 7200;
      noHistory.push({ kind, parent, startSeconds, durationSeconds: duration() });
    }
    for (let i = 0; i < JOBS_PER_KIND; i += 1) {
      const d = duration();
      const n = 2 + Math.floor(rand() * 3);
      const previousDurationsSeconds = Array.from({ length: n }, () => d * (0.8 + 0.4 * rand()));
      history.push({ kind, parent: `${kind}-history-${i}`, startSeconds: i * 7200, durationSeconds: d, previousDurationsSeconds });
    }
  }
  return { noHistory, history };
}

function parseJobs(path: string): SimJob[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not a readable JSON file (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${path}: must be a JSON array of jobs`);
  return parsed.map((raw: unknown, i) => {
    const where = `${path}: job ${i}`;
    const job = raw as Record<string, unknown>;
    if (typeof job !== 'object' || job === null) throw new Error(`${where}: must be an object`);
    if (!(JOB_KINDS as readonly unknown[]).includes(job.kind)) throw new Error(`${where}: kind must be one of ${JOB_KINDS.join(', ')}`);
    if (typeof job.parent !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(job.parent)) {
      throw new Error(`${where}: parent must be a name of letters, digits, - and _ (at most 63)`);
    }
    const seconds = (name: string, value: unknown, positive: boolean) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
        throw new Error(`${where}: ${name} must be a ${positive ? 'positive' : 'non-negative'} number of seconds`);
      }
      return value;
    };
    const previous = job.previousDurationsSeconds;
    if (previous !== undefined && !Array.isArray(previous)) throw new Error(`${where}: previousDurationsSeconds must be an array`);
    return {
      kind: job.kind as SimJob['kind'],
      parent: job.parent,
      startSeconds: seconds('startSeconds', job.startSeconds, false),
      durationSeconds: seconds('durationSeconds', job.durationSeconds, true),
      ...(previous !== undefined && {
        previousDurationsSeconds: previous.map((d: unknown, k) => seconds(`previousDurationsSeconds[${k}]`, d, true)),
      }),
    };
  });
}

interface CaseReport extends Report {
  readonly idleCalls: number;
  readonly unnoticed: number;
  readonly polling: Readonly<Record<string, Report>>;
}

async function caseReport(jobs: readonly SimJob[]): Promise<CaseReport> {
  const watcher = await watcherReport(jobs);
  return { ...watcher, polling: Object.fromEntries(STRATEGIES.map((s) => [s.name, pollingReport(s, jobs)])) };
}

function printCase(title: string, report: CaseReport): void {
  console.log(`\n${title}: ${report.overall.jobs} jobs`);
  const rows: [string, Report][] = [['recops watcher', report], ...Object.entries(report.polling)];
  const kinds = Object.keys(report.byKind);
  const header = ['strategy', 'all: mean / p95 delay, checks/job', ...kinds.map((k) => `${k}: mean / p95, checks/job`)];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  const cell = (f: Figures | undefined) => (f === undefined ? '' : `${f.meanDelaySeconds} s / ${f.p95DelaySeconds} s, ${f.checksPerJob}`);
  for (const [name, r] of rows) console.log(`| ${[name, cell(r.overall), ...kinds.map((k) => cell(r.byKind[k]))].join(' | ')} |`);
  console.log(`watcher calls with no job in flight: ${report.idleCalls}; jobs never noticed ACTIVE: ${report.unnoticed}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { durations: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (values.durations !== undefined) {
    const report = await caseReport(parseJobs(values.durations));
    if (values.json) console.log(JSON.stringify({ overall: report.overall, byKind: report.byKind, polling: report.polling }, null, 2));
    else printCase(values.durations, report);
    return;
  }
  const sets = generated();
  const noHistory = await caseReport(sets.noHistory);
  const history = await caseReport(sets.history);
  const all = await watcherReport([...sets.noHistory, ...sets.history]);
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          overall: all.overall,
          byKind: all.byKind,
          cases: {
            noHistory: { overall: noHistory.overall, byKind: noHistory.byKind, polling: noHistory.polling },
            history: { overall: history.overall, byKind: history.byKind, polling: history.polling },
          },
        },
        null,
        2,
      ),
    );
    return;
  }
  printCase('First job of its parent (no history), 5–60 min', noHistory);
  printCase('Two to four earlier durations within ±20 %, 5–60 min', history);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
