/**
 * The run state document in the data bucket: `runs/<dsg>/<runId>/state.json`, read and written with
 * core's conditional documents (a writer that lost the race starts over from a fresh read, so no
 * update is lost). The schema checks what the tracker relies on and keeps every other field as stored.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { RESOURCE_KIND, TERMINAL_STATUS } from '@recops/events';
import { readDocument, writeDocument, type VersionedDocument, type WriteOptions, type WriteResult } from '@recops/core/runtime';
import { z } from 'zod';
import { RUN_STATE_VERSION, type RunState } from './state';

const runStateSchema: z.ZodType<RunState> = z.looseObject({
  version: z.literal(RUN_STATE_VERSION),
  runId: z.string().min(1),
  datasetGroupName: z.string().min(1),
  stage: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  resources: z.record(
    z.string(),
    z.looseObject({ kind: z.enum(RESOURCE_KIND), status: z.union([z.literal('IN_PROGRESS'), z.enum(TERMINAL_STATUS)]) }),
  ),
  outcome: z.looseObject({ kind: z.enum(['completed', 'failed']), decidedAt: z.string() }).optional(),
});

export function readRunState(s3: S3Client, bucket: string, key: string): Promise<VersionedDocument<RunState> | undefined> {
  return readDocument(s3, bucket, key, runStateSchema);
}

/** Writes `state` if the stored document is still `etag` (or absent, when `etag` is undefined). */
export function writeRunState(
  s3: S3Client,
  bucket: string,
  key: string,
  state: RunState,
  etag: string | undefined,
  options: WriteOptions = {},
): Promise<WriteResult> {
  return writeDocument(s3, bucket, key, state, etag, options);
}
