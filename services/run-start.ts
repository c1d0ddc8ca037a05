/**
 * The one door every run goes through, whatever started it (an uploaded parameter file, or one of
 * its schedules firing): read the parameter file, validate it and resolve it once, store the run's
 * document once (`runs/<dsg>/<runId>/plan.json`: identity, trigger, scope, plan), and publish
 * Pipeline Requested pointing at it. A file that cannot start the run (invalid, its data missing,
 * the schedule's target gone from it, a name another dataset group uses) ends the run at once in
 * one Pipeline Failed naming every error, and nothing is created.
 */
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { pipelineFailed, pipelineRequested, type EventIssue, type RunScope, type RunTrigger } from '@recops/events';
import {
  boundedName,
  parseParameterFileText,
  ParameterFileError,
  PLANNED_RUN_VERSION,
  resolvePlan,
  RunScopeError,
  scopeImports,
  stageScopedName,
  type ParameterFileIssue,
  type Plan,
  type PlannedRun,
  type RunIdentity,
} from '@recops/core';
import { plannedRunLocation, storePlannedRun } from '@recops/core/ops';
import { FINISHED_RUN_TAGS, publish, rejectedRunKey } from '@recops/core/runtime';
import { clashIssues, findNameClashes } from './name-clash';
import type { RejectedRun } from './run-records';

export interface RunStartClients {
  readonly s3: S3Client;
  readonly eventBridge: EventBridgeClient;
  /** Lists names account-wide before a run of everything creates any (name-clash.ts). */
  readonly personalize: PersonalizeClient;
}

export interface RunStartSettings {
  readonly busName: string;
  readonly stage: string;
  readonly now?: () => Date;
}

/** What starts a run. */
export interface RunStart {
  readonly trigger: RunTrigger;
  readonly identity: RunIdentity;
  /** The parameter file. */
  readonly config: { readonly bucket: string; readonly key: string };
  /** The Scheduler schedule that fired (scheduled runs). */
  readonly scheduleName?: string;
  /** The dataset group the trigger names (a schedule's), for a Pipeline Failed when the file says none. */
  readonly datasetGroupName?: string;
  /** The run's scope, from the plan resolved now (throws RunScopeError when the plan lacks its target). */
  readonly scopeOf: (plan: Plan) => RunScope;
}

export type RunStartOutcome =
  | {
      readonly kind: 'requested';
      readonly runId: string;
      readonly datasetGroupName: string;
      readonly scope: RunScope;
      readonly warnings: readonly ParameterFileIssue[];
    }
  | {
      readonly kind: 'rejected';
      readonly runId: string;
      readonly datasetGroupName: string;
      readonly reason: string;
      readonly errors: readonly EventIssue[];
    }
  /** An uploaded file deleted before it was read: no run. */
  | { readonly kind: 'gone' };

