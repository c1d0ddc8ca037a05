/**
 * bench/pipeline: one run of the seed example on the local cloud, instrumented.
 *
 * - Handoff latency: from a `<Kind> Status Changed` ACTIVE event on the bus to the Personalize call
 *   it unblocks (dataset group → first CreateSchema/CreateDataset; dataset → its CreateDatasetImportJob;
 *   the last import → first CreateFilter/CreateSolution; solution → its CreateSolutionVersion).
 * - Status calls: every Describe… and List… call, attributed to the service making it (the runner runs
 *   each invocation with its own environment, so the queue URL names the service).
 * - Per-step polling on the same run: the checks the replaced systems would have made for each
 *   resource's measured duration, and the same at typical Personalize durations (polling-model.ts).
 *
 * Usage: npx tsx bench/pipeline/run.ts [runs=3]   (RECOPS_WATCH_MAX_DELAY_SECONDS, default 1)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { ResourceKind } from '@recops/events';
import { createClients, currentEnvironment } from '@recops/core/runtime';
import { createLocalCloud } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import { checksFor, runCost, STRATEGIES } from './polling-model';

const SEED = `${import.meta.dirname}/../../test/core/fixtures/seed-examples/mpe-sample-full.json`;
const runs = Number(process.argv[2] ?? 3);

interface Call {
  readonly at: number;
  readonly command: string;
  readonly input: Record<string, unknown>;
  readonly service: string;
}

// Instrument every Personalize call made in this process (the handlers run in-process).
const calls: Call[] = [];
const send = PersonalizeClient.prototype.send;
PersonalizeClient.prototype.send = function (this: PersonalizeClient, command: any, ...rest: any[]) {
  const queue = currentEnvironment().RECOPS_QUEUE_URL ?? '';
  calls.push({
    at: Date.now(),
    command: command.constructor.name.replace(/Command$/, ''),
    input: command.input ?? {},
    service:
      queue
        .split('/')
        .pop()
        ?.replace(/^recops-[^-]+-/, '') || 'config-intake',
  });
  return (send as any).call(this, command, ...rest);
} as typeof send;

// 1 s unless the caller sets another cap (the demo uses 0.25 s).
process.env.RECOPS_WATCH_MAX_DELAY_SECONDS ??= '1';
process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

interface BusEvent {
  readonly at: number;
  readonly detailType: string;
  readonly detail: Record<string, any>;
}

function generateCsvs(): { users: string; interactions: string } {
  let state = 42;
  const next = () => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
  const users = ['USER_ID,AGE,GENDER'];
  const interactions = ['ITEM_ID,USER_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE'];
  for (let u = 0; u < 60; u++) {
    users.push(`u${u},${18 + Math.floor(next() * 60)},${next() < 0.5 ? 'F' : 'M'}`);
    for (let i = 0; i < 20; i++)
      interactions.push(
        `i${Math.floor(next() * 40)},u${u},${1_700_000_000 + u * 1000 + i * 60},${next() < 0.6 ? 'click' : 'stream'},${(1 + next() * 4).toFixed(1)}`,
      );
  }
  return { users: `${users.join('\n')}\n`, interactions: `${interactions.join('\n')}\n` };
}

async function oneRun(): Promise<{ events: BusEvent[]; calls: Call[]; wallMs: number }> {
  calls.length = 0;
  const dataDir = await mkdtemp(join(tmpdir(), 'recops-bench-pipeline-'));
  const cloud = await createLocalCloud({ dataDir, manifest: SERVICES, personalizeStepDelayMs: 50 });
  const names = cloud.runner!.names;
  const clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });
  const events: BusEvent[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('run did not finish in 120 s')), 120_000);
    cloud.eventLog.subscribe((entry) => {
      const event = (entry.data as { event?: Record<string, any> }).event;
      if (entry.kind !== 'bus.event' || !event) return;
      events.push({ at: Date.parse(entry.time), detailType: event['detail-type'], detail: event.detail });
      if (event['detail-type'] === 'Pipeline Completed' || event['detail-type'] === 'Pipeline Failed') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const csv = generateCsvs();
  const started = Date.now();
  await clients.s3.send(new PutObjectCommand({ Bucket: names.bucketName, Key: 'train/dsg/users.csv', Body: csv.users }));
  await clients.s3.send(new PutObjectCommand({ Bucket: names.bucketName, Key: 'train/dsg/interactions.csv', Body: csv.interactions }));
  await clients.s3.send(
    new PutObjectCommand({ Bucket: names.bucketName, Key: 'train/dsg/config.json', Body: await readFile(SEED, 'utf8') }),
  );
  await done;
  const wallMs = Date.now() - started;
  const outcome = events.at(-1);
  if (outcome?.detailType !== 'Pipeline Completed') throw new Error(`run failed: ${JSON.stringify(outcome?.detail)}`);
  await new Promise((resolve) => setTimeout(resolve, 500)); // late duplicate checks, if any
  const taken = [...calls];
  await cloud.close();
  await rm(dataDir, { recursive: true, force: true });
  return { events, calls: taken, wallMs };
}

/** The Create call each ACTIVE status change unblocks. */
function handoffs(events: BusEvent[], allCalls: Call[]): { kind: string; ms: number }[] {
  const creates = allCalls.filter((c) => c.command.startsWith('Create'));
  const firstAfter = (at: number, accept: (c: Call) => boolean) => creates.find((c) => c.at >= at && accept(c));
  const out: { kind: string; ms: number }[] = [];
  const active = events.filter((e) => e.detailType.endsWith('Status Changed') && e.detail.status === 'ACTIVE');
  const seen = new Set<string>();
  for (const event of active) {
    if (seen.has(event.detail.resourceArn)) continue;
    seen.add(event.detail.resourceArn);
    const kind = event.detail.resourceKind as ResourceKind;
    let next: Call | undefined;
    if (kind === 'datasetGroup') next = firstAfter(event.at, (c) => c.command === 'CreateSchema' || c.command === 'CreateDataset');
    else if (kind === 'dataset')
      next = firstAfter(event.at, (c) => c.command === 'CreateDatasetImportJob' && c.input.datasetArn === event.detail.resourceArn);
    else if (kind === 'solution')
      next = firstAfter(event.at, (c) => c.command === 'CreateSolutionVersion' && c.input.solutionArn === event.detail.resourceArn);
    else if (kind === 'datasetImportJob') {
      const imports = active.filter((e) => e.detail.resourceKind === 'datasetImportJob');
      if (event !== imports.at(-1)) continue; // the join waits for the last import
      next = firstAfter(event.at, (c) => c.command === 'CreateFilter' || c.command === 'CreateSolution');
    } else continue;
    if (next) out.push({ kind, ms: next.at - event.at });
  }
  return out;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const results = [];
for (let i = 0; i < runs; i++) results.push(await oneRun());

const handoffMs = results.flatMap((r) => handoffs(r.events, r.calls));
const byKind = new Map<string, number[]>();
for (const h of handoffMs) byKind.set(h.kind, [...(byKind.get(h.kind) ?? []), h.ms]);

console.log(
  `runs: ${runs}; wall per run (upload → Pipeline Completed): ${results.map((r) => (r.wallMs / 1000).toFixed(1)).join(', ')} s\n`,
);
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.99 * values.length) - 1)]!;
console.log('| handoff (status change on the bus → the Create call it unblocks) | n | median | p99 | max |');
console.log('|---|---|---|---|---|');
for (const [kind, values] of byKind)
  console.log(`| ${kind} ACTIVE → next call | ${values.length} | ${median(values)} ms | ${p99(values)} ms | ${Math.max(...values)} ms |`);
