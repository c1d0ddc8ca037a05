/**
 * The run state document in the data bucket, read with its ETag and written only conditionally:
 * `IfNoneMatch: *` creates it, `IfMatch: <etag>` replaces exactly the version that was read. A
 * writer that lost the race gets false and starts over from a fresh read, so no update is lost.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RUN_STATE_VERSION, type RunState } from './state';
import { RunStateFormatError } from './errors';

export interface StoredRunState {
  readonly state: RunState;
  readonly etag: string;
}

export async function readRunState(s3: S3Client, bucket: string, key: string): Promise<StoredRunState | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await response.Body?.transformToString('utf8')) ?? '';
    if (!response.ETag) throw new RunStateFormatError(key, 'GetObject returned no ETag');
    return { state: parseState(key, text), etag: response.ETag };
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Writes `state` if the stored document is still `etag` (or absent, when `etag` is undefined). */
export async function writeRunState(
  s3: S3Client,
  bucket: string,
  key: string,
  state: RunState,
  etag: string | undefined,
): Promise<boolean> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(state, null, 2),
        ContentType: 'application/json',
        ...(etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: etag }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** 412 PreconditionFailed, or 409 ConditionalRequestConflict (two conditional writes at once). */
function isConditionFailure(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    name === 'PreconditionFailed' ||
    name === 'ConditionalRequestConflict' ||
    $metadata?.httpStatusCode === 412 ||
    $metadata?.httpStatusCode === 409
  );
}

function parseState(key: string, text: string): RunState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RunStateFormatError(key, 'is not JSON');
  }
  const state = value as Partial<RunState>;
  if (state.version !== RUN_STATE_VERSION) throw new RunStateFormatError(key, `version ${String(state.version)} is not ${RUN_STATE_VERSION}`);
  if (typeof state.runId !== 'string' || typeof state.resources !== 'object' || state.resources === null)
    throw new RunStateFormatError(key, 'runId and resources are required');
  return state as RunState;
}
