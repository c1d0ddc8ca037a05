/**
 * config-intake's logic: a parameter file landed under `train/`. Validate it; on any error publish
 * one Pipeline Failed listing every error and create nothing. Otherwise resolve the plan (finding the
 * CSVs as the documented layout says), store it under `runs/<dsg>/<runId>/plan.json`, and publish
 * Pipeline Requested with the plan inline, or with its S3 location when the event would exceed the
 * 256 KB PutEvents limit.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventTooLargeError, pipelineFailed, pipelineRequested, type EventIssue } from '@recops/events';
import {
  parseParameterFileText,
  ParameterFileError,
  resolvePlan,
  type ParameterFileIssue,
  type Plan,
} from '@recops/core';
import { planKey, publish } from '@recops/core/runtime';
import type { UploadedObject } from './notification';
import { datasetGroupNameHint, runIdentity } from './run-id';

export interface IntakeClients {
  readonly s3: S3Client;
  readonly eventBridge: EventBridgeClient;
}

export interface IntakeSettings {
  readonly busName: string;
  readonly stage: string;
  readonly now?: () => Date;
}

export type IntakeOutcome =
  | { readonly kind: 'requested'; readonly runId: string; readonly datasetGroupName: string; readonly planInline: boolean; readonly warnings: readonly ParameterFileIssue[] }
  | { readonly kind: 'rejected'; readonly runId: string; readonly datasetGroupName: string; readonly errors: readonly EventIssue[] }
  | { readonly kind: 'gone' };

export async function takeInConfig(object: UploadedObject, clients: IntakeClients, settings: IntakeSettings): Promise<IntakeOutcome> {
  const now = settings.now ?? (() => new Date());
  const text = await readText(clients.s3, object);
  if (text === undefined) return { kind: 'gone' };
  const { runId, runStamp } = runIdentity(object);
  const config = { bucket: object.bucket, key: object.key };

  const reject = async (datasetGroupName: string, errors: readonly EventIssue[]): Promise<IntakeOutcome> => {
    await publish(clients.eventBridge, [
      pipelineFailed.entry(
        {
          runId,
          datasetGroupName,
          stage: settings.stage,
          step: 'intake',
          reason: `The parameter file s3://${object.bucket}/${object.key} is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}); nothing was created`,
          errors: [...errors],
          config,
          failedAt: now().toISOString(),
        },
        settings.busName,
      ),
    ]);
    return { kind: 'rejected', runId, datasetGroupName, errors };
  };

  const validation = parseParameterFileText(text);
  if (!validation.ok) return reject(datasetGroupNameHint(safeJson(text), object.key), validation.errors);

  const datasetGroupName = validation.file.datasetGroup?.serviceConfig?.name ?? datasetGroupNameHint(validation.file, object.key);
  let plan: Plan;
  try {
    const keys = await listKeys(clients.s3, object.bucket, folderOf(object.key));
    plan = resolvePlan(validation.file, { bucket: object.bucket, configKey: object.key, keys, runStamp });
  } catch (error) {
    if (error instanceof ParameterFileError) return reject(datasetGroupName, error.issues);
    throw error;
  }
  const missing = missingData(plan);
  if (missing.length > 0) return reject(plan.datasetGroup.name, missing);

  const location = { bucket: object.bucket, key: planKey(plan.datasetGroup.name, runId) };
  await storePlan(clients.s3, location, plan);

  const detail = {
    runId,
    datasetGroupName: plan.datasetGroup.name,
    stage: settings.stage,
    trigger: 'upload' as const,
    config,
    requestedAt: now().toISOString(),
  };
  let entry;
  let planInline = true;
  try {
    entry = pipelineRequested.entry({ ...detail, plan: { storage: 'inline', plan: plan as unknown as Record<string, unknown> } }, settings.busName);
  } catch (error) {
    if (!(error instanceof EventTooLargeError)) throw error;
    planInline = false;
    entry = pipelineRequested.entry({ ...detail, plan: { storage: 's3', location } }, settings.busName);
  }
  await publish(clients.eventBridge, [entry]);
  return { kind: 'requested', runId, datasetGroupName: plan.datasetGroup.name, planInline, warnings: validation.warnings };
}

/** Imports whose data is not where the layout says; each names the places looked at. */
function missingData(plan: Plan): EventIssue[] {
  return plan.datasets.flatMap((dataset) => {
    const job = dataset.importJob;
    if (!job || job.dataLocation.present !== false) return [];
    const uri = job.dataLocation.uri;
    const where =
      job.dataLocation.kind === 'file' && uri.endsWith('.csv')
        ? `${uri} or the folder ${uri.slice(0, -'.csv'.length)}/ of CSV parts`
        : uri;
    return [{ path: job.sourcePath, message: `no ${dataset.type.toLowerCase()} data found at ${where}; upload the CSVs before the parameter file` }];
  });
}

async function readText(s3: S3Client, object: UploadedObject): Promise<string | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
    return (await response.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    // Deleted (or overwritten and deleted) before we got to it: nothing to take in.
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

/** Writes the plan once per run; a duplicate delivery finds it there (412) and moves on. */
async function storePlan(s3: S3Client, location: { bucket: string; key: string }, plan: Plan): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: JSON.stringify(plan),
        ContentType: 'application/json',
        IfNoneMatch: '*',
      }),
    );
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 412 && (error as { name?: string }).name !== 'PreconditionFailed') throw error;
  }
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
