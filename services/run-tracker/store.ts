/**
 * The run state document in the data bucket: `runs/<dsg>/<runId>/state.json`, read and written with
 * core's conditional documents (a writer that lost the race starts over from a fresh read, so no
 * update is lost). The schema (../run-records.ts) is the one `recops status` reads the document with.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { readDocument, writeDocument, type VersionedDocument, type WriteOptions, type WriteResult } from '@recops/core/runtime';
import { runStateSchema } from '../run-records';
import type { RunState } from './state';

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
