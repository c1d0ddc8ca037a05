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
import { readDocument, RUNS_PREFIX, writeDocument, type VersionedDocument, type WriteResult } from '@recops/core/runtime';
import type { ObjectLocation } from '@recops/core/ops';
import { z } from 'zod';

/** A run whose schedules are (being) applied, with what it takes to apply them again. */
export interface AppliedRun {
  readonly runId: string;
  /** Sort key: the run stamp of the upload (or of the request, for runIds without one). */
  readonly order: string;
  readonly config: { readonly bucket: string; readonly key: string };
  /** The run's document (`runs/<dsg>/<runId>/plan.json`). */
  readonly plan: ObjectLocation;
}

const location = z.object({ bucket: z.string().min(1), key: z.string().min(1) });
const appliedRunSchema: z.ZodType<AppliedRun> = z.looseObject({
  runId: z.string().min(1),
  order: z.string(),
  config: location,
  plan: location,
});

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

export function readAppliedRun(s3: S3Client, bucket: string, datasetGroupName: string): Promise<VersionedDocument<AppliedRun> | undefined> {
  return readDocument(s3, bucket, appliedRunKey(datasetGroupName), appliedRunSchema);
}

/** Writes `run` if the stored document is still `etag` (or absent, when undefined); `lost-race` when it moved. */
export function writeAppliedRun(
  s3: S3Client,
  bucket: string,
  datasetGroupName: string,
  run: AppliedRun,
  etag: string | undefined,
): Promise<WriteResult> {
  return writeDocument(s3, bucket, appliedRunKey(datasetGroupName), run, etag);
}
