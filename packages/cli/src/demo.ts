/**
 * `recops demo [--data-dir DIR] [--keep] [--timeout SECONDS]`: a whole recops run on the local
 * cloud, in one process. Starts the local cloud with the real service manifest, uploads a small
 * MovieLens-like data set with planted preferences and the demo parameter file to
 * `train/<dataset group>/` in the data bucket (the parameter file last: its upload starts the run),
 * prints the run's bus events as they happen until Pipeline Completed or Pipeline Failed and the
 * deploy half has answered (Campaign Deployed, Batch Output Ready), then the solution versions'
 * offline metrics, the campaign's top 10 for one user before and after a few PutEvents, and where
 * the batch inference output is, with its _CHECK marker.
 *
 * `npm start` runs it. Without `--data-dir` it works in a fresh temporary directory, removed at the
 * end unless `--keep`, so it can be run again and again; a directory given with `--data-dir` is
 * never removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeEventTrackerCommand, ListEventTrackersCommand } from '@aws-sdk/client-personalize';
import { PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { stageScopedName } from '@recops/core';
import { createClients, type Clients } from '@recops/core/runtime';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { ServerStartError } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import { generateDemoData, type DemoData, type DemoDataOptions } from './demo/data';
import { batchSolutionName, DEMO_DATASET_GROUP, demoParameterFile, genreFilterName, trainingPrefix } from './demo/parameter-file';
import {
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
or fails, then the trained models' metrics, the deployed campaign's top 10 for one user before and
after a few live events, and the batch inference output with its _CHECK marker.

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
  /**
   * What the deployed campaign recommended: plain, then after a few PutEvents, then through the
   * genre filter; empty when no campaign was deployed.
   */
  readonly recommendations: readonly Recommendations[];
  /** The items the demo sent with PutEvents between the first two answers. */
  readonly eventsSent: readonly string[];
  /** Where the batch inference job wrote its output, when Batch Output Ready arrived. */
  readonly batchOutput?: BatchOutput;
  readonly dataDir: string;
  /** Whether the data directory still exists after the demo. */
  readonly kept: boolean;
}

/**
 * Settings for a run that takes seconds: status re-checks at most 0.25 s apart (the watcher waits
 * under a second in-process, SQS delays being whole seconds), handler logs only when critical
 * (they would drown the timeline). Values the user already set win.
 */
