/**
 * What batch-runner and batch-output-notifier share: the record of each batch job, kept under
 * `batch-jobs/<outputId>.json` and keyed by the job's output folder so the notifier can find the
 * job from nothing but an output object's key; and the S3 listing both use.
 */
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BATCH_JOB_KINDS, type BatchJobKind } from '@recops/events';
import { batchJobRecordKey, readDocument } from '@recops/core/runtime';
import { z } from 'zod';

export interface S3Url {
  readonly bucket: string;
  readonly key: string;
}

/** `s3://bucket/key` → bucket and key (key may be empty or a folder ending in `/`). */
export function parseS3Url(url: string): S3Url {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (match === null) throw new Error(`not an s3:// URL: ${url}`);
  return { bucket: match[1] as string, key: match[2] as string };
}

/** The output folder with a trailing slash, as the record and the notifier name it. */
export function outputFolder(outputPath: string): S3Url {
  const { bucket, key } = parseS3Url(outputPath);
  return { bucket, key: key === '' || key.endsWith('/') ? key : `${key}/` };
}

/** Stable id of an output folder (a hash: folder URLs may be longer than a key segment allows). */
function outputId(folder: S3Url): string {
  return createHash('sha256').update(`s3://${folder.bucket}/${folder.key}`).digest('hex').slice(0, 40);
}

/** What batch-runner knows about a job it started, for the notifier. */
export interface BatchJobRecord {
  readonly runId: string;
  readonly datasetGroupName: string;
  readonly stage: string;
  readonly jobKind: BatchJobKind;
  readonly jobArn: string;
  readonly jobName: string;
  readonly jobNameBase: string;
  readonly solutionName: string;
  readonly solutionVersionArn: string;
  readonly input: S3Url;
  /** Output folder (key ends with `/`). */
  readonly output: S3Url;
  /** When the job was started (absent in records written before reuse existed). */
  readonly startedAt?: string;
  /** The job's settings as planned (`batchJobSettings`): an output is reused only for the same ones. */
  readonly settings?: string;
}

const s3UrlSchema = z.object({ bucket: z.string().min(1), key: z.string() });
// Loose: a field added to the record later is kept by readers that do not know it yet.
const batchJobRecordSchema: z.ZodType<BatchJobRecord> = z.looseObject({
  runId: z.string().min(1),
  datasetGroupName: z.string().min(1),
  stage: z.string(),
  jobKind: z.enum(BATCH_JOB_KINDS),
  jobArn: z.string().min(1),
  jobName: z.string().min(1),
  jobNameBase: z.string().min(1),
  solutionName: z.string().min(1),
  solutionVersionArn: z.string().min(1),
  input: s3UrlSchema,
  output: s3UrlSchema,
  startedAt: z.string().optional(),
  settings: z.string().optional(),
});

export async function writeBatchJobRecord(s3: S3Client, bucket: string, record: BatchJobRecord): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: batchJobRecordKey(outputId(record.output)),
      Body: JSON.stringify(record),
      ContentType: 'application/json',
    }),
  );
}

export async function readBatchJobRecord(s3: S3Client, bucket: string, folder: S3Url): Promise<BatchJobRecord | undefined> {
  return (await readDocument(s3, bucket, batchJobRecordKey(outputId(folder)), batchJobRecordSchema))?.value;
}

/** Every key under `prefix` (all pages). */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  return (await listObjects(s3, bucket, prefix)).map((object) => object.key);
}

/** Every object under `prefix` with its last modification (all pages). */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<{ key: string; lastModified?: Date }[]> {
  const objects: { key: string; lastModified?: Date }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token !== undefined && { ContinuationToken: token }) }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined)
        objects.push({ key: object.Key, ...(object.LastModified !== undefined && { lastModified: object.LastModified }) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return objects;
}

/**
 * The input objects of a batch job, as Personalize reads them: the object itself when the input
 * names one, else every object under the folder (outputs written beside inputs excluded).
 */
export async function inputObjects(s3: S3Client, input: S3Url, output?: S3Url): Promise<string[]> {
  const keys = await listKeys(s3, input.bucket, input.key);
  if (keys.includes(input.key) && !input.key.endsWith('/')) return [input.key];
  const folder = input.key === '' || input.key.endsWith('/') ? input.key : `${input.key}/`;
  return keys.filter(
    (key) =>
      key.startsWith(folder) &&
      !key.endsWith('/') &&
      !(output !== undefined && output.bucket === input.bucket && key.startsWith(output.key)),
  );
}

export function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
