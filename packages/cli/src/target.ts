/**
 * Where a command works: the local cloud (`--endpoint URL`, or the one `recops local` runs from the
 * data directory) or a deployed stage (`--stage NAME`, read from SST's outputs). Either way the
 * command gets the AWS SDK clients the services use, from the core client factory, and the names of
 * the stage's bucket and bus.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { isProductionStage } from '@recops/core';
import type { Clients } from '@recops/core/runtime';
import { networkProblem, TargetError, UsageError } from './errors';

/** What `recops local` leaves in its data directory while it runs, so other commands find it. */
const CLOUD_FILE = 'cloud.json';
const DEFAULT_DATA_DIR = '.recops';
/** Where `sst deploy` writes the stage's outputs (the object `sst.config.ts`'s run() returns). */
const DEFAULT_OUTPUTS_FILE = join('.sst', 'outputs.json');

/**
 * Names of a local stage's bus and bucket, as the local cloud's runner creates them
 * (`localNames` of @recops/local; a test keeps them equal without loading the local cloud here).
 */
export function localStageNames(stage: string): { busName: string; bucketName: string; schedulerGroupName: string } {
  return { busName: `recops-${stage}`, bucketName: `recops-${stage}-data`, schedulerGroupName: `recops-${stage}-schedules` };
}

export interface CloudFile {
  readonly endpoint: string;
  readonly stage: string;
  readonly pid: number;
  readonly startedAt: string;
}

export interface TargetOptions {
  readonly endpoint?: string;
  readonly stage?: string;
  readonly dataDir?: string;
  readonly outputs?: string;
}

export interface Target {
  readonly kind: 'local' | 'stage';
  readonly stage: string;
  /** "the local cloud at http://127.0.0.1:4566" or "stage dev". */
  readonly description: string;
  readonly endpoint?: string;
  readonly bucketName: string;
  readonly busName: string;
  /** EventBridge Scheduler group of recops' schedules. */
  readonly schedulerGroupName?: string;
  readonly production: boolean;
  /** The local cloud's data directory, when known (its event log holds the bus events). */
  readonly dataDir?: string;
  readonly clients: Clients;
}

export function dataDirOf(options: Pick<TargetOptions, 'dataDir'>, env: NodeJS.ProcessEnv = process.env): string {
  return options.dataDir ?? (env.RECOPS_DATA_DIR?.trim() || DEFAULT_DATA_DIR);
}

export async function writeCloudFile(dataDir: string, cloud: CloudFile): Promise<void> {
  await writeFile(join(dataDir, CLOUD_FILE), `${JSON.stringify(cloud, null, 2)}\n`);
}

export async function removeCloudFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, CLOUD_FILE), { force: true });
}

/** The core client factory, loaded on use (it brings every SDK client). */
async function clients(): Promise<Clients> {
  return (await import('@recops/core/runtime')).createClients();
}

async function clientsFor(endpoint: string): Promise<Clients> {
  return (await import('@recops/core/runtime')).createClients({ endpoint, region: 'us-east-1', env: {} });
}

async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TargetError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

function checkedUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:4566, got ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--endpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}`);
  return endpoint.replace(/\/+$/, '');
}

/** A deployed stage, from the outputs `sst deploy --stage NAME` wrote. */
async function stageTarget(stage: string, outputsPath: string): Promise<Target> {
  const outputs = await readJsonFile(resolve(outputsPath));
  if (outputs === undefined) {
    throw new TargetError(
      `no outputs of stage ${stage}: ${outputsPath} does not exist (run "npx sst deploy --stage ${stage}" here, or pass --outputs FILE)`,
    );
  }
  const record = (outputs ?? {}) as Record<string, unknown>;
  if (record['stage'] !== stage) {
    throw new TargetError(
      `${outputsPath} holds the outputs of stage ${JSON.stringify(record['stage'] ?? '?')}, not ${stage} (run "npx sst deploy --stage ${stage}" to refresh them)`,
    );
  }
  const bucketName = record['bucketName'];
  const busName = record['busName'];
  if (typeof bucketName !== 'string' || typeof busName !== 'string') {
    throw new TargetError(`${outputsPath} lacks bucketName or busName: is it the outputs of a recops deploy?`);
  }
  const schedulerGroupName = typeof record['schedulerGroupName'] === 'string' ? record['schedulerGroupName'] : undefined;
  return {
    kind: 'stage',
    stage,
    description: `stage ${stage}`,
    bucketName,
    busName,
    ...(schedulerGroupName ? { schedulerGroupName } : {}),
    production: isProductionStage(stage),
    clients: await clients(),
  };
}

/** The local cloud at `endpoint`; its stage is found from the buckets it holds unless named. */
async function localTarget(endpoint: string, stage: string | undefined, origin: string, dataDir?: string): Promise<Target> {
  const clients = await clientsFor(endpoint);
  let buckets: string[];
  try {
    const listed = await clients.s3.send(new ListBucketsCommand({}));
    buckets = (listed.Buckets ?? []).flatMap((b) => (b.Name ? [b.Name] : []));
  } catch (error) {
    const problem = networkProblem(error);
    if (problem)
      throw new TargetError(`cannot reach the local cloud at ${endpoint}${origin} (${problem}); start it with "recops local"`, {
        cause: error,
      });
    throw error;
  }
  const stages = buckets.flatMap((name) => /^recops-(.+)-data$/.exec(name)?.[1] ?? []);
  let chosen = stage;
  if (chosen === undefined) {
    if (stages.length === 0) throw new TargetError(`the local cloud at ${endpoint} runs no recops stage (start it with "recops local")`);
    if (stages.length > 1) throw new TargetError(`the local cloud at ${endpoint} runs stages ${stages.join(', ')}: pick one with --stage`);
    chosen = stages[0] as string;
  } else if (!stages.includes(chosen)) {
    throw new TargetError(
      `the local cloud at ${endpoint} runs no stage ${chosen}${stages.length > 0 ? ` (it runs ${stages.join(', ')})` : ''}`,
    );
  }
  const names = localStageNames(chosen);
  return {
    kind: 'local',
    stage: chosen,
    description: `the local cloud at ${endpoint}`,
    endpoint,
    bucketName: names.bucketName,
    busName: names.busName,
    schedulerGroupName: names.schedulerGroupName,
    production: isProductionStage(chosen),
    ...(dataDir !== undefined ? { dataDir } : {}),
    clients,
  };
}

/**
 * `--stage NAME` alone: the deployed stage. `--endpoint URL` (with `--stage` to pick a local stage):
 * that local cloud. Neither: the local cloud `recops local` runs from the data directory.
 */
export async function resolveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  if (options.endpoint !== undefined) return localTarget(checkedUrl(options.endpoint), options.stage, '', options.dataDir);
  if (options.stage !== undefined) return stageTarget(options.stage, options.outputs ?? DEFAULT_OUTPUTS_FILE);
  const dataDir = dataDirOf(options, env);
  const cloud = (await readJsonFile(join(dataDir, CLOUD_FILE))) as Partial<CloudFile> | undefined;
  if (cloud === undefined || typeof cloud.endpoint !== 'string') {
    throw new TargetError(
      `no local cloud is running from ${dataDir} (start one with "recops local"), and neither --endpoint URL nor --stage NAME was given`,
    );
  }
  return localTarget(
    cloud.endpoint,
    typeof cloud.stage === 'string' ? cloud.stage : undefined,
    ` (from ${join(dataDir, CLOUD_FILE)})`,
    dataDir,
  );
}
