/**
 * The run state document in the data bucket, read with its ETag and written only conditionally:
 * `IfNoneMatch: *` creates it, `IfMatch: <etag>` replaces exactly the version that was read. A
 * writer that lost the race gets false and starts over from a fresh read, so no update is lost.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { putIfUnchanged, readVersioned } from '@recops/core/runtime';
import { RUN_STATE_VERSION, type RunState } from './state';
import { RunStateFormatError } from './errors';

export interface StoredRunState {
  readonly state: RunState;
  readonly etag: string;
}

export async function readRunState(s3: S3Client, bucket: string, key: string): Promise<StoredRunState | undefined> {
  const stored = await readVersioned(
    s3,
    bucket,
    key,
    (text) => parseState(key, text),
    (reason) => new RunStateFormatError(key, reason),
  );
  return stored && { state: stored.value, etag: stored.etag };
}

/** Writes `state` if the stored document is still `etag` (or absent, when `etag` is undefined). */
export function writeRunState(s3: S3Client, bucket: string, key: string, state: RunState, etag: string | undefined): Promise<boolean> {
  return putIfUnchanged(s3, bucket, key, JSON.stringify(state, null, 2), etag);
}

function parseState(key: string, text: string): RunState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RunStateFormatError(key, 'is not JSON');
  }
  const state = value as Partial<RunState>;
  if (state.version !== RUN_STATE_VERSION)
    throw new RunStateFormatError(key, `version ${String(state.version)} is not ${RUN_STATE_VERSION}`);
  if (typeof state.runId !== 'string' || typeof state.resources !== 'object' || state.resources === null)
    throw new RunStateFormatError(key, 'runId and resources are required');
  return state as RunState;
}