const DEMO_ENVIRONMENT = {
  RECOPS_WATCH_MAX_DELAY_SECONDS: '0.25',
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
const RECOMMENDATION_COUNT = 10;
/** How many interactions the demo sends through the event tracker between the two answers. */
const LIVE_EVENT_COUNT = 3;

/** The batch output as the demo reports it. */
export interface BatchOutput {
  readonly url: string;
  readonly keys: readonly string[];
  readonly lineCount: number;
}

/** The input of the demo file's batch inference job: the default location, a few users. */
export function batchInputKey(datasetGroupName: string): string {
  return `batch/${datasetGroupName}/${batchSolutionName(datasetGroupName)}/job_config.json`;
}

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
 * Prints the deployed campaign's top 10 for the first user, sends a few interactions with movies of
 * a genre the user does not favour through the event tracker (PutEvents), prints the top 10 again,
 * then the same through the genre filter for that genre.
 */
async function showRecommendations(
  clients: Clients,
  datasetGroupArn: string,
  campaign: { name: string; arn: string },
  data: DemoData,
  genreFilterName: string,
  out: NodeJS.WritableStream,
): Promise<{ recommendations: Recommendations[]; eventsSent: string[] }> {
  const userId = data.userIds[0] ?? 'u1';
  const favourites = data.favouriteGenres(userId);
  const printItems = (itemIds: readonly string[], marked: ReadonlySet<string> = new Set()): void => {
    for (const [rank, itemId] of itemIds.entries()) {
      const movie = data.movies.get(itemId);
      const note = marked.has(itemId) ? '   (new)' : '';
      write(
        out,
        `  ${String(rank + 1).padStart(2)}. ${itemId.padEnd(6)} ${movie ? `${movie.genres.join('|')} (${movie.year})` : ''}${note}`,
      );
    }
  };
  const before = await recommendFor(clients.personalizeRuntime, campaign, userId, RECOMMENDATION_COUNT);
  write(
    out,
    `Top ${RECOMMENDATION_COUNT} from campaign ${campaign.name} for ${userId} (planted favourite genres: ${favourites.join(', ')}):`,
  );
  printItems(before.itemIds);

  const genre = [...data.movies.values()].flatMap((m) => m.genres).find((g) => !favourites.includes(g));
  const eventsSent = await sendLiveEvents(clients, datasetGroupArn, userId, genre, new Set(before.itemIds), data);
  const recommendations = [before];
  if (eventsSent.length > 0) {
    write(out);
    write(out, `PutEvents through the event tracker: ${userId} clicked ${eventsSent.join(', ')} (${genre ?? '?'}).`);
    const after = await recommendFor(clients.personalizeRuntime, campaign, userId, RECOMMENDATION_COUNT);
    const earlier = new Set(before.itemIds);
    const changed = after.itemIds.filter((id) => !earlier.has(id));
    write(out, `Top ${RECOMMENDATION_COUNT} for ${userId} right after (${changed.length} new, no retraining):`);
    printItems(after.itemIds, new Set(changed));
    recommendations.push(after);
  }

  const genreFilter = await findActiveFilter(clients.personalize, datasetGroupArn, genreFilterName);
  if (!genreFilter || genre === undefined) return { recommendations, eventsSent };
  // A genre the user does not favour: the filter, not the model, decides what may appear.
  const values = { GENRES: quotedFilterValues([genre]) };
  const filtered = await recommendFor(clients.personalizeRuntime, campaign, userId, RECOMMENDATION_COUNT, { ...genreFilter, values });
  write(out);
  write(out, `The same, through filter ${genreFilter.name} with GENRES = ${values.GENRES}:`);
  printItems(filtered.itemIds);
  return { recommendations: [...recommendations, filtered], eventsSent };
}

/** Sends a few clicks on movies of `genre` the user was not recommended; returns their ids. */
async function sendLiveEvents(
  clients: Clients,
  datasetGroupArn: string,
  userId: string,
  genre: string | undefined,
  recommended: ReadonlySet<string>,
  data: DemoData,
): Promise<string[]> {
  if (genre === undefined) return [];
  const { eventTrackers } = await clients.personalize.send(new ListEventTrackersCommand({ datasetGroupArn, maxResults: 10 }));
  const trackerArn = (eventTrackers ?? []).find((t) => t.status === 'ACTIVE')?.eventTrackerArn;
  if (trackerArn === undefined) return [];
  const { eventTracker } = await clients.personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: trackerArn }));
  if (eventTracker?.trackingId === undefined) return [];
  const items = [...data.movies.entries()]
    .filter(([id, movie]) => movie.genres.includes(genre) && !recommended.has(id))
    .slice(0, LIVE_EVENT_COUNT)
    .map(([id]) => id);
  const now = Date.now();
  await clients.personalizeEvents.send(
    new PutEventsCommand({
      trackingId: eventTracker.trackingId,
      userId,
      sessionId: `demo-${userId}`,
      // The demo's interactions schema requires EVENT_VALUE: a strong signal.
      eventList: items.map((itemId, i) => ({ eventType: 'click', eventValue: 5, itemId, sentAt: new Date(now + i * 1000) })),
    }),
  );
  return items;
}

