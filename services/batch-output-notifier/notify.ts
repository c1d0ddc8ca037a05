/**
 * batch-output-notifier: decides when a batch job's output is complete and says so once. Woken by
 * S3 ObjectCreated of a `.out` under `batch/` (a bucket notification) and by the job's Status
 * Changed ACTIVE, whichever comes last finds the output complete: the job ACTIVE in Personalize
 * and every input file with its `<input>.out`. Then `manifest.json` and `_CHECK` are written beside
 * the output and Batch Output Ready is published, by exactly one delivery (a claim per run and job).
 * A job that ends FAILED is not this service's business: its Status Changed fails the run with
 * Personalize's reason.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { batchOutputReady } from '@recops/events';
import { describeBatchJob, type BatchJobKind } from '@recops/core/ops';
import { claimKey, claimOnce, publish, type ChainDependencies } from '@recops/core/runtime';
import { baseName, inputObjects, listKeys, outputFolder, readBatchJobRecord, type BatchJobRecord } from '../batch-records';

export interface NotifierDependencies extends ChainDependencies {
  /** Owner of the per-job claim: stable across retries of one delivery, different for duplicates. */
  readonly deliveryId: string;
}

/** The marker and manifest names, beside the output objects. */
const CHECK_FILE = '_CHECK';
const MANIFEST_FILE = 'manifest.json';

export type OutputCheck =
  | { readonly outcome: 'ready'; readonly jobName: string; readonly check: string }
  | { readonly outcome: 'waiting' | 'already' | 'unknown'; readonly why: string };

/** S3 ObjectCreated: `key` is an output object; its job is found by the folders above it. */
export async function onOutputObject(bucket: string, key: string, deps: NotifierDependencies): Promise<OutputCheck> {
  if (!key.endsWith('.out')) return { outcome: 'unknown', why: `${key} is not a batch output (.out)` };
  let folder = key.slice(0, key.lastIndexOf('/') + 1);
  for (;;) {
    const record = await readBatchJobRecord(deps.s3, deps.bucketName, { bucket, key: folder });
    if (record !== undefined) return checkOutput(record, deps);
    if (folder === '') return { outcome: 'unknown', why: `no batch job recorded for an output folder above s3://${bucket}/${key}` };
    folder = folder.slice(0, folder.slice(0, -1).lastIndexOf('/') + 1);
  }
}

/** Batch … Job Status Changed ACTIVE: the job's record is found by the output path Personalize reports. */
export async function onJobActive(kind: BatchJobKind, jobArn: string, deps: NotifierDependencies): Promise<OutputCheck> {
  const job = await describeBatchJob(deps.personalize, kind, jobArn);
  const record = await readBatchJobRecord(deps.s3, deps.bucketName, outputFolder(job.outputPath));
  if (record === undefined || record.jobArn !== jobArn)
    return { outcome: 'unknown', why: `${jobArn} was not started by batch-runner (no record for ${job.outputPath})` };
  return checkOutput(record, deps);
}

async function checkOutput(record: BatchJobRecord, deps: NotifierDependencies): Promise<OutputCheck> {
  const job = await describeBatchJob(deps.personalize, record.jobKind, record.jobArn);
  if (job.status !== 'ACTIVE') return { outcome: 'waiting', why: `job ${record.jobName} is ${job.status}` };
  const inputs = await inputObjects(deps.s3, record.input, record.output);
  const written = new Set(await listKeys(deps.s3, record.output.bucket, record.output.key));
  const expected = inputs.map((key) => `${record.output.key}${baseName(key)}.out`);
  const missing = expected.filter((key) => !written.has(key));
  if (inputs.length === 0 || missing.length > 0) {
    return {
      outcome: 'waiting',
      why: `job ${record.jobName} is ACTIVE but ${missing.length > 0 ? `${missing.join(', ')} not written yet` : 'its input lists no file'}`,
    };
  }
  const claim = await claimOnce(
    deps.s3,
    deps.bucketName,
    claimKey(record.datasetGroupName, record.runId, `batch-output/${record.jobName}`),
    deps.deliveryId,
    deps.now(),
  );
  if (!claim.claimed) return { outcome: 'already', why: `output of ${record.jobName} already announced for run ${record.runId}` };

  const counts = await countLines(deps.s3, record.output.bucket, expected);
  const at = deps.now().toISOString();
  const manifestKey = `${record.output.key}${MANIFEST_FILE}`;
  const checkKey = `${record.output.key}${CHECK_FILE}`;
  const manifest = {
    runId: record.runId,
    jobKind: record.jobKind,
    jobArn: record.jobArn,
    jobName: record.jobName,
    solutionName: record.solutionName,
    solutionVersionArn: record.solutionVersionArn,
    input: { url: `s3://${record.input.bucket}/${record.input.key}`, keys: inputs },
    output: { url: `s3://${record.output.bucket}/${record.output.key}`, keys: expected },
    lineCount: counts.lines,
    errorLineCount: counts.errors,
    completedAt: at,
  };
  // The manifest first: whoever sees _CHECK can rely on manifest.json being there.
  await put(deps.s3, record.output.bucket, manifestKey, `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
  await put(deps.s3, record.output.bucket, checkKey, `${at}\n`, 'text/plain');
  const entry = batchOutputReady.entry(
    {
      runId: record.runId,
      datasetGroupName: record.datasetGroupName,
      stage: record.stage,
      resourceArn: record.jobArn,
      jobKind: record.jobKind,
      jobName: record.jobName,
      jobNameBase: record.jobNameBase,
      solutionName: record.solutionName,
      solutionVersionArn: record.solutionVersionArn,
      input: record.input,
      output: { bucket: record.output.bucket, prefix: record.output.key },
      objectKeys: expected,
      check: { bucket: record.output.bucket, key: checkKey },
      manifest: { bucket: record.output.bucket, key: manifestKey },
      lineCount: counts.lines,
      errorLineCount: counts.errors,
      readyAt: at,
    },
    deps.busName,
  );
  await publish(deps.eventBridge, [entry]);
  return { outcome: 'ready', jobName: record.jobName, check: `s3://${record.output.bucket}/${checkKey}` };
}

async function put(s3: S3Client, bucket: string, key: string, body: string, contentType: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

/** Non-empty lines of the outputs, and those whose JSON carries a non-null `error`. */
async function countLines(s3: S3Client, bucket: string, keys: readonly string[]): Promise<{ lines: number; errors: number }> {
  let lines = 0;
  let errors = 0;
  for (const key of keys) {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await response.Body?.transformToString('utf8')) ?? '';
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      lines += 1;
      try {
        const parsed = JSON.parse(line) as { error?: unknown };
        if (parsed.error !== undefined && parsed.error !== null) errors += 1;
      } catch {
        errors += 1;
      }
    }
  }
  return { lines, errors };
}
