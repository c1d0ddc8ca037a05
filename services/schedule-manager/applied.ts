/**
 * Which run's schedules a dataset group carries: one small document per dataset group in the data
 * bucket, written only conditionally (`IfNoneMatch: *` creates it, `IfMatch: <etag>` replaces the
 * version that was read), so of two deliveries racing from the same read exactly one moves it.
 *
 * Runs are ordered by the upload time their runId encodes (`<run stamp>-<hash>`, see
 * core's run/identity.ts). Not the config object's S3 LastModified or sequencer: different files
 * may name the same dataset group, sequencers only order writes of one key, and by the time a late
 * delivery arrives the object may have been overwritten, so its metadata describes the newer write.
 * Runs stamped in the same second fall back to the runId's hash: arbitrary, but every delivery
 * decides the same way, which is what convergence needs.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { isRunStamp, runStampOf } from '@recops/core';
import { putIfUnchanged, readVersioned, RUNS_PREFIX } from '@recops/core/runtime';
import type { ObjectLocation } from '@recops/core/ops';
import { AppliedRunFormatError } from './errors';

/** A run whose schedules are (being) applied, with what it takes to apply them again. */
export interface AppliedRun {
  readonly runId: string;
  /** Sort key: the run stamp of the upload (or of the request, for runIds without one). */
  readonly order: string;
  readonly config: { readonly bucket: string; readonly key: string };
  /** The run's document (`runs/<dsg>/<runId>/plan.json`). */
  readonly plan: ObjectLocation;
}

export interface StoredAppliedRun {
  readonly run: AppliedRun;
  readonly etag: string;
}

/** `runs/<dsg>/schedules.json`, beside the runs' folders (outside `train/`, so intake never sees it). */
function appliedRunKey(datasetGroupName: string): string {
  return `${RUNS_PREFIX}${datasetGroupName}/schedules.json`;
}

/** The run stamp leading the runId; runIds without one (not from an upload) order by request time. */
export function runOrderOf(runId: string, requestedAt: string | undefined): string {
  const stamp = runId.slice(0, 19);
  if (isRunStamp(stamp)) return stamp;
  const requested = requestedAt === undefined ? Number.NaN : Date.parse(requestedAt);
  // No time at all: order before every stamped run, so it never displaces one.
  return Number.isNaN(requested) ? '' : runStampOf(new Date(requested));
}

/** True when `a` was uploaded after `b`. */
export function isNewerRun(a: AppliedRun, b: AppliedRun): boolean {
  if (a.order !== b.order) return a.order > b.order;
  return a.runId > b.runId;
}

export async function readAppliedRun(s3: S3Client, bucket: string, datasetGroupName: string): Promise<StoredAppliedRun | undefined> {
  const key = appliedRunKey(datasetGroupName);
  const stored = await readVersioned(
    s3,
    bucket,
    key,
    (text) => parseAppliedRun(key, text),
    (reason) => new AppliedRunFormatError(key, reason),
  );
  return stored && { run: stored.value, etag: stored.etag };
}

/** Writes `run` if the stored document is still `etag` (or absent, when undefined); false when it moved. */
export function writeAppliedRun(
  s3: S3Client,
  bucket: string,
  datasetGroupName: string,
  run: AppliedRun,
  etag: string | undefined,
): Promise<boolean> {
  return putIfUnchanged(s3, bucket, appliedRunKey(datasetGroupName), JSON.stringify(run), etag);
}

function parseAppliedRun(key: string, text: string): AppliedRun {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppliedRunFormatError(key, 'not JSON');
  }
  const run = value as Partial<AppliedRun> | null;
  if (run === null || typeof run !== 'object') throw new AppliedRunFormatError(key, 'not an object');
  if (typeof run.runId !== 'string') throw new AppliedRunFormatError(key, 'runId must be a string');
  if (typeof run.order !== 'string') throw new AppliedRunFormatError(key, 'order must be a string');
  if (typeof run.config?.bucket !== 'string' || typeof run.config.key !== 'string') {
    throw new AppliedRunFormatError(key, 'config must be { bucket, key } strings');
  }
  if (typeof run.plan?.bucket !== 'string' || typeof run.plan.key !== 'string')
    throw new AppliedRunFormatError(key, 'plan must be { bucket, key } strings');
  return run as AppliedRun;
}