/** Where the batch output is, as Batch Output Ready names it, listed from the bucket. */
async function showBatchOutput(clients: Clients, ready: ChainEvent, out: NodeJS.WritableStream): Promise<BatchOutput> {
  const output = ready.detail['output'] as { bucket: string; prefix: string };
  const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: output.bucket, Prefix: output.prefix }));
  const keys = (listed.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key.slice(output.prefix.length)])).sort();
  const lineCount = Number(ready.detail['lineCount'] ?? 0);
  const url = `s3://${output.bucket}/${output.prefix}`;
  write(out, `Batch inference output (${lineCount} users, ${Number(ready.detail['errorLineCount'] ?? 0)} errors): ${url}`);
  for (const key of keys) write(out, `  ${key}${key === '_CHECK' ? '   (the output is complete)' : ''}`);
  return { url, keys, lineCount };
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
    const batchUsers = data.userIds.slice(0, 5);
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: batchInputKey(datasetGroupName),
        Body: `${batchUsers.map((userId) => JSON.stringify({ userId })).join('\n')}\n`,
        ContentType: 'application/jsonlines',
      }),
    );
    write(out, `Uploaded the batch inference input (${batchUsers.length} users) to s3://${bucket}/${batchInputKey(datasetGroupName)}`);
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
      const seen = last
        ? `the last event was ${last.detailType} (+${((Date.parse(last.time) - startedAt) / 1000).toFixed(1)}s)`
        : 'no event of the run arrived';
      write(
        out,
        ended === 'timeout'
          ? `recops demo: the run did not end within ${timeoutMs / 1000} s; ${seen}.`
          : `recops demo: interrupted; ${seen}.`,
      );
      if (!keep) write(out, 'Run again with --keep to inspect the event log and the dead-letter queues.');
      return {
        ...base,
        outcome: ended === 'timeout' ? DEMO_OUTCOME.timedOut : DEMO_OUTCOME.interrupted,
        exitCode: 1,
        metrics: [],
        recommendations: [],
        eventsSent: [],
      };
    }

    if (ended.detailType === OUTCOME.failed) {
      const detail = ended.detail as { step?: string; reason?: string; errors?: { path: string; message: string }[] };
      write(out, `Pipeline failed at step ${detail.step ?? '?'}: ${detail.reason ?? 'no reason given'}`);
      for (const error of detail.errors ?? []) write(out, `  ${error.path}: ${error.message}`);
      return { ...base, outcome: DEMO_OUTCOME.failed, exitCode: 1, metrics: [], recommendations: [], eventsSent: [] };
    }

    const completed = ended.detail as { resourceArn?: string; resources?: { kind: string; arn: string }[] };
    const versionArns = (completed.resources ?? []).filter((r) => r.kind === 'solutionVersion').map((r) => r.arn);
    write(out, `Pipeline completed in ${((Date.parse(ended.time) - startedAt) / 1000).toFixed(1)} s.`);
    const metrics = await readVersionMetrics(clients.personalize, versionArns);
    if (metrics.length > 0) {
      write(out);
      write(out, "Solution versions (offline metrics: each test user's newest 10 % of interactions held out):");
      for (const line of formatMetricsTable(metrics)) write(out, line);
    }

    // The deploy half: the campaign and the batch output (a failed step ends the wait too).
    const remaining = delay(Math.max(timeoutMs - (Date.now() - startedAt), 1), options.signal);
    const failedAt = (step: string) => (event: ChainEvent) => event.detailType !== 'Step Failed' || event.detail['step'] === step;
    const deployed = await Promise.race([follower.next(['Campaign Deployed', 'Step Failed'], failedAt('deployment')), remaining.done]);
    const batch = await Promise.race([follower.next(['Batch Output Ready', 'Step Failed'], failedAt('batch')), remaining.done]);
    remaining.cancel();
    const result = { ...base, events: [...follower.events], outcome: DEMO_OUTCOME.completed, exitCode: 0 as const, metrics };

    write(out);
    if (typeof deployed === 'string' || deployed.detailType !== 'Campaign Deployed' || !completed.resourceArn) {
      const reason =
        typeof deployed === 'string'
          ? `nothing arrived in time (${deployed})`
          : String(deployed.detail['reason'] ?? 'no Campaign Deployed');
      write(out, `No campaign was deployed in this run (${reason}), so there are no live recommendations to show.`);
      return { ...result, recommendations: [], eventsSent: [] };
    }
    const campaign = { name: String(deployed.detail['campaignName']), arn: String(deployed.detail['resourceArn']) };
    const shown = await showRecommendations(
      clients,
      completed.resourceArn,
      campaign,
      data,
      stageScopedName(cloud.stage, genreFilterName(datasetGroupName)),
      out,
    );
    write(out);
    if (typeof batch === 'string' || batch.detailType !== 'Batch Output Ready') {
      const reason = typeof batch === 'string' ? `nothing arrived in time (${batch})` : String(batch.detail['reason']);
      write(out, `No batch output in this run: ${reason}`);
      return { ...result, ...shown };
    }
    return { ...result, ...shown, batchOutput: await showBatchOutput(clients, batch, out) };
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
