/**
 * The whole pipeline on the local cloud: every service of the manifest running in-process, the
 * bus events as they happen (from the cloud's event log), and what Personalize ended up holding.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import type { Permission, ServiceDefinition } from '@recops/platform';
import { createClients, type Clients } from '@recops/core/runtime';
import { SERVICES } from '@recops/services/manifest';
import { generateSeedData, seedBatchInput, seedBatchInputKey, seedExampleText } from './data';

/** A bus event as the log recorded it, in log order. */
export interface BusEvent {
  readonly seq: number;
  readonly id: string;
  readonly detailType: string;
  readonly source: string;
  readonly detail: Record<string, any>;
}

export interface PipelineCloud {
  readonly cloud: LocalCloud;
  readonly clients: Clients;
  readonly bucket: string;
  readonly busName: string;
  /** Every event put on the bus so far, in order (copies made by `duplicateEvents` included). */
  readonly events: BusEvent[];
  /** The events the services published (without the copies made by `duplicateEvents`). */
  published(): BusEvent[];
  upload(key: string, body: string): Promise<void>;
  /** Resolves with the first event of one of `detailTypes` (waiting for it if need be). */
  waitFor(detailTypes: readonly string[], timeoutMs?: number): Promise<BusEvent>;
  /** Re-publishes every distinct event once more, after a random delay (seeded), so each is delivered twice and out of order. */
  duplicateEvents(seed: number, maxDelayMs: number): void;
  close(): Promise<void>;
}

/** Handler settings for a fast local run: re-checks after at most 1 s, quiet logs. */
const LOCAL_RUN_ENV = {
  RECOPS_WATCH_MAX_DELAY_SECONDS: '1',
  POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  POWERTOOLS_METRICS_DISABLED: 'true',
} as const;

