/**
 * `recops demo [--data-dir DIR] [--keep] [--timeout SECONDS]`: a whole recops run on the local
 * cloud, in one process. Starts the local cloud with the real service manifest, uploads a small
 * MovieLens-like data set with planted preferences and the demo parameter file to
 * `train/<dataset group>/` in the data bucket (the parameter file last: its upload starts the run),
 * prints the run's bus events as they happen until Pipeline Completed or Pipeline Failed, then the
 * solution versions' offline metrics and, when a campaign is ACTIVE, recommendations for one user.
 *
 * `npm start` runs it. Without `--data-dir` it works in a fresh temporary directory, removed at the
 * end unless `--keep`, so it can be run again and again; a directory given with `--data-dir` is
 * never removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createClients, type Clients } from '@recops/core/runtime';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { ServerStartError } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import { generateDemoData, type DemoData, type DemoDataOptions } from './demo/data';
import { DEMO_DATASET_GROUP, demoParameterFile, GENRE_FILTER, trainingPrefix } from './demo/parameter-file';
import {
  findActiveCampaign,
  findActiveFilter,
  formatMetricsTable,
  quotedFilterValues,
  readVersionMetrics,
  recommendFor,
  type Recommendations,
  type VersionMetrics,
} from './demo/report';
import { formatEvent, OUTCOME, RunFollower, type ChainEvent } from './demo/timeline';
import { CliError, UsageError } from './errors';

export const DEMO_USAGE = `Usage: recops demo [--data-dir DIR] [--keep] [--timeout SECONDS]

Runs a whole recops pipeline on the local cloud: generates a small movie data set with planted
preferences, uploads it with a parameter file, prints every event of the run until it completes
or fails, then the trained models' metrics and (when a campaign exists) recommendations.

Options:
  --data-dir <dir>     where the local cloud keeps its state (kept afterwards)
                       default: a fresh temporary directory
  --keep               keep the temporary data directory (inspect it with "recops log --data-dir DIR")
  --timeout <seconds>  give up when the run has not ended by then              default 300
  -h, --help           show this help`;

export interface DemoArgs {
  readonly dataDir?: string;
  readonly keep: boolean;
  readonly timeoutSeconds: number;
  readonly help: boolean;
}

export function parseDemoArgs(args: readonly string[]): DemoArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        'data-dir': { type: 'string' },
        keep: { type: 'boolean', default: false },
        timeout: { type: 'string', default: '300' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`recops demo: ${(error as Error).message}\n\n${DEMO_USAGE}`);
  }
  const timeoutSeconds = Number(values.timeout);
  if (!/^\d+$/.test(values.timeout) || timeoutSeconds < 1) {
    throw new UsageError(`recops demo: --timeout must be a whole number of seconds of at least 1, got ${JSON.stringify(values.timeout)}`);
  }
  const dataDir = values['data-dir'];
  if (dataDir !== undefined && dataDir.trim() === '') throw new UsageError('recops demo: --data-dir must not be empty');
  return { ...(dataDir !== undefined ? { dataDir } : {}), keep: values.keep, timeoutSeconds, help: values.help };
}

export interface DemoOptions {
  /** The local cloud's data directory; default a fresh temporary directory. */
  readonly dataDir?: string;
  /** Keep the temporary data directory. A `dataDir` given here is always kept. */
  readonly keep?: boolean;
  /** How long to wait for Pipeline Completed / Failed after the upload. Default 300 s. */
  readonly timeoutMs?: number;
  readonly datasetGroupName?: string;
  readonly data?: DemoDataOptions;
  /** Delay of each simulated Personalize status step. Default 200 ms. */
  readonly personalizeStepDelayMs?: number;
  /** Where the demo writes its lines. Default process.stdout. */
  readonly out?: NodeJS.WritableStream;
  /** Aborting ends the wait early (Ctrl-C); the demo still cleans up. */
  readonly signal?: AbortSignal;
}

export const DEMO_OUTCOME = {
  completed: 'completed',
  failed: 'failed',
  timedOut: 'timed-out',
  interrupted: 'interrupted',
} as const;
export type DemoOutcome = (typeof DEMO_OUTCOME)[keyof typeof DEMO_OUTCOME];

export interface DemoResult {
  readonly outcome: DemoOutcome;
  /** 0 when the run completed, 1 otherwise. */
  readonly exitCode: 0 | 1;
  readonly runId?: string;
  /** Every bus event of the run, in the order the bus accepted them. */
  readonly events: readonly ChainEvent[];
  readonly metrics: readonly VersionMetrics[];
  /** What the campaign recommended (plain, then through the genre filter); empty without a campaign. */
  readonly recommendations: readonly Recommendations[];
  readonly dataDir: string;
  /** Whether the data directory still exists after the demo. */
  readonly kept: boolean;
}