export async function startRun(start: RunStart, clients: RunStartClients, settings: RunStartSettings): Promise<RunStartOutcome> {
  const now = settings.now ?? (() => new Date());
  const runId = start.identity.id;
  const { config } = start;
  const where = `s3://${config.bucket}/${config.key}`;

  const reject = async (datasetGroupName: string, reason: string, errors: readonly EventIssue[]): Promise<RunStartOutcome> => {
    const detail = {
      runId,
      datasetGroupName,
      stage: settings.stage,
      step: 'intake' as const,
      reason,
      errors: [...errors],
      config,
      failedAt: now().toISOString(),
    };
    // The refused run's record (no plan or state exists for it), so `recops status` can list it with its reason.
    const record: RejectedRun = { ...detail, trigger: start.trigger, startedAt: start.identity.startedAt };
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: config.bucket,
        Key: rejectedRunKey(datasetGroupName, runId),
        Body: JSON.stringify(record),
        ContentType: 'application/json',
        // A refused run ends here: no tracker ever retags it, so it expires as a finished run.
        Tagging: new URLSearchParams(Object.entries(FINISHED_RUN_TAGS)).toString(),
      }),
    );
    await publish(clients.eventBridge, [pipelineFailed.entry(detail, settings.busName)]);
    return { kind: 'rejected', runId, datasetGroupName, reason, errors };
  };
  const invalid = (datasetGroupName: string, errors: readonly EventIssue[]) =>
    reject(
      datasetGroupName,
      `The parameter file ${where} is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}); nothing was created`,
      errors,
    );

  const text = await readText(clients.s3, config);
  if (text === undefined) {
    if (start.trigger === 'upload') return { kind: 'gone' };
    const reason = `The parameter file ${where} no longer exists; upload it again or delete its schedules`;
    return reject(start.datasetGroupName ?? datasetGroupNameHint(undefined, config.key, settings.stage), reason, [
      { path: where, message: 'NoSuchKey' },
    ]);
  }

  const validation = parseParameterFileText(text);
  if (!validation.ok)
    return invalid(start.datasetGroupName ?? datasetGroupNameHint(safeJson(text), config.key, settings.stage), validation.errors);
  const fileGroupName = datasetGroupNameHint(validation.file, config.key, settings.stage);

  let plan: Plan;
  let scope: RunScope;
  try {
    const keys = await listKeys(clients.s3, config.bucket, folderOf(config.key));
    plan = resolvePlan(validation.file, {
      bucket: config.bucket,
      configKey: config.key,
      keys,
      runStamp: start.identity.stamp,
      stage: settings.stage,
    });
    scope = start.scopeOf(plan);
  } catch (error) {
    if (error instanceof ParameterFileError) return invalid(fileGroupName, error.issues);
    if (error instanceof RunScopeError)
      return reject(fileGroupName, `${error.message}; nothing was run`, [{ path: where, message: error.message }]);
    throw error;
  }
  const missing = scopeImports(scope) ? missingData(plan) : [];
  if (missing.length > 0) return invalid(plan.datasetGroup.name, missing);
  // A run of everything creates the file's names; the other scopes use what such a run created.
  if (scope.kind === 'everything') {
    const clashes = clashIssues(await findNameClashes(clients.personalize, plan));
    if (clashes.length > 0) {
      const count = `${clashes.length} name${clashes.length === 1 ? '' : 's'}`;
      return reject(
        plan.datasetGroup.name,
        `${count} of the parameter file ${where} ${clashes.length === 1 ? 'is' : 'are'} already used by another dataset group (Personalize names are account-wide); nothing was created`,
        clashes,
      );
    }
  }

  const datasetGroupName = plan.datasetGroup.name;
  const location = plannedRunLocation(config.bucket, datasetGroupName, runId);
  const document: PlannedRun = {
    version: PLANNED_RUN_VERSION,
    run: start.identity,
    trigger: start.trigger,
    scope,
    ...(start.scheduleName !== undefined && { scheduleName: start.scheduleName }),
    config: { bucket: config.bucket, key: config.key },
    plan,
  };
  await storePlannedRun(clients.s3, location, document);
  const entry = pipelineRequested.entry(
    {
      runId,
      datasetGroupName,
      stage: settings.stage,
      runStamp: start.identity.stamp,
      startedAt: start.identity.startedAt,
      trigger: start.trigger,
      scope,
      ...(start.scheduleName !== undefined && { scheduleName: start.scheduleName }),
      config: { bucket: config.bucket, key: config.key },
      plan: location,
      requestedAt: now().toISOString(),
    },
    settings.busName,
  );
  await publish(clients.eventBridge, [entry]);
  return { kind: 'requested', runId, datasetGroupName, scope, warnings: validation.warnings };
}

/** Imports whose data is not where the layout says; each names the places looked at. */
function missingData(plan: Plan): EventIssue[] {
  return plan.datasets.flatMap((dataset) => {
    const job = dataset.importJob;
    if (job?.dataLocation.present !== false) return [];
    const uri = job.dataLocation.uri;
    const where =
      job.dataLocation.kind === 'file' && uri.endsWith('.csv') ? `${uri} or the folder ${uri.slice(0, -'.csv'.length)}/ of CSV parts` : uri;
    return [
      {
        path: job.sourcePath,
        message: `no ${dataset.type.toLowerCase()} data found at ${where}; upload the CSVs before the parameter file`,
      },
    ];
  });
}

async function readText(s3: S3Client, object: { bucket: string; key: string }): Promise<string | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
    return (await response.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    // Deleted (or overwritten and deleted) before we got to it.
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

function folderOf(key: string): string {
  return key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The dataset group a broken file is about, for its Pipeline Failed: the file's own name when it
 * reads, else the folder under `train/` (the documented layout), else `unknown`; as the stage names it.
 */
function datasetGroupNameHint(file: unknown, key: string, stage: string): string {
  const named = (file as { datasetGroup?: { serviceConfig?: { name?: unknown } } } | undefined)?.datasetGroup?.serviceConfig?.name;
  const folder = key.split('/')[1];
  // Bounded: a name the stage prefix makes too long still labels its failed run.
  for (const candidate of [named, folder])
    if (typeof candidate === 'string' && /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,62}$/.test(candidate))
      return boundedName(stageScopedName(stage, candidate));
  return boundedName(stageScopedName(stage, 'unknown'));
}