/** Starts the pipeline; `manifest` replaces services/manifest.ts (e.g. with a grant taken away). */
export async function startPipelineCloud(manifest: readonly ServiceDefinition[] = SERVICES): Promise<PipelineCloud> {
  const previousEnv = Object.fromEntries(Object.keys(LOCAL_RUN_ENV).map((k) => [k, process.env[k]]));
  Object.assign(process.env, LOCAL_RUN_ENV);
  const dataDir = await mkdtemp(join(tmpdir(), 'recops-e2e-'));
  const cloud = await createLocalCloud({ dataDir, manifest, personalizeStepDelayMs: 50 });
  const names = cloud.runner?.names;
  if (!names) throw new Error('the local cloud did not start the manifest runner');
  const clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });

  const events: BusEvent[] = [];
  const waiters = new Set<(event: BusEvent) => void>();
  const unsubscribe = cloud.eventLog.subscribe((entry) => {
    if (entry.kind !== 'bus.event') return;
    const raw = (entry.data as { event?: Record<string, any> }).event;
    if (!raw) return;
    const event: BusEvent = { seq: entry.seq, id: raw.id, detailType: raw['detail-type'], source: raw.source, detail: raw.detail ?? {} };
    events.push(event);
    for (const waiter of waiters) waiter(event);
  });

  const waitFor = (detailTypes: readonly string[], timeoutMs = 60_000): Promise<BusEvent> => {
    const found = events.find((e) => detailTypes.includes(e.detailType));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const seen = events.map((e) => e.detailType).join(', ');
        reject(new Error(`no ${detailTypes.join(' or ')} within ${timeoutMs} ms; bus so far: ${seen}`));
      }, timeoutMs);
      const waiter = (event: BusEvent) => {
        if (!detailTypes.includes(event.detailType)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(event);
      };
      waiters.add(waiter);
    });
  };

  const pending = new Set<Promise<unknown>>();
  const copyIds = new Set<string>();
  const duplicateEvents = (seed: number, maxDelayMs: number) => {
    let state = seed;
    const random = () => {
      state = (state * 16807) % 2147483647;
      return state / 2147483647;
    };
    const seen = new Set<string>();
    waiters.add((event) => {
      const identity = `${event.detailType}|${JSON.stringify(event.detail)}`;
      if (seen.has(identity)) return; // the copy itself, or a genuine duplicate: sent twice already
      seen.add(identity);
      const send = new Promise((resolve) => setTimeout(resolve, random() * maxDelayMs)).then(() =>
        clients.eventBridge.send(
          new PutEventsCommand({
            Entries: [
              { EventBusName: names.busName, Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail) },
            ],
          }),
        ),
      );
      pending.add(send);
      void send
        .then((result) => {
          const id = result.Entries?.[0]?.EventId;
          if (id) copyIds.add(id);
        })
        .catch(() => undefined)
        .finally(() => pending.delete(send));
    });
  };

  return {
    cloud,
    clients,
    bucket: names.bucketName,
    busName: names.busName,
    events,
    published: () => events.filter((e) => !copyIds.has(e.id)),
    upload: async (key, body) => {
      await clients.s3.send(new PutObjectCommand({ Bucket: names.bucketName, Key: key, Body: body }));
    },
    waitFor,
    duplicateEvents,
    close: async () => {
      unsubscribe();
      await Promise.allSettled([...pending]);
      await cloud.close();
      await rm(dataDir, { recursive: true, force: true });
      for (const [key, value] of Object.entries(previousEnv)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}

/** What Personalize holds, by name (solution versions as `<solution>: <status>`), sorted. */
export interface Inventory {
  readonly datasetGroups: string[];
  readonly datasets: string[];
  readonly importJobs: string[];
  readonly eventTrackers: string[];
  readonly filters: string[];
  readonly solutions: string[];
  readonly solutionVersions: string[];
}

export async function personalizeInventory(personalize: PersonalizeClient): Promise<Inventory> {
  const groups = (await personalize.send(new ListDatasetGroupsCommand({ maxResults: 100 }))).datasetGroups ?? [];
  const inventory = {
    datasetGroups: [],
    datasets: [],
    importJobs: [],
    eventTrackers: [],
    filters: [],
    solutions: [],
    solutionVersions: [],
  } as {
    [K in keyof Inventory]: string[];
  };
  for (const group of groups) {
    const datasetGroupArn = group.datasetGroupArn;
    inventory.datasetGroups.push(group.name ?? '?');
    const datasets = (await personalize.send(new ListDatasetsCommand({ datasetGroupArn, maxResults: 100 }))).datasets ?? [];
    for (const dataset of datasets) {
      inventory.datasets.push(dataset.name ?? '?');
      const jobs =
        (await personalize.send(new ListDatasetImportJobsCommand({ datasetArn: dataset.datasetArn, maxResults: 100 }))).datasetImportJobs ??
        [];
      inventory.importJobs.push(...jobs.map((j) => `${j.jobName}: ${j.status}`));
    }
    const trackers = (await personalize.send(new ListEventTrackersCommand({ datasetGroupArn, maxResults: 100 }))).eventTrackers ?? [];
    inventory.eventTrackers.push(...trackers.map((t) => t.name ?? '?'));
    const filters = (await personalize.send(new ListFiltersCommand({ datasetGroupArn, maxResults: 100 }))).Filters ?? [];
    inventory.filters.push(...filters.map((f) => f.name ?? '?'));
    const solutions = (await personalize.send(new ListSolutionsCommand({ datasetGroupArn, maxResults: 100 }))).solutions ?? [];
    for (const solution of solutions) {
      inventory.solutions.push(solution.name ?? '?');
      const versions =
        (await personalize.send(new ListSolutionVersionsCommand({ solutionArn: solution.solutionArn, maxResults: 100 })))
          .solutionVersions ?? [];
      inventory.solutionVersions.push(...versions.map((v) => `${solution.name}: ${v.status}`));
    }
  }
  for (const list of Object.values(inventory)) list.sort();
  return inventory;
}

/** When each import job finished (its last update, once ACTIVE) and each solution version was created, in ms. */
export async function personalizeTimes(
  personalize: PersonalizeClient,
): Promise<{ importJobsCompletedAt: number[]; solutionVersionsCreatedAt: number[] }> {
  const times = { importJobsCompletedAt: [] as number[], solutionVersionsCreatedAt: [] as number[] };
  const groups = (await personalize.send(new ListDatasetGroupsCommand({ maxResults: 100 }))).datasetGroups ?? [];
  for (const { datasetGroupArn } of groups) {
    const datasets = (await personalize.send(new ListDatasetsCommand({ datasetGroupArn, maxResults: 100 }))).datasets ?? [];
    for (const { datasetArn } of datasets) {
      const jobs = (await personalize.send(new ListDatasetImportJobsCommand({ datasetArn, maxResults: 100 }))).datasetImportJobs ?? [];
      for (const job of jobs)
        if (job.status === 'ACTIVE') times.importJobsCompletedAt.push(job.lastUpdatedDateTime?.getTime() ?? Number.NaN);
    }
    const solutions = (await personalize.send(new ListSolutionsCommand({ datasetGroupArn, maxResults: 100 }))).solutions ?? [];
    for (const { solutionArn } of solutions) {
      const versions = (await personalize.send(new ListSolutionVersionsCommand({ solutionArn, maxResults: 100 }))).solutionVersions ?? [];
      times.solutionVersionsCreatedAt.push(...versions.map((v) => v.creationDateTime?.getTime() ?? Number.NaN));
    }
  }
  return times;
}

/** The manifest with `action` taken from `service`'s grants (local IAM then denies it). */
export function manifestWithout(service: string, action: string): ServiceDefinition[] {
  return SERVICES.map((s) => {
    if (s.name !== service) return s;
    const permissions: Permission[] = s.permissions
      .map((p) => ({ ...p, actions: p.actions.filter((a) => a !== action) }))
      .filter((p) => p.actions.length > 0);
    return { ...s, permissions };
  });
}

/** Uploads the seed example's data, batch input and parameter file (the file last: it starts the run). */
export async function uploadSeedExample(pipeline: Pick<PipelineCloud, 'upload'>): Promise<void> {
  const data = generateSeedData();
  await pipeline.upload('train/dataset-group-name-1/users.csv', data.usersCsv);
  await pipeline.upload('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
  await pipeline.upload(seedBatchInputKey(), seedBatchInput());
  await pipeline.upload('train/dataset-group-name-1/config.json', await seedExampleText());
}