/**
 * Settings for a run that takes seconds: status re-checks at most 1 s apart, handler logs
 * only when critical (they would drown the timeline). Values the user already set win.
 */
const DEMO_ENVIRONMENT = {
  RECOPS_WATCH_MAX_DELAY_SECONDS: '1',
  POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  POWERTOOLS_METRICS_DISABLED: 'true',
  // The SDK warns once per process that Node 20 support is ending; Lambda runs these handlers on 22.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
} as const;

/** Sets the demo's defaults for variables the user left unset; returns the function undoing that. */
function applyDemoEnvironment(): () => void {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(DEMO_ENVIRONMENT)) {
    if (process.env[name] !== undefined) continue;
    applied.push(name);
    process.env[name] = value;
  }
  return () => {
    for (const name of applied) delete process.env[name];
  };
}

const DEFAULT_TIMEOUT_MS = 300_000;
const RECOMMENDATION_COUNT = 5;

function write(out: NodeJS.WritableStream, line = ''): void {
  out.write(`${line}\n`);
}

function describeData(data: DemoData): string {
  return `${data.userIds.length} users, ${data.movies.size} movies, ${data.interactionCount} interactions`;
}

/** Resolves after `ms`, or when `signal` aborts; `cancel` clears the timer. */
function delay(ms: number, signal?: AbortSignal): { done: Promise<'timeout' | 'aborted'>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const done = new Promise<'timeout' | 'aborted'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    if (signal) {
      if (signal.aborted) resolve('aborted');
      onAbort = () => resolve('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return {
    done,
    cancel: () => {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Prints what the dataset group's first ACTIVE campaign recommends for the first user, plainly and
 * through the genre filter for a genre the user does not favour; nothing without a campaign.
 */
async function showRecommendations(clients: Clients, datasetGroupArn: string, data: DemoData, out: NodeJS.WritableStream): Promise<Recommendations[]> {
  const campaign = await findActiveCampaign(clients.personalize, datasetGroupArn);
  if (!campaign) return [];
  const userId = data.userIds[0] ?? 'u1';
  const favourites = data.favouriteGenres(userId);
  const printItems = (itemIds: readonly string[]): void => {
    for (const itemId of itemIds) {
      const movie = data.movies.get(itemId);
      write(out, `  ${itemId.padEnd(6)} ${movie ? `${movie.genres.join('|')} (${movie.year})` : ''}`);
    }
  };
  const plain = await recommendFor(clients.personalizeRuntime, campaign, userId, RECOMMENDATION_COUNT);
  write(out, `Recommendations from campaign ${campaign.name} for ${userId} (planted favourite genres: ${favourites.join(', ')}):`);
  printItems(plain.itemIds);
  const genreFilter = await findActiveFilter(clients.personalize, datasetGroupArn, GENRE_FILTER);
  const genre = [...data.movies.values()].flatMap((m) => m.genres).find((g) => !favourites.includes(g));
  if (!genreFilter || genre === undefined) return [plain];
  // A genre the user does not favour: the filter, not the model, decides what may appear.
  const values = { GENRES: quotedFilterValues([genre]) };
  const filtered = await recommendFor(clients.personalizeRuntime, campaign, userId, RECOMMENDATION_COUNT, { ...genreFilter, values });
  write(out, `The same, through filter ${genreFilter.name} with GENRES = ${values.GENRES}:`);
  printItems(filtered.itemIds);
  return [plain, filtered];
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const out = options.out ?? process.stdout;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const datasetGroupName = options.datasetGroupName ?? DEMO_DATASET_GROUP;
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'recops-demo-')));
  const keep = !temporary || options.keep === true;
  const restoreEnvironment = applyDemoEnvironment();

  let cloud: LocalCloud | undefined;
  let unsubscribe: (() => void) | undefined;
  try {
    const data = generateDemoData(options.data);
    try {
      cloud = await createLocalCloud({ dataDir, manifest: SERVICES, personalizeStepDelayMs: options.personalizeStepDelayMs ?? 200 });
    } catch (error) {
      if (error instanceof ServerStartError) throw new CliError(`recops demo: ${error.message}`, { cause: error });
      throw error;
    }
    const bucket = cloud.runner?.names.bucketName;
    if (bucket === undefined) throw new CliError('recops demo: the local cloud did not start the services of the manifest');
    const clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });

    const prefix = trainingPrefix(datasetGroupName);
    const configKey = `${prefix}config.json`;
    write(out, `recops demo: local cloud at ${cloud.endpoint}, data in ${dataDir}`);
    write(out, `Data set: ${describeData(data)} (${new Set([...data.movies.values()].flatMap((m) => m.genres)).size} genres)`);

    let startedAt = Date.now();
    const follower = new RunFollower(configKey, (event) => write(out, formatEvent(event, startedAt)));
    unsubscribe = cloud.eventLog.subscribe(follower.onEntry);

    const upload = async (name: string, body: string, contentType: string): Promise<void> => {
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${name}`, Body: body, ContentType: contentType }));
    };
    await upload('users.csv', data.usersCsv, 'text/csv');
    await upload('items.csv', data.itemsCsv, 'text/csv');
    await upload('interactions.csv', data.interactionsCsv, 'text/csv');
    write(out, `Uploaded users.csv, items.csv, interactions.csv to s3://${bucket}/${prefix}`);
    startedAt = Date.now();
    write(out, `Uploading s3://${bucket}/${configKey} starts the run:`);
    write(out);
    await upload('config.json', `${JSON.stringify(demoParameterFile(datasetGroupName), null, 2)}\n`, 'application/json');

    const wait = delay(timeoutMs, options.signal);
    const ended = await Promise.race([follower.ended, wait.done]);
    wait.cancel();
    const base = { runId: follower.runId, events: [...follower.events], dataDir, kept: keep };
    write(out);

    if (ended === 'timeout' || ended === 'aborted') {
      const last = follower.events.at(-1);
      const seen = last ? `the last event was ${last.detailType} (+${((Date.parse(last.time) - startedAt) / 1000).toFixed(1)}s)` : 'no event of the run arrived';
      write(
        out,
        ended === 'timeout'
          ? `recops demo: the run did not end within ${timeoutMs / 1000} s; ${seen}.`
          : `recops demo: interrupted; ${seen}.`,
      );
      if (!keep) write(out, 'Run again with --keep to inspect the event log and the dead-letter queues.');
      return { ...base, outcome: ended === 'timeout' ? DEMO_OUTCOME.timedOut : DEMO_OUTCOME.interrupted, exitCode: 1, metrics: [], recommendations: [] };
    }

    if (ended.detailType === OUTCOME.failed) {
      const detail = ended.detail as { step?: string; reason?: string; errors?: { path: string; message: string }[] };
      write(out, `Pipeline failed at step ${detail.step ?? '?'}: ${detail.reason ?? 'no reason given'}`);
      for (const error of detail.errors ?? []) write(out, `  ${error.path}: ${error.message}`);
      return { ...base, outcome: DEMO_OUTCOME.failed, exitCode: 1, metrics: [], recommendations: [] };
    }

    const completed = ended.detail as { resourceArn?: string; resources?: { kind: string; arn: string }[] };
    const versionArns = (completed.resources ?? []).filter((r) => r.kind === 'solutionVersion').map((r) => r.arn);
    write(out, `Pipeline completed in ${((Date.parse(ended.time) - startedAt) / 1000).toFixed(1)} s.`);
    const metrics = await readVersionMetrics(clients.personalize, versionArns);
    if (metrics.length > 0) {
      write(out);
      write(out, 'Solution versions (offline metrics: each test user\'s newest 10 % of interactions held out):');
      for (const line of formatMetricsTable(metrics)) write(out, line);
    }

    write(out);
    const recommendations = completed.resourceArn ? await showRecommendations(clients, completed.resourceArn, data, out) : [];
    if (recommendations.length === 0) {
      write(out, 'No campaign is ACTIVE in this dataset group (no service of the manifest has deployed one),');
      write(out, 'so there are no live recommendations to show.');
    }
    return { ...base, outcome: DEMO_OUTCOME.completed, exitCode: 0, metrics, recommendations };
  } finally {
    unsubscribe?.();
    await cloud?.close();
    restoreEnvironment();
    if (keep) {
      write(out, `Data directory kept: ${dataDir} (recops log --data-dir ${dataDir})`);
    } else {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

export async function runDemoCommand(args: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const options = parseDemoArgs(args);
  if (options.help) {
    write(out, DEMO_USAGE);
    return 0;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed pipe (`npm start | head`) stops the demo like Ctrl-C, so the temporary directory still goes.
  out.on('error', stop);
  try {
    const result = await runDemo({
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      keep: options.keep,
      timeoutMs: options.timeoutSeconds * 1000,
      out,
      signal: controller.signal,
    });
    return result.exitCode;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    out.off('error', stop);
  }
}