const allMs = handoffMs.map((h) => h.ms);
console.log(`| all | ${handoffMs.length} | ${median(allMs)} ms | ${p99(allMs)} ms | ${Math.max(...allMs)} ms |\n`);

const isStatusCall = (c: Call) => c.command.startsWith('Describe') || c.command.startsWith('List');
console.log('| Personalize status calls per run (Describe*/List*) | median | min–max |');
console.log('|---|---|---|');
const services = [...new Set(results.flatMap((r) => r.calls.filter(isStatusCall).map((c) => c.service)))].sort();
for (const service of services) {
  const counts = results.map((r) => r.calls.filter((c) => isStatusCall(c) && c.service === service).length);
  console.log(`| ${service} | ${median(counts)} | ${Math.min(...counts)}–${Math.max(...counts)} |`);
}
const totals = results.map((r) => r.calls.filter(isStatusCall).length);
console.log(`| total | ${median(totals)} | ${Math.min(...totals)}–${Math.max(...totals)} |\n`);

// Per-step polling of the same resources, for their measured local durations.
const first = results[0]!;
const watched = new Map<string, { kind: ResourceKind; seconds: number }>();
for (const e of first.events)
  if (e.detailType.endsWith('Status Changed'))
    watched.set(e.detail.resourceArn, {
      kind: e.detail.resourceKind,
      seconds: (Date.parse(e.detail.observedAt) - Date.parse(e.detail.requestedAt)) / 1000,
    });
console.log(
  `| strategy | checks for this run's ${watched.size} watched resources (local durations) | checks per run at typical Personalize durations | mean detection delay at typical durations |`,
);
console.log('|---|---|---|---|');
for (const strategy of STRATEGIES) {
  const local = [...watched.values()].reduce((sum, w) => sum + checksFor(strategy, w.kind, w.seconds).checks, 0);
  const typical = runCost(strategy);
  const label = strategy.name.startsWith('recops') ? `${strategy.name} (model)` : strategy.name;
  console.log(
    `| ${label} | ${strategy.name.startsWith('recops') ? `measured: ${median(results.map((r) => r.calls.filter((c) => isStatusCall(c) && c.service === 'status-watcher').length))}` : local} | ${typical.checks} | ${typical.meanLateSeconds.toFixed(0)} s |`,
  );
}
