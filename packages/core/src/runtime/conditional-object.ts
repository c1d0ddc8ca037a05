/**
 * Conditional writes on S3 objects: the one mechanism behind run state, claims and the
 * schedule-manager's applied-run record. `IfNoneMatch: *` creates an object only if it is absent,
 * `IfMatch: <etag>` replaces exactly the version that was read; a writer that lost gets `false`
 * and decides again from a fresh read, so concurrent deliveries never lose an update.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** 412 PreconditionFailed, or 409 ConditionalRequestConflict (two conditional writes at once). */
export function isConditionFailure(error: unknown): boolean {
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return (
    name === 'PreconditionFailed' ||
    name === 'ConditionalRequestConflict' ||
    $metadata?.httpStatusCode === 412 ||
    $metadata?.httpStatusCode === 409
  );
}

export interface VersionedObject<T> {
  readonly value: T;
  readonly etag: string;
}

/**
 * Reads an object with its ETag; undefined when it does not exist. `parse` turns the text into a
 * value (throwing its own error on bad content); `invalid` builds the error for a response with no ETag.
 */
export async function readVersioned<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  parse: (text: string) => T,
  invalid: (reason: string) => Error,
): Promise<VersionedObject<T> | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await response.Body?.transformToString('utf8')) ?? '';
    if (!response.ETag) throw invalid('GetObject returned no ETag');
    return { value: parse(text), etag: response.ETag };
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/**
 * Writes a JSON body if the stored object is still `etag`, or absent when `etag` is undefined.
 * Resolves false when the condition failed (someone else wrote first).
 */
export async function putIfUnchanged(s3: S3Client, bucket: string, key: string, body: string, etag: string | undefined): Promise<boolean> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
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
