/**
 * Documents in the data bucket that several deliveries may write at once: run state, run documents
 * (plans), claims, watch claims, the applied-run record and promoted versions. One mechanism for all
 * of them: a zod schema types and checks what is read, `IfNoneMatch: *` creates a document only if it
 * is absent, `IfMatch: <etag>` replaces exactly the version that was read. A writer that lost gets
 * `'lost-race'` and decides again from a fresh read, so concurrent deliveries never lose an update.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { z } from 'zod';
import { DocumentConflictError, DocumentFormatError } from './errors';
import { runDocumentTags } from './retention';

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

/** A document as read, with the ETag a conditional write must name to replace exactly this version. */
export interface VersionedDocument<T> {
  readonly value: T;
  readonly etag: string;
}

/** `written`: the document is now the value; `lost-race`: another writer got there first (read again, decide again). */
export type WriteResult = 'written' | 'lost-race';

export interface WriteOptions {
  /**
   * Object tags set with the write (S3 `Tagging`), e.g. the finished-run tag lifecycle rules filter
   * on. Default: `runDocumentTags(key)` (the open-run tag for a run's documents, so none is left
   * without an expiry).
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Reads a document with its ETag; undefined when it does not exist. Content that is not JSON or
 * does not match `schema` throws DocumentFormatError naming the object and the failing fields:
 * such a document does not heal by retrying.
 */
export async function readDocument<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  schema: z.ZodType<T>,
): Promise<VersionedDocument<T> | undefined> {
  let text: string;
  let etag: string | undefined;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await response.Body?.transformToString('utf8')) ?? '';
    etag = response.ETag;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
  const where = `s3://${bucket}/${key}`;
  if (!etag) throw new DocumentFormatError(where, ['GetObject returned no ETag']);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DocumentFormatError(where, ['not JSON']);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new DocumentFormatError(
      where,
      parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return { value: parsed.data, etag };
}

/**
 * Writes `value` as JSON if the stored document is still `etag`, or absent when `etag` is undefined
 * (see `createDocument`).
 */
export async function writeDocument<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  value: T,
  etag: string | undefined,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const tags = options.tags ?? runDocumentTags(key);
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
        ...(etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: etag }),
        ...(tags !== undefined && { Tagging: new URLSearchParams(Object.entries(tags)).toString() }),
      }),
    );
    return 'written';
  } catch (error) {
    if (isConditionFailure(error)) return 'lost-race';
    throw error;
  }
}

/** Creates the document unless one exists; `lost-race` when it already did (the first writer's value stays). */
export function createDocument<T>(s3: S3Client, bucket: string, key: string, value: T, options: WriteOptions = {}): Promise<WriteResult> {
  return writeDocument(s3, bucket, key, value, undefined, options);
}

/**
 * Read–modify–write until a write sticks: `change` gets the current value (undefined when absent)
 * and returns the new one, or undefined to leave the document as it is. Resolves to the value as
 * stored afterwards (undefined when absent and left so). `tags` gives the tags to write with a value.
 * After `attempts` lost races in a row, DocumentConflictError (retryable: the record goes back to
 * its queue and a later delivery reads again).
 */
export async function updateDocument<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  schema: z.ZodType<T>,
  change: (current: T | undefined) => T | undefined,
  options: { readonly attempts?: number; readonly tags?: (value: T) => Readonly<Record<string, string>> | undefined } = {},
): Promise<T | undefined> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const stored = await readDocument(s3, bucket, key, schema);
    const next = change(stored?.value);
    if (next === undefined) return stored?.value;
    const tags = options.tags?.(next);
    if ((await writeDocument(s3, bucket, key, next, stored?.etag, tags === undefined ? {} : { tags })) === 'written') return next;
  }
  throw new DocumentConflictError(`s3://${bucket}/${key}`, attempts);
}
