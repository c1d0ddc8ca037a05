/**
 * A rejected version changes nothing that serves, so its run need not pay for a batch job whose
 * answer is already written: the live version's newest output of the job stands when it came from
 * the same input objects, unchanged since that job started, with the same settings. The run then
 * gets that output's Batch Output Ready (with `reusedFromRunId`), so its goal is met and Pipeline
 * Completed lists where the output is. Anything not known to be the same (another version, other
 * settings, an input object added, removed or rewritten, output outside recops' bucket, a record
 * written before reuse existed) runs the job again.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { batchOutputReady } from '@recops/events';
import type { BatchInferenceJobPlan, BatchSegmentJobPlan } from '@recops/core';
import type { BatchJobKind } from '@recops/core/ops';
import { claimKey, claimOnce, publish } from '@recops/core/runtime';
import { inputObjects, listKeys, listObjects, outputFolder, parseS3Url, readBatchJobRecord, type BatchJobRecord } from '../batch-records';
import type { RunRef } from '../run-events';
import type { BatchRunnerDependencies } from './run';

const MANIFEST_FILE = 'manifest.json';
const CHECK_FILE = '_CHECK';

/** What the batch output notifier wrote beside a finished output (the members read here). */
interface OutputManifest {
  readonly jobArn: string;
  readonly solutionVersionArn: string;
  readonly input: { readonly keys: readonly string[] };
  readonly output: { readonly keys: readonly string[] };
  readonly lineCount: number;
  readonly errorLineCount: number;
}

/** The settings a job's output depends on, as one string: equal strings, equal jobs (given the version and input). */
export function batchJobSettings(job: BatchInferenceJobPlan | BatchSegmentJobPlan): string {
  const inference = job as Partial<BatchInferenceJobPlan>;
  return JSON.stringify({
    inputPath: job.inputPath,
    numResults: job.numResults ?? null,
    filterArn: job.filterArn ?? null,
    batchInferenceJobConfig: inference.batchInferenceJobConfig ?? null,
    batchInferenceJobMode: inference.batchInferenceJobMode ?? null,
    themeGenerationConfig: inference.themeGenerationConfig ?? null,
  });
}

/** The live version's newest output folder of this job, with its record and manifest, when it still answers this run. */
async function currentOutput(
  kind: BatchJobKind,
  job: BatchInferenceJobPlan | BatchSegmentJobPlan,
  liveVersionArn: string,
  deps: BatchRunnerDependencies,
): Promise<{ record: BatchJobRecord; manifest: OutputManifest } | undefined> {
  const base = outputFolder(job.outputPathBase);
  const input = parseS3Url(job.inputPath);
  if (base.bucket !== deps.bucketName || input.bucket !== deps.bucketName) return undefined;
  let folder: string | undefined;
  if (job.outputPerRun) {
    // Per-run folders `<stem>_<runStamp>/` sort by their stamp: the last with a manifest is the newest output.
    const stem = `${base.key}${job.outputFolderStem}_`;
    const manifests = (await listKeys(deps.s3, base.bucket, stem)).filter((key) =>
      new RegExp(`^${escapeRegExp(stem)}\\d{4}(_\\d{2}){5}/${MANIFEST_FILE}$`).test(key),
    );
    const newest = manifests.sort().at(-1);
    folder = newest?.slice(0, -MANIFEST_FILE.length);
  } else {
    folder = base.key;
  }
  if (folder === undefined) return undefined;
  const record = await readBatchJobRecord(deps.s3, deps.bucketName, { bucket: base.bucket, key: folder });
  if (
    record?.startedAt === undefined ||
    record.jobKind !== kind ||
    record.solutionVersionArn !== liveVersionArn ||
    record.settings !== batchJobSettings(job)
  ) {
    return undefined;
  }
  const manifest = await readManifest(deps, base.bucket, `${folder}${MANIFEST_FILE}`);
  if (manifest === undefined || manifest.jobArn !== record.jobArn) return undefined;
  // The input: the same objects, none written since the job started.
  const now = await inputObjects(deps.s3, input, { bucket: base.bucket, key: folder });
  const modified = new Map((await listObjects(deps.s3, input.bucket, input.key)).map((o) => [o.key, o.lastModified]));
  const startedAt = Date.parse(record.startedAt);
  const sameInput =
    now.length === manifest.input.keys.length &&
    now.every((key) => manifest.input.keys.includes(key) && (modified.get(key)?.getTime() ?? Number.POSITIVE_INFINITY) <= startedAt);
  if (!sameInput) return undefined;
  // The output: still all there.
  const written = new Set(await listKeys(deps.s3, base.bucket, folder));
  if (!manifest.output.keys.every((key) => written.has(key)) || !written.has(`${folder}${CHECK_FILE}`)) return undefined;
  return { record, manifest };
}

/**
 * On Rejected: when the live version's output of this job still answers, announces it for this run
 * (once: a claim per run and job) and returns the job it came from; undefined means run the job.
 */
export async function keepCurrentOutput(
  run: RunRef,
  kind: BatchJobKind,
  job: BatchInferenceJobPlan | BatchSegmentJobPlan,
  liveVersionArn: string,
  deps: BatchRunnerDependencies,
): Promise<BatchJobRecord | undefined> {
  const current = await currentOutput(kind, job, liveVersionArn, deps);
  // This run's own output (a redelivered Rejected after its job ran) was announced by the notifier.
  if (current === undefined || current.record.runId === run.runId) return undefined;
  const { record, manifest } = current;
  const claim = await claimOnce(
    deps.s3,
    deps.bucketName,
    claimKey(run.datasetGroupName, run.runId, `batch-output/${job.jobNameBase}`),
    deps.deliveryId,
    deps.now(),
  );
  if (!claim.claimed) return record;
  const entry = batchOutputReady.entry(
    {
      runId: run.runId,
      datasetGroupName: run.datasetGroupName,
      stage: run.stage,
      resourceArn: record.jobArn,
      jobKind: record.jobKind,
      jobName: record.jobName,
      jobNameBase: job.jobNameBase,
      solutionName: record.solutionName,
      solutionVersionArn: record.solutionVersionArn,
      input: record.input,
      output: { bucket: record.output.bucket, prefix: record.output.key },
      objectKeys: [...manifest.output.keys],
      check: { bucket: record.output.bucket, key: `${record.output.key}${CHECK_FILE}` },
      manifest: { bucket: record.output.bucket, key: `${record.output.key}${MANIFEST_FILE}` },
      lineCount: manifest.lineCount,
      errorLineCount: manifest.errorLineCount,
      readyAt: deps.now().toISOString(),
      reusedFromRunId: record.runId,
    },
    deps.busName,
  );
  await publish(deps.eventBridge, [entry]);
  return record;
}

async function readManifest(deps: BatchRunnerDependencies, bucket: string, key: string): Promise<OutputManifest | undefined> {
  try {
    const response = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await response.Body?.transformToString('utf8')) ?? '') as OutputManifest;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
